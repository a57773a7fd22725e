"""Vietnamese working days: lunar holidays, the count, and its algebra."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.workdays import (
    holidays,
    hung_kings_day,
    is_working_day,
    lunar_new_year,
    working_days_between,
)

# Mùng 1 Tết as published in Vietnam.
LUNAR_NEW_YEARS = [
    date(2010, 2, 14),
    date(2015, 2, 19),
    date(2019, 2, 5),
    date(2020, 1, 25),
    date(2021, 2, 12),
    date(2023, 1, 22),
    date(2024, 2, 10),
    date(2025, 1, 29),
    date(2026, 2, 17),
    date(2027, 2, 6),
    # The new moon falls at 16:07 UTC on 2 February 2030: 23:07 in Vietnam (UTC+7), but
    # 00:07 on 3 February in China (UTC+8). 3 February is the Chinese New Year; Tết Canh
    # Tuất is on 2 February.
    date(2030, 2, 2),
    # Years where Vietnam's UTC+7 calendar differs from China's, as Hồ Ngọc Đức documents.
    date(1968, 1, 29),
    date(1985, 1, 21),
    date(2007, 2, 17),
]

HUNG_KINGS_DAYS = [
    date(2019, 4, 14),
    date(2020, 4, 2),
    date(2023, 4, 29),  # after the leap second month of Quý Mão
    date(2024, 4, 18),
    date(2025, 4, 7),
]


@pytest.mark.parametrize("expected", LUNAR_NEW_YEARS, ids=str)
def test_lunar_new_year(expected: date) -> None:
    assert lunar_new_year(expected.year) == expected


@pytest.mark.parametrize("expected", HUNG_KINGS_DAYS, ids=str)
def test_hung_kings_day(expected: date) -> None:
    assert hung_kings_day(expected.year) == expected


@pytest.mark.parametrize("year", [1899, 2200])
def test_lunar_dates_outside_the_supported_years_raise(year: int) -> None:
    with pytest.raises(ValueError, match="1900-2199"):
        lunar_new_year(year)


def test_holidays_2025() -> None:
    tet = {date(2025, 1, 28) + timedelta(days=i) for i in range(5)}  # 29 tháng Chạp to mùng 4
    fixed = {date(2025, 1, 1), date(2025, 4, 30), date(2025, 5, 1)}
    quoc_khanh = {date(2025, 9, 1), date(2025, 9, 2)}
    assert holidays(2025) == frozenset(tet | fixed | quoc_khanh | {date(2025, 4, 7)})


def test_tet_eve_is_the_thirtieth_when_the_twelfth_month_is_long() -> None:
    assert date(2024, 2, 9) in holidays(2024)  # 30 tháng Chạp Quý Mão
    assert date(2024, 2, 8) not in holidays(2024)


def test_quoc_khanh_is_one_day_before_2021() -> None:
    assert date(2020, 9, 2) in holidays(2020)
    assert date(2020, 9, 1) not in holidays(2020)
    assert date(2021, 9, 1) in holidays(2021)


def test_years_without_lunar_dates_keep_the_solar_holidays() -> None:
    assert holidays(2500) == frozenset(
        {date(2500, 1, 1), date(2500, 4, 30), date(2500, 5, 1), date(2500, 9, 1), date(2500, 9, 2)}
    )


def test_is_working_day() -> None:
    assert is_working_day(date(2020, 8, 3))  # Monday
    assert not is_working_day(date(2020, 8, 8))  # Saturday
    assert not is_working_day(date(2025, 4, 30))  # Wednesday, Ngày Chiến thắng


def test_friday_to_monday_is_one_day() -> None:
    assert working_days_between(date(2020, 8, 7), date(2020, 8, 10)) == 1


def test_a_full_week_is_five_days() -> None:
    assert working_days_between(date(2020, 8, 3), date(2020, 8, 10)) == 5


def test_empty_and_backward_gaps_are_zero() -> None:
    assert working_days_between(date(2020, 8, 3), date(2020, 8, 3)) == 0
    assert working_days_between(date(2020, 8, 10), date(2020, 8, 3)) == 0


def test_30_april_and_1_may_are_not_counted() -> None:
    # Monday 28 April to Friday 2 May 2025: Wednesday 30/4 and Thursday 1/5 are holidays.
    assert working_days_between(date(2025, 4, 28), date(2025, 5, 2)) == 2


def test_tet_2025_is_not_counted() -> None:
    tet = [date(2025, 1, 28) + timedelta(days=i) for i in range(5)]
    assert not any(is_working_day(day) for day in tet)
    # Friday 24 January to Friday 7 February: 10 weekdays, 4 of them in Tết (1 Feb is a Saturday).
    assert working_days_between(date(2025, 1, 24), date(2025, 2, 7)) == 6


def test_a_gap_across_new_year_and_across_years() -> None:
    # Wed 31 Dec 2025 to Fri 2 Jan 2026: only Friday counts.
    assert working_days_between(date(2025, 12, 31), date(2026, 1, 2)) == 1
    # A whole year: 261 weekdays in 2025; 11 holidays, 10 on a weekday (1 Feb is a Saturday).
    assert working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 261 - 10


def test_any_date_is_accepted() -> None:
    assert working_days_between(date.min, date.max) > 0


DATES = st.dates(min_value=date(1890, 1, 1), max_value=date(2210, 12, 31))


@settings(deadline=None)  # the first call computes a lunar year: no timing in tests
@given(st.lists(DATES, min_size=3, max_size=3).map(sorted))
def test_gaps_add_up(days: list[date]) -> None:
    a, b, c = days
    split = working_days_between(a, b) + working_days_between(b, c)
    assert working_days_between(a, c) == split
    assert 0 <= working_days_between(a, c) <= (c - a).days


@settings(deadline=None)
@given(DATES, st.integers(min_value=-3, max_value=120))
def test_count_matches_day_by_day(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    expected = sum(is_working_day(start + timedelta(days=i)) for i in range(1, length + 1))
    assert working_days_between(start, end) == expected
