"""Shared fixtures; also puts tests/ on sys.path for the `examples` helper module."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Every file opened through pathlib during the test (resolved path).

    `Path.read_bytes`, `read_text` and `open` all go through `Path.open`.
    """
    seen: list[Path] = []
    original = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        seen.append(self.resolve())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    yield seen
