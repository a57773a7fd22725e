"""Turn a `Report` into text for people, JSON for machines or GitHub annotations."""

from __future__ import annotations

import json

from .problems import Report, Severity

FORMATS = ("text", "json", "github")


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return _json(report)
    if fmt == "github":
        return _github(report)
    return _text(report)


def summary(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    verdict = "Hợp lệ" if errors == 0 else "Không hợp lệ"
    return (f"{verdict}: {errors} lỗi, {warnings} cảnh báo "
            f"trong {report.files_checked} tệp.")


def _text(report: Report) -> str:
    lines = [str(p) for p in report]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def _json(report: Report) -> str:
    body = {
        "ok": report.ok,
        "files_checked": report.files_checked,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "problems": [p.to_dict() for p in report],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def _github(report: Report) -> str:
    lines = []
    for p in report:
        level = "error" if p.severity is Severity.ERROR else "warning"
        props = (f"file={_prop(p.path)},line={p.line},col={p.column},"
                 f"title={_prop('[' + p.code + ']')}")
        text = f"{p.message} — {p.hint}" if p.hint else p.message
        lines.append(f"::{level} {props}::{_data(text)}")
    return "".join(line + "\n" for line in lines)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
