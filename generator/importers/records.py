"""What an importer produces for one source record, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Imported:
    """One content file to write, and what the importer could not do for it.

    `data` is the content-model dict (any key order: the writer orders keys by the
    schema). `unsplit` lists sections kept verbatim because their structure could not be
    recovered (e.g. "cach_thuc_thuc_hien: thời hạn không có đơn vị"); `missing` lists fields
    the source does not give at all. Both appear in the summary table; neither is ever
    filled with an invented value.
    """

    kind: str  # "procedure" | "decision" | "agency" | "vocab", or "note" (reported, not written)
    path: str                      # relative to --into: content/procedures/bo-tu-phap/2.000815.yaml
    data: dict[str, Any]
    source: str                    # where it came from, e.g. "portal_records_sample.jsonl.gz:17"
    unsplit: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # names of the ids the record uses, for the vocabulary and agency files the run writes:
    # {"linh_vuc": {"chung-thuc": "Chứng thực"}, "doi_tuong": {…},
    #  "agency": {"bo-tu-phap": "Bộ Tư pháp"}}
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Failed:
    """A source record that could not be imported at all, and why (Vietnamese)."""

    source: str
    reason: str
