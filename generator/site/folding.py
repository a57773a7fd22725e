"""Vietnamese without diacritics, the way citizens type it.

pagefind folds tone and vowel marks (`ký` → `ky`) but keeps `đ` apart from `d`, so "dang ky"
would not find "đăng ký". The search index therefore also carries each page's đ-words
folded to plain letters."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """`Đăng ký` → `dang ky`."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def d_words(texts: list[str]) -> list[str]:
    """The distinct words containing đ, folded, in a stable order."""
    pieces = {p for p in "\n".join(texts).split() if "đ" in p or "Đ" in p}
    words = {w for p in pieces for w in _WORD.findall(p) if "đ" in w or "Đ" in w}
    return sorted({fold(w) for w in words})
