"""The bundled content the browser tests check the pages against (`content/`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT = Path(__file__).resolve().parents[2] / "content"


@cache
def procedure_files() -> dict[str, Path]:
    """Procedure code → its YAML file (`content/procedures/<agency>/<code>.yaml`)."""
    return {path.stem: path for path in CONTENT.glob("procedures/*/*.yaml")}


@cache
def procedure(code: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(procedure_files()[code].read_text("utf-8"))
    return data


def agency_name(agency_id: str) -> str:
    data = yaml.safe_load((CONTENT / "agencies" / f"{agency_id}.yaml").read_text("utf-8"))
    return str(data["ten"])
