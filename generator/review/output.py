"""Where a review goes: Markdown or JSON on standard output and, with `--out DIR`, the
three files a CI job keeps: review.md (full), comment.md (cut to fit a comment),
review.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..schema_index import SchemaIndex
from ..schemas import schema_folder
from .markdown import COMMENT_LIMIT, render
from .report import Review


def print_review(review: Review, root: Path, fmt: str, limit: int | None,
                 out: Path | None) -> None:
    schemas = SchemaIndex(schema_folder(root))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "review.md").write_text(render(review, schemas), "utf-8")
        (out / "comment.md").write_text(render(review, schemas, COMMENT_LIMIT), "utf-8")
        (out / "review.json").write_text(to_json(review), "utf-8")
    text = to_json(review) if fmt == "json" else render(review, schemas, limit)
    sys.stdout.write(text)


def to_json(review: Review) -> str:
    return json.dumps(review.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
