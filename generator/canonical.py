"""Canonical bytes of a record, and its content hash.

The hash identifies what a record says, not how its YAML is laid out: the same data in
another key order or quoting style has the same hash. The site shows it, the feeds sign it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (RFC 8785 for the values the content model uses)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str).encode("utf-8")


def record_hash(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()
