"""An Atom feed of the newest announcement decisions (`quyet-dinh/feed.xml`)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..catalog import Entry
from . import urls

ENTRIES = 50


def decision_feed(decisions: list[Entry], site_url: str, site_name: str,
                  changed: dict[str, str]) -> str:
    """`decisions` newest first; `changed` maps content paths to their last commit date."""
    shown = decisions[:ENTRIES]
    entries = [_entry(d, site_url, changed) for d in shown]
    updated = max((e[0] for e in entries), default="1970-01-01T00:00:00+00:00")
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">',
             f"<title>{escape(site_name)}: quyết định công bố mới</title>",
             f"<id>{escape(site_url + urls.DECISIONS)}</id>",
             f'<link rel="self" href="{escape(site_url + urls.DECISION_FEED)}"/>',
             f'<link href="{escape(site_url + urls.DECISIONS)}"/>',
             f"<updated>{updated}</updated>",
             f"<author><name>{escape(site_name)}</name></author>"]
    lines.extend(text for _, text in entries)
    lines.append("</feed>\n")
    return "\n".join(lines)


def _entry(decision: Entry, site_url: str, changed: dict[str, str]) -> tuple[str, str]:
    data = decision.data
    signed = data.get("ngay_ban_hanh")
    updated = changed.get(decision.path) or (f"{signed}T00:00:00+07:00"
                                             if isinstance(signed, str) else
                                             "1970-01-01T00:00:00+00:00")
    link = site_url + urls.decision(decision.path)
    number = data.get("so_ky_hieu") or decision.stem
    summary = data.get("trich_yeu") or "Quyết định công bố thủ tục hành chính"
    text = (f"<entry><title>Quyết định {escape(str(number))}</title>"
            f"<id>{escape(link)}</id><link href=\"{escape(link)}\"/>"
            f"<updated>{updated}</updated>"
            + (f"<published>{signed}T00:00:00+07:00</published>"
               if isinstance(signed, str) else "")
            + f"<summary>{escape(str(summary))}</summary></entry>")
    return updated, text
