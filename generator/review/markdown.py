"""The review as Markdown: for a pull-request comment or a job summary.

Most important first: what needs attention, then each decision's cross-check table, then
the field-level diff of every file. A comment must stay under GitHub's size limit, so with
`limit` the diff stops where the budget ends (the tables shrink to their failing rows if
they alone would not fit) and a last line says where the full report is.
"""

from __future__ import annotations

import re
from typing import Any

from ..schema_index import SchemaIndex
from ..semdiff import ADDED, CHANGED, REMOVED, FieldChange, describe
from .crosstable import RULES, DecisionCheck
from .report import NATIONAL, FileReview, Review

MARKER = "<!-- tthc-review -->"      # finds the one sticky comment to update
COMMENT_LIMIT = 60_000               # bytes; GitHub refuses comments over 65,536 characters
CONTEXT_WORDS = 6                    # unchanged words kept each side of a text change
MAX_VALUE = 300                      # characters of an added or removed value shown
_RESERVE = 120                       # bytes kept for a "… và N nữa" line
_SMALLEST_BLOCK = 600                # bytes: less room than this, and the diff stops
STATUS = {"added": "mới", "modified": "sửa", "removed": "xóa", "renamed": "đổi tên"}
MARK = {True: "✓", False: "✗", None: "—"}
_SPECIAL = re.compile(r"([\\`*_~\[\]|#])")


def render(review: Review, schemas: SchemaIndex, limit: int | None = None,
           full_report: str = "artifact `review` (review.md, review.json)") -> str:
    """The report; with `limit` (bytes), cut to fit and pointing to `full_report`."""
    head = _head(review) + _attention(review)
    tables = [_table(d, failing_only=False) for d in review.decisions]
    if limit is not None and _size(head, *tables) > limit * 0.6:
        tables = [_table(d, failing_only=True) for d in review.decisions]
    parts = [head, *tables]
    files = [f for f in review.files if f.changes or f.error or f.kind is None]
    if files:
        parts.append("\n### Thay đổi theo trường\n")
    ending = f"\n_Báo cáo bị rút gọn cho vừa bình luận; bản đầy đủ: {full_report}._\n"
    cut = False
    for count, file in enumerate(files):
        room = None if limit is None else limit - _size(*parts, ending) - _RESERVE
        if room is not None and room < _SMALLEST_BLOCK:
            parts.append(f"\n… và {len(files) - count} tệp nữa.\n")
            cut = True
            break
        block, whole = _file_block(file, schemas, room)
        parts.append(block)
        cut = cut or not whole
    if cut:
        parts.append(ending)
    text = "".join(parts)
    if limit is not None and _size(text) > limit:   # tables alone too large: cut hard
        kept = text.encode()[: limit - _size(ending) - 8].decode("utf-8", "ignore")
        text = kept.rsplit("\n", 1)[0] + "\n" + ending
    return text


def _head(review: Review) -> str:
    who = (f"cơ quan đề nghị `{review.agency}`"
           + (" (suy ra từ quyết định trong thay đổi)" if review.agency_inferred else "")
           if review.agency else "chưa xác định cơ quan đề nghị (dùng `--agency`)")
    verdict = (f"**{review.flags} điểm cần chú ý**" if review.flags
               else "✅ Không có điểm nào cần chú ý")
    return (f"{MARKER}\n## Báo cáo rà soát thay đổi\n\n"
            f"`{review.base[:10]}` → `{review.head[:10]}` · {len(review.files)} tệp · {who}"
            f" · {verdict}\n")


def _attention(review: Review) -> str:
    lines = []
    for d in review.decisions:
        if d.notice_ok is False:
            lines.append(f"- ✗ Quyết định {_esc(d.number or d.path)}: ký {d.signed}, hiệu lực "
                         f"{d.effective}: chỉ {d.notice_days} ngày làm việc, dưới mức "
                         f"{d.notice_required} (NĐ 48/2013/NĐ-CP).")
        for row in d.rows:
            if not row.ok:
                failed = ", ".join(RULES[k] for k, v in row.checks.items() if v is False)
                lines.append(f"- ✗ Quyết định {_esc(d.number or d.path)}, {row.kind.lower()} "
                             f"`{row.code}`: {failed}" + _notes(row.notes) + ".")
        if d.dropped:
            lines.append(f"- Quyết định {_esc(d.number or d.path)}: thay đổi bỏ khỏi phụ lục "
                         + ", ".join(f"`{c}`" for c in d.dropped) + ".")
    lines += [f"- ✗ Thủ tục thay đổi mà không có quyết định nào trong thay đổi công bố: "
              f"`{p}` (đính chính? ghi rõ căn cứ trong mô tả)." for p in review.without_decision]
    lines += [f"- ✗ Tệp thủ tục bị xóa: `{p}` (thủ tục bãi bỏ vẫn giữ tệp; trạng thái tự suy "
              "ra từ quyết định bãi bỏ)." for p in review.deleted_procedures]
    lines += [f"- ✗ Tệp ngoài phạm vi của `{review.agency}`: `{p}` (thuộc "
              f"{_owner(p, review)})." for p in review.outside_agency]
    lines += [f"- ✗ Không đọc được `{f.path}`: {_esc(f.error or '')}"
              for f in review.files if f.error]
    if not lines:
        return ""
    return "\n### Cần chú ý\n\n" + "\n".join(lines) + "\n"


def _table(decision: DecisionCheck, *, failing_only: bool) -> str:
    notice = ("" if decision.notice_days is None else
              f" · báo trước {decision.notice_days} ngày làm việc (tối thiểu "
              f"{decision.notice_required}) {MARK[decision.notice_ok]}")
    lines = [f"\n### Đối chiếu: quyết định {_esc(decision.number or '(chưa có số)')} "
             f"({STATUS.get(decision.status, decision.status)})\n",
             f"`{decision.path}` · {decision.agency} · ký {decision.signed or '—'} · hiệu lực "
             f"{decision.effective or '—'}{notice}\n",
             "| Mục | Mã | Tệp thủ tục | " + " | ".join(RULES.values()) + " | Ghi chú |",
             "|---|---|---|" + "---|" * len(RULES) + "---|"]
    shown = [row for row in decision.rows if not (failing_only and row.ok)]
    for row in shown:
        cells = [row.kind, f"`{row.code}`" if row.code else "—",
                 f"`{row.procedure}`" if row.procedure else "—",
                 *(MARK[row.checks[k]] for k in RULES), _cell("; ".join(row.notes))]
        lines.append("| " + " | ".join(cells) + " |")
    if len(shown) < len(decision.rows):
        lines.append(f"\n{len(decision.rows) - len(shown)} mục đạt mọi quy tắc (✓) được ẩn.")
    return "\n".join(lines) + "\n"


def _file_block(file: FileReview, schemas: SchemaIndex, room: int | None) -> tuple[str, bool]:
    """The file's folded diff, within `room` bytes when given; and whether it is whole."""
    moved = f" (từ `{file.old_path}`)" if file.status == "renamed" else ""
    title = f" · {_esc(file.title)}" if file.title else ""
    owner = file.owner or NATIONAL
    count = f" · {len(file.changes)} thay đổi" if file.kind else ""
    summary = (f"<b>{_html(file.path)}</b> · {STATUS.get(file.status, file.status)}{moved}"
               f" · {owner}{title}{count}")
    if file.kind is None:
        return f"\n- {summary} (không phải tệp nội dung)\n", True
    frame = f"\n<details><summary>{summary}</summary>\n\n", "\n\n</details>\n"
    if file.error:
        return frame[0] + f"- Không đọc được: {_esc(file.error)}" + frame[1], True
    lines: list[str] = []
    budget = None if room is None else room - _size(*frame) - _RESERVE
    for shown, (change, line) in enumerate(zip(file.changes, file.lines, strict=True)):
        text = _change(change, line, file.kind, schemas)
        if budget is not None and _size(*lines, text) + len(lines) > budget:
            lines.append(f"- … và {len(file.changes) - shown} thay đổi nữa")
            return frame[0] + "\n".join(lines) + frame[1], False
        lines.append(text)
    return frame[0] + "\n".join(lines) + frame[1], True


def _change(change: FieldChange, line: int | None, kind: str, schemas: SchemaIndex) -> str:
    where = f" (dòng {line})" if line else ""
    label = f"**{_esc(change.label)}**{where}"
    if change.kind == ADDED:
        return f"- ➕ {label}: {_value(change.new, kind, change.path, schemas)}"
    if change.kind == REMOVED:
        return f"- ➖ {label}: ~~{_value(change.old, kind, change.path, schemas)}~~"
    assert change.kind == CHANGED
    if change.is_text:
        return f"- ✏️ {label}, sửa từng từ: {_words(change)}"
    old, new = (_value(v, kind, change.path, schemas) for v in (change.old, change.new))
    return f"- ✏️ {label}: ~~{old}~~ → **{new}**"


def _words(change: FieldChange) -> str:
    runs = change.words()
    out = []
    for i, (op, text) in enumerate(runs):
        if op == "-":
            out.append(f"~~{_esc(text.strip())}~~" if text.strip() else "")
        elif op == "+":
            out.append(f"**{_esc(text.strip())}**" if text.strip() else "")
        else:
            out.append(_context(text, first=i == 0, last=i == len(runs) - 1))
    return " ".join(part for part in out if part)


def _context(text: str, *, first: bool, last: bool) -> str:
    words = text.split()
    keep = CONTEXT_WORDS
    if len(words) <= 2 * keep:
        return _esc(" ".join(words))
    before = [] if first else words[:keep]
    after = [] if last else words[-keep:]
    return " ".join(filter(None, [_esc(" ".join(before)), "…", _esc(" ".join(after))]))


def _value(value: Any, kind: str, path: tuple[str | int, ...], schemas: SchemaIndex) -> str:
    text = describe(value, kind, path, schemas)
    if len(text) > MAX_VALUE:
        text = text[:MAX_VALUE].rsplit(" ", 1)[0] + " …"
    return _esc(text) if text else "(trống)"


def _owner(path: str, review: Review) -> str:
    owner = next((f.owner for f in review.files if path in (f.path, f.old_path)), None)
    return f"`{owner}`" if owner else NATIONAL


def _notes(notes: list[str]) -> str:
    return f" ({_esc('; '.join(notes))})" if notes else ""


def _cell(text: str) -> str:
    return _esc(text) if text else ""


def _esc(text: str) -> str:
    """Content as plain Markdown text: no markup, no HTML, one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _size(*parts: str) -> int:
    return sum(len(p.encode()) for p in parts)
