"""Sections of a national-portal record whose table cells were flattened into one string.

The portal page renders `Cách thức thực hiện`, `Thành phần hồ sơ` and `Căn cứ pháp lý` as
tables; the crawl kept only their text, cells run together ("Trực tuyến5 Ngày làm việc
Miễn phí(…)", "Luật 54/2014/QH1354/2014/QH13"). The parsers here recover the rows where the
cell boundaries are unambiguous and otherwise keep the published text verbatim, adding a
short Vietnamese note to `notes` (the importer's `unsplit` list).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from .text import clean

Notes = list[str]
NO_TIME = "Không có thông tin"

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\ufeff]")


def clean_text(value: Any) -> str | None:
    """Published text as stored: NFC, no invisible marks or tabs; None for "no information"."""
    if not isinstance(value, str):
        return None
    value = _INVISIBLE.sub("", value).replace("\t", " ")
    text = clean(value)
    if text is None or not re.search(r"[0-9A-Za-zÀ-ỹĐđ]", text):
        return None
    return text


# ------------------------------------------------------------------ trình tự thực hiện

_STEP = re.compile(r"^[ \-+*•]*(?:[a-zđ][.)] *)?Bước *(\d+) *[:.\-)]?", re.MULTILINE)
_INLINE_STEP = re.compile(r"(?:^|(?<=[\s.;]))Bước *(\d+) *[:.]")
_CASE_WORDS = "(?:Trường hợp|Đối với|Trình tự)"
_CASE_LINE = re.compile(rf"(?:[a-zđ]\)|\d+[.)]|[-+*•])? *{_CASE_WORDS}", re.IGNORECASE)
_CASE_INSIDE = re.compile(rf"(?<=\s)(?:[a-zđ]\)|\d+[.)]) *{_CASE_WORDS}")
_MARKERS = (("dash", r"-(?!-)"), ("plus", r"\+"), ("star", r"\*"), ("bullet", "•"),
            ("alpha", r"[a-zđ]\)"), ("num", r"\d+[.)](?!\d)"), ("pnum", r"\(\d+\)"))


def parse_steps(text: str) -> list[dict[str, Any]]:
    """`trinh_tu_thuc_hien`: steps from `Bước N` paragraphs, else from lines; groups with
    `truong_hop` where the numbering restarts under a "Trường hợp …" heading."""
    marks = list(_STEP.finditer(text))
    if len(marks) < 2:
        inline = list(_INLINE_STEP.finditer(text))
        marks = inline if len(inline) >= 2 else marks
    if not marks:
        return [{"buoc": _line_steps(text)}]
    bounds = [m.start() for m in marks] + [len(text)]
    pieces = [text[:bounds[0]]] + [text[a:b] for a, b in itertools.pairwise(bounds)]
    numbers = [int(m.group(1)) for m in marks]
    grouped = _case_groups(pieces, numbers) if numbers.count(1) >= 2 else None
    return grouped or [{"buoc": [p.strip() for p in pieces if p.strip()]}]


def _case_groups(pieces: list[str], numbers: list[int]) -> list[dict[str, Any]] | None:
    """Groups of steps when numbering restarts at 1 after a case heading line (the first
    group may have none); None when a restart has no heading."""
    pieces = list(pieces)
    groups: list[dict[str, Any]] = []
    for index, number in enumerate(numbers):
        if number == 1:
            before, heading = _split_heading(pieces[index])
            if heading is None and index > 0:
                return None
            pieces[index] = before
            groups.append({"truong_hop": heading, "buoc": []} if heading else {"buoc": []})
        groups[-1]["buoc"].append(index + 1)
    for group in groups:
        group["buoc"] = [pieces[i].strip() for i in group["buoc"] if pieces[i].strip()]
    preamble = pieces[0].strip()
    if preamble and "truong_hop" in groups[0]:  # text before the first case: for all
        groups.insert(0, {"buoc": [preamble]})
    elif preamble:
        groups[0]["buoc"].insert(0, preamble)
    return groups


def _split_heading(text: str) -> tuple[str, str | None]:
    """(text before, heading) when the last line of `text` is (or ends with) a case
    heading: "a) Trường hợp …", "- Trình tự … đối với trường hợp …"."""
    head, _, last = text.rstrip().rpartition("\n")
    last = last.strip()
    start: int | None = 0 if _CASE_LINE.match(last) else None
    if start is None:
        inside = list(_CASE_INSIDE.finditer(last))
        start = inside[-1].start() if inside else None
    if start is None or len(last) - start > 400:
        return text, None
    return (head + "\n" + last[:start]).strip(), last[start:].strip()


def _line_steps(text: str) -> list[str]:
    """Steps of a text without `Bước N`: a step starts at each line with the list marker
    of the first marked line ("- ", "+ ", "a) " …); other lines continue the step."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    kind = next((mark for mark in map(_marker, lines) if mark is not None), None)
    steps: list[str] = []
    for line in lines:
        if not steps or _marker(line) == kind:
            steps.append(line)
        else:
            steps[-1] += "\n" + line
    return steps


def _marker(line: str) -> str | None:
    stripped = line.lstrip()
    return next((name for name, pattern in _MARKERS if re.match(pattern, stripped)), None)


# ------------------------------------------------------------------ cách thức thực hiện

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
KENH = {"Trực tiếp": "truc_tiep", "Trực tuyến": "truc_tuyen", "Dịch vụ bưu chính": "buu_chinh"}
UNITS = {"Ngày làm việc": "ngay_lam_viec", "Ngày": "ngay", "Giờ": "gio", "Tháng": "thang"}
_UNIT_WORDS = {"ngày làm việc": "ngay_lam_viec", "ngày": "ngay", "giờ": "gio",
               "tháng": "thang"}
_NUM = r"\d+(?:[.,]\d+)?"
_AMOUNT = r"(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*|0)(?:\.\d+)?"
_CUR = r"(?:VNĐ|VND|Việt Nam Đồng|Đồng|đồng|USD)"
_FEE_PLAIN = rf"(?:Miễn phí|Không có thông tin|(?:(?:Lệ phí|Phí) ?: ?)?{_AMOUNT} ?{_CUR})"
_FEE = (rf"(?P<fee>(?P<free>Miễn phí)|(?P<nofee>Không có thông tin)"
        rf"|(?:(?P<label>Lệ phí|Phí) ?: ?)?(?P<amount>{_AMOUNT}) ?(?P<cur>{_CUR}))")
_KENH = "(?P<kenh>Trực tiếp|Trực tuyến|Dịch vụ bưu chính)"
_ROW = re.compile(
    rf"{_KENH}(?:(?P<notime>Không có thông tin)(?={_FEE_PLAIN})"
    rf"|(?P<tnum>{_NUM}) ?(?P<unit>Ngày làm việc|Ngày|Giờ|Tháng|Năm|Tuần|Phút)"
    rf"|(?={_FEE_PLAIN})|(?P<bare>{_NUM})(?={_FEE_PLAIN})){_FEE}")
_PROSE_ROW = re.compile(rf"{_KENH}(?P<prose>[^\n]{{1,200}}?)(?={_FEE_PLAIN}){_FEE}")
_PROSE_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+) *(?:đồng|Đồng|VNĐ|VND|đ\b|USD)")


def parse_channels(text: str, context: str, notes: Notes, missing: list[str]
                   ) -> list[dict[str, Any]]:
    """`cach_thuc_thuc_hien`: one item per published row (channel, time, fee, description)."""
    body = text.split(CHANNEL_HEADER, 1)[1] if CHANNEL_HEADER in text else text
    rows = list(_ROW.finditer(body))
    lead = body[:rows[0].start()] if rows else body
    first = _PROSE_ROW.match(lead)
    matches: list[re.Match[str]] = [first] if first else []
    lead = lead[first.end():] if first else lead
    matches += rows
    channels = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        rest = body[match.end():end] if match is not first else lead
        channels.append(_channel(match, rest, context, notes, missing))
    leftover = clean_text(lead) if first is None else None
    if leftover and channels:
        notes.append("cach_thuc_thuc_hien: phần đầu bảng không tách được, "
                     "giữ nguyên văn trong mo_ta của cách nộp đầu tiên")
        channels[0]["mo_ta"] = _join(leftover, channels[0].get("mo_ta"))
    elif leftover:
        notes.append("cach_thuc_thuc_hien: không tách được cách nộp, thời hạn, phí; "
                     f"nội dung công bố: {leftover}")
    return channels


def _channel(match: re.Match[str], rest: str, context: str, notes: Notes,
             missing: list[str]) -> dict[str, Any]:
    cells = match.groupdict()
    fee_text, description = _fee_and_description(rest, notes)
    item: dict[str, Any] = {
        "kenh": KENH[cells["kenh"]],
        "thoi_han": _time(cells, description or "", context, notes, missing),
        "phi_le_phi": _fees(cells, fee_text, notes, missing),
    }
    if description:
        item["mo_ta"] = description
    return item


def _fee_and_description(rest: str, notes: Notes) -> tuple[str | None, str | None]:
    """The fee's parenthesised prose right after the fee cell, and the channel description."""
    if not rest.startswith("("):
        return None, clean_text(rest)
    depth = 0
    for index, char in enumerate(rest):
        depth += (char == "(") - (char == ")")
        if depth == 0:
            return clean_text(rest[:index + 1]), clean_text(rest[index + 1:])
    last = rest.rfind(")")
    notes.append("cach_thuc_thuc_hien: mô tả phí thiếu dấu ngoặc đóng, tách mô tả phí với "
                 "mô tả cách nộp tại dấu ')' cuối cùng" if last > 0 else
                 "cach_thuc_thuc_hien: không tách được mô tả phí với mô tả cách nộp "
                 "(thiếu dấu ngoặc đóng), giữ nguyên văn trong mo_ta của phí")
    if last > 0:
        return clean_text(rest[:last + 1]), clean_text(rest[last + 1:])
    return clean_text(rest), None


def _time(cells: dict[str, str | None], description: str, context: str, notes: Notes,
          missing: list[str]) -> dict[str, Any]:
    unit, bare = cells.get("unit"), cells.get("bare")
    if unit in UNITS:
        return {"so": _number(cells["tnum"] or ""), "don_vi": UNITS[unit]}
    published = f"{cells['tnum']} {unit}" if unit else bare or clean_text(cells.get("prose"))
    if published is None:
        missing.append("cach_thuc_thuc_hien.thoi_han")
        notes.append(f"cach_thuc_thuc_hien: không công bố thời hạn ('{NO_TIME}')")
        return {"mo_ta": NO_TIME}
    if bare is not None:
        unit_found = _unit_for(bare, description, context)
        if unit_found is not None:
            notes.append(f"cach_thuc_thuc_hien: thời hạn '{published}' không có đơn vị; "
                         f"don_vi {unit_found} lấy theo mô tả của chính hồ sơ")
            return {"so": _number(bare), "don_vi": unit_found, "mo_ta": published}
    what = "không có đơn vị" if bare else "không theo đơn vị chuẩn"
    notes.append(f"cach_thuc_thuc_hien: thời hạn '{published}' {what}, giữ nguyên văn "
                 "trong mo_ta")
    return {"mo_ta": published}


def _unit_for(number: str, description: str, context: str = "") -> str | None:
    """The unit the record's own prose gives this number ("1" → "01 ngày làm việc"), or the
    only unit the channel description uses; None when the record does not say."""
    words = "|".join(sorted(_UNIT_WORDS, key=len, reverse=True))
    found = re.search(rf"(?<!\d)(?<!ngày )0*{re.escape(number)} *(?:\([^)]*\) *)?"
                      rf"({words})\b", f"{description}\n{context}", re.IGNORECASE)
    if found:
        return _UNIT_WORDS[found.group(1).lower()]
    units = {_UNIT_WORDS[m.group(1).lower()] for m in
             re.finditer(rf"(?<!\d)(?<!ngày )\d+ *({words})\b", description, re.IGNORECASE)}
    return units.pop() if len(units) == 1 else None


def _number(text: str) -> int | float:
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value


def _fees(cells: dict[str, str | None], prose: str | None, notes: Notes,
          missing: list[str]) -> list[dict[str, Any]]:
    if cells["nofee"] and prose is None:
        missing.append("cach_thuc_thuc_hien.phi_le_phi")
        return []
    summary = cells["fee"] or ""
    usd_prose = bool(prose and "USD" in prose and not re.search("đồng|VNĐ", prose, re.I))
    usd = cells["cur"] == "USD" or (cells["cur"] is None and usd_prose)
    fee: dict[str, Any] = {"loai": _fee_kind(cells["label"], prose),
                           "don_vi_tien": "USD" if usd else "VND"}
    amount = _summary_amount(cells)
    if amount is not None and not _contradicts(cells, amount, prose, notes):
        fee["so_tien"] = amount
    fee["mo_ta"] = prose if cells["nofee"] else _join(summary, prose, " ")
    return [fee]


def _summary_amount(cells: dict[str, str | None]) -> int | float | None:
    if cells["free"]:
        return 0
    if cells["amount"]:
        return _number(cells["amount"].replace(",", ""))
    return None


def _contradicts(cells: dict[str, str | None], amount: int | float, prose: str | None,
                 notes: Notes) -> bool:
    """The summary cell disagrees with the fee prose (e.g. "Miễn phí(150.000 đồng/giấy)")."""
    stated = {_number(re.sub(r"[.,]", "", m.group(1))) for m in
              _PROSE_AMOUNT.finditer(prose or "")}
    if cells["free"]:
        conflict = any(value > 0 for value in stated)
        what = "ghi 'Miễn phí' nhưng mô tả nêu mức thu"
    else:
        conflict = bool(stated) and amount not in stated
        what = f"ghi '{cells['fee']}' nhưng mô tả nêu mức khác"
    if conflict:
        notes.append(f"cach_thuc_thuc_hien: phí {what}; giữ cả hai trong mo_ta, "
                     "không ghi so_tien")
    return conflict


def _fee_kind(label: str | None, prose: str | None) -> str:
    """le_phi when the cell says "Lệ phí :" or the prose speaks only of lệ phí, else phi."""
    if label:
        return "le_phi" if label == "Lệ phí" else "phi"
    lower = (prose or "").lower()
    if "lệ phí" in lower and not re.search(r"(?<!lệ )\bphí\b", lower):
        return "le_phi"
    return "phi"


def _join(first: str, second: str | None, sep: str = "\n") -> str:
    return first if not second else f"{first}{sep}{second}"


# ------------------------------------------------------------------ căn cứ pháp lý

LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
_SEGMENTS = sorted((  # issuers in document numbers: 23/2015/NĐ-CP, 172/2010/TT-BTC
    "CP", "TTg", "CTN", "BTC", "BTP", "BCA", "BNNMT", "BNNPTNT", "NHNN", "BGTVT", "BXD",
    "BKHĐT", "BKHCN", "BLĐTBXH", "BYT", "BQP", "BCT", "BVHTTDL", "BGDĐT", "BNV", "BNG",
    "BTTTT", "BTNMT", "BDTTG", "TANDTC", "VKSNDTC", "HĐTP", "HĐND", "UBND", "BHXH", "TCHQ",
    "TCT", "KTNN", "UBDT", "TTCP", "VPCP", "UBCKNN", "QLXNC", "BTM", "BCN", "BGD", "BLĐ",
    "BKH", "BTS", "BQLKKT", "TLĐLĐ", "MTTQVN"), key=len, reverse=True)
_ISSUER = (r"(?:(?:UBTV)?QH\d{2}|(?:TTLT|TT|NĐ|ND|NQ|QĐ|QD|PL|L|CT|HD)"
           rf"(?:-(?:(?:UBTV)?QH\d{{2}}|{'|'.join(_SEGMENTS)}|[A-Z]\d{{2}}"
           r"|[A-ZĐ]{2,}(?![A-Za-zÀ-ỹĐđ])))+)")
LEGAL_CODE = re.compile(rf"(?:(?<=/\d{{4}})|(?<=QH\d{{2}})|(?<=[ \d](?:19|20)\d\d)|(?<![\d/]))"
                        rf"\d{{1,4}}(?:\.\d+)?[a-z]?/(?:(?:19|20)\d{{2}}/)?{_ISSUER}")
_CELL_PREFIX = re.compile(r"(?:(?<=[A-Za-zÀ-ỹĐđ.;) ])|^)(?:Luật|Thông tư|Nghị định|Nghị quyết|"
                          r"Quyết định|NĐ|TT|NQ|QĐ)? *(?:số)? *$")


def parse_legal_basis(text: str, notes: Notes) -> list[dict[str, Any]]:
    """`can_cu_phap_ly` from the "Tên văn bản pháp lý | Mã văn bản" table."""
    body = text.split(LEGAL_HEADER, 1)[1] if LEGAL_HEADER in text else text
    codes = list(LEGAL_CODE.finditer(body))
    rows: list[tuple[str, str]] = []
    start = 0
    for index, match in enumerate(codes):
        following = codes[index + 1] if index + 1 < len(codes) else None
        if _ends_cell(body, match, following):
            rows.append((body[start:match.start()], match.group(0)))
            start = match.end()
    items = _merge_rows(rows)
    leftover = clean_text(body[start:])
    if leftover:
        items.append(_leftover_row(leftover, notes))
    return items


def _ends_cell(body: str, match: re.Match[str], following: re.Match[str] | None) -> bool:
    """A code closes the "Mã văn bản" cell unless the name cell goes on after it."""
    after = body[match.end():match.end() + 1]
    if not after:
        return True
    if after.isdigit():  # "Luật 54/2014/QH13" + "54/2014/QH13": the name quoted the code
        return not (following is not None and following.start() == match.end()
                    and following.group(0) == match.group(0))
    return after.isalpha()


def _merge_rows(rows: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """One item per row; a row repeated, or split where its name quoted the code, once."""
    items: list[dict[str, Any]] = []
    for name, code in rows:
        title = clean_text(_CELL_PREFIX.sub("", name))
        title = None if title == code else title
        last = items[-1] if items else None
        if last is not None and last["so_ky_hieu"] == code and (
                title is None or last.get("trich_yeu") in (None, title)):
            last.update({"trich_yeu": title} if title else {})
            continue
        items.append({"so_ky_hieu": code, **({"trich_yeu": title} if title else {})})
    return items


def _leftover_row(text: str, notes: Notes) -> dict[str, Any]:
    inner = LEGAL_CODE.search(text)
    if inner is not None:
        notes.append("can_cu_phap_ly: ô 'Mã văn bản' không đọc được, "
                     "lấy số hiệu trong tên văn bản")
        return {"so_ky_hieu": inner.group(0), "trich_yeu": text}
    notes.append("can_cu_phap_ly: không tách được số hiệu văn bản, giữ nguyên văn")
    return {"so_ky_hieu": text}
