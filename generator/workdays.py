"""Vietnamese working days, for the NĐ 48/2013/NĐ-CP notice rule.

A ministry's announcement decision must be issued at least 20 working days before it
takes effect, a province's at least 5. `working_days_between` counts those days: a
working day is Monday to Friday and not a public holiday.

Public holidays follow Bộ luật Lao động 2019, Điều 112 (from 2021):

- Tết Dương lịch, 1 January;
- Tết Âm lịch, 5 days. The law leaves the days to the government; we use its usual
  arrangement: the last day of the lunar year (29 or 30 tháng Chạp) and mùng 1 to mùng 4;
- Giỗ Tổ Hùng Vương, 10/3 âm lịch (the regular third month, never a leap one);
- Ngày Chiến thắng, 30 April, and Ngày Quốc tế lao động, 1 May;
- Quốc khánh, 2 September plus one day before or after it. The law lets the government
  pick 1 or 3 September each year; we always use 1 September.

Before 2021 (Bộ luật Lao động 2012) Quốc khánh was 2 September only. Earlier laws (Tết of
4 days, no Giỗ Tổ before 2007) are not modelled: NĐ 48/2013 postdates them.

Known approximation: compensatory days off (nghỉ bù) when a holiday falls on a weekend,
and working days swapped to make longer breaks, are decided by the government year by
year and are ignored. The count can therefore be off by a day or two around holidays;
that is acceptable because the notice rule only produces a warning.

Lunar dates use Hồ Ngọc Đức's astronomical algorithm: new moons and the sun's longitude
(truncated formulas from Jean Meeus, *Astronomical Algorithms*) are computed for the
Vietnamese time zone, UTC+7, which is why Tết sometimes differs from the Chinese New Year
(1985, 2007). Lunar holidays are computed for years 1900-2199 (`LUNAR_YEARS`); outside
that range `holidays` holds only the solar-calendar holidays, so that a mistyped year in
a decision never makes the validator raise.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import lru_cache

LUNAR_YEARS = range(1900, 2200)
QUOC_KHANH_TWO_DAYS_FROM = 2021  # Bộ luật Lao động 2019 took effect on 1 January 2021
TET_DAYS = 5

_TIME_ZONE = 7.0  # hours east of UTC
_SYNODIC_MONTH = 29.530588853  # mean days from one new moon to the next
_NEW_MOON_EPOCH = 2415021.076998695  # Julian day of new moon k = 0 (1900-01-01)
_ORDINAL_TO_JULIAN_DAY = 1721425  # date.toordinal() + this = Julian day number
_DEGREE = math.pi / 180
_LUNAR_CACHE = 512  # room for every year of LUNAR_YEARS and the ones either side


# Julian day numbers ------------------------------------------------------------------------


def _julian_day(day: date) -> int:
    return day.toordinal() + _ORDINAL_TO_JULIAN_DAY


def _from_julian_day(julian_day: int) -> date:
    return date.fromordinal(julian_day - _ORDINAL_TO_JULIAN_DAY)


# Astronomy ---------------------------------------------------------------------------------


def _new_moon(k: int) -> float:
    """Julian day (UTC, fractional) of the k-th new moon after 1900-01-01."""
    t = k / 1236.85  # Julian centuries from 1900-01-01
    t2, t3 = t * t, t * t * t
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _DEGREE)
    sun = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * _DEGREE
    moon = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * _DEGREE
    lat = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * _DEGREE
    return jd + _new_moon_correction(t, sun, moon, lat) - _delta_t(t)


def _new_moon_correction(t: float, sun: float, moon: float, lat: float) -> float:
    """Periodic terms, from the sun's and moon's anomalies and the moon's latitude."""
    return (
        (0.1734 - 0.000393 * t) * math.sin(sun)
        + 0.0021 * math.sin(2 * sun)
        - 0.4068 * math.sin(moon)
        + 0.0161 * math.sin(2 * moon)
        - 0.0004 * math.sin(3 * moon)
        + 0.0104 * math.sin(2 * lat)
        - 0.0051 * math.sin(sun + moon)
        - 0.0074 * math.sin(sun - moon)
        + 0.0004 * math.sin(2 * lat + sun)
        - 0.0004 * math.sin(2 * lat - sun)
        - 0.0006 * math.sin(2 * lat + moon)
        + 0.0010 * math.sin(2 * lat - moon)
        + 0.0005 * math.sin(2 * moon + sun)
    )


def _delta_t(t: float) -> float:
    """Terrestrial minus universal time, in days, `t` centuries from 1900."""
    t2, t3 = t * t, t * t * t
    if t < -11:
        return 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    return -0.000278 + 0.000265 * t + 0.000262 * t2


def _sun_longitude(julian_day: float) -> float:
    """The sun's apparent longitude in radians, in [0, 2π), at a UTC Julian day."""
    t = (julian_day - 2451545.0) / 36525  # Julian centuries from J2000
    t2 = t * t
    anomaly = (357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * _DEGREE
    mean = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    centre = (
        (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(anomaly)
        + (0.019993 - 0.000101 * t) * math.sin(2 * anomaly)
        + 0.000290 * math.sin(3 * anomaly)
    )
    longitude = (mean + centre) * _DEGREE
    return longitude - 2 * math.pi * math.floor(longitude / (2 * math.pi))


# The lunar calendar, UTC+7 ------------------------------------------------------------------


def _new_moon_day(k: int) -> int:
    """Julian day number of the local (UTC+7) day holding the k-th new moon."""
    return math.floor(_new_moon(k) + 0.5 + _TIME_ZONE / 24)


def _sun_sector(julian_day: int) -> int:
    """Which 30° sector (0-11) the sun is in at the start of a local day."""
    return math.floor(_sun_longitude(julian_day - 0.5 - _TIME_ZONE / 24) / math.pi * 6)


def _month_index(julian_day: int) -> int:
    """Index k of the new moon on or nearest to a day."""
    return math.floor((julian_day - _NEW_MOON_EPOCH) / _SYNODIC_MONTH + 0.5)


@lru_cache(maxsize=_LUNAR_CACHE)
def _month_11_start(year: int) -> int:
    """Julian day number of 1/11 âm lịch: the month that holds the winter solstice."""
    k = math.floor((_julian_day(date(year, 12, 31)) - 2415021) / _SYNODIC_MONTH)
    start = _new_moon_day(k)
    if _sun_sector(start) >= 9:  # the sun is past 270°: the solstice is in an earlier month
        start = _new_moon_day(k - 1)
    return start


def _leap_month_offset(month_11: int) -> int:
    """Months after month 11 to the leap month: the first with no major solar term."""
    k = _month_index(month_11)
    offset = 1
    sector = _sun_sector(_new_moon_day(k + offset))
    while True:
        previous = sector
        offset += 1
        sector = _sun_sector(_new_moon_day(k + offset))
        if sector == previous or offset >= 14:
            return offset - 1


def _lunar_to_solar(day: int, month: int, year: int) -> date:
    """Solar date of a day in a regular (not leap) month, for `month` < 11."""
    month_11, next_month_11 = _month_11_start(year - 1), _month_11_start(year)
    offset = month + 1  # months after month 11 of the previous year
    leap_year = next_month_11 - month_11 > 365  # 13 months: one of them is a leap month
    if leap_year and offset >= _leap_month_offset(month_11):
        offset += 1
    return _from_julian_day(_new_moon_day(_month_index(month_11) + offset) + day - 1)


def _check_lunar_year(year: int) -> None:
    if year not in LUNAR_YEARS:
        raise ValueError(f"lunar dates are computed for years 1900-2199 only, not {year}")


@lru_cache(maxsize=_LUNAR_CACHE)
def lunar_new_year(year: int) -> date:
    """Mùng 1 Tết: 1/1 âm lịch of the lunar year that starts in solar `year`."""
    _check_lunar_year(year)
    return _lunar_to_solar(1, 1, year)


@lru_cache(maxsize=_LUNAR_CACHE)
def hung_kings_day(year: int) -> date:
    """Giỗ Tổ Hùng Vương: 10/3 âm lịch in solar `year`."""
    _check_lunar_year(year)
    return _lunar_to_solar(10, 3, year)


# Holidays and working days ------------------------------------------------------------------


def _tet_holidays(year: int) -> list[date]:
    """The last day of the old lunar year and mùng 1 to mùng 4."""
    eve = lunar_new_year(year) - timedelta(days=1)
    return [eve + timedelta(days=i) for i in range(TET_DAYS)]


def _solar_holidays(year: int) -> list[date]:
    days = [date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)]
    if year >= QUOC_KHANH_TWO_DAYS_FROM:
        days.append(date(year, 9, 1))
    return days


@lru_cache(maxsize=1024)
def holidays(year: int) -> frozenset[date]:
    """Public holidays in solar `year` (lunar ones only for years in `LUNAR_YEARS`)."""
    days = _solar_holidays(year)
    if year in LUNAR_YEARS:
        days += [*_tet_holidays(year), hung_kings_day(year)]
    return frozenset(days)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and day not in holidays(day.year)


def _weekdays_through(day: date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) up to and including `day`."""
    weeks, extra = divmod(day.toordinal(), 7)
    return 5 * weeks + min(extra, 5)


def working_days_between(start: date, end: date) -> int:
    """Working days strictly after `start`, up to and including `end`; 0 if `end <= start`."""
    if end <= start:
        return 0
    weekday_holidays = sum(
        1
        for year in range(start.year, end.year + 1)
        for day in holidays(year)
        if start < day <= end and day.weekday() < 5
    )
    return _weekdays_through(end) - _weekdays_through(start) - weekday_holidays
