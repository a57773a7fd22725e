"""`tthc import KIND FILE… --into DIR`: read, convert, derive, write, summarise.

Reading is per format (`portal`, `word-export`, `decisions`: JSON, JSON Lines or gzipped
JSON Lines; `annex`: .docx/.xlsx; `province-site`: one JSON document, matched against the
procedure files already under `--into`); conversion is the format's module; everything is
gathered before anything is written, and files are written in the canonical layout only
when their bytes change, so a second import of the same input changes nothing.
"""

from __future__ import annotations

import gzip
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..crosscheck import decision_slug
from ..loader import LoadError, load_file
from ..schemas import schema_folder
from . import derived, province_site
from .province_site import NOTE
from .records import Failed, Imported
from .writer import Writer

KINDS = ("portal", "word-export", "decisions", "annex", "province-site")


@dataclass
class Batch:
    imported: list[Imported] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)

    def add(self, result: Imported | Failed | list[Imported | Failed]) -> None:
        for item in result if isinstance(result, list) else [result]:
            if isinstance(item, Failed):
                self.failed.append(item)
            else:
                self.imported.append(item)


def run_import(kind: str, files: list[Path], into: Path, *, strict: bool = False,
               options: dict[str, str] | None = None) -> int:
    batch = Batch()
    for file in files:
        for result in _convert(kind, file, options or {}, into):
            batch.add(result)
            _progress(len(batch.imported) + len(batch.failed))
    writer = Writer(into, schema_folder(into))
    _write(batch, writer)
    print(_summary(batch, writer))
    noted = any(r.unsplit or r.missing for r in batch.imported)
    return 1 if batch.failed or (strict and noted) else 0


def _convert(kind: str, file: Path, options: dict[str, str], into: Path
             ) -> Iterator[Imported | Failed | list[Imported | Failed]]:
    if kind == "province-site":
        yield _province_site(file, options["agency"], into)
        return
    if kind == "annex":
        module = importlib.import_module(".annex", __package__)
        yield module.import_annex(file, so_ky_hieu=options["so"], agency=options["agency"],
                                  source=file.name)
        return
    records = list(read_records(file))
    if kind == "decisions":
        module = importlib.import_module(".decisions", __package__)
        yield module.import_decisions([r for _, r in records], file.name)
        return
    convert = _record_converter(kind)
    for line, record in records:
        yield convert(record, f"{file.name}:{line}")


def _record_converter(kind: str) -> Callable[[dict[str, Any], str], Imported | Failed]:
    if kind == "portal":
        return importlib.import_module(".portal", __package__).import_portal_record  # type: ignore[no-any-return]
    return importlib.import_module(".word_export", __package__).import_word_export_record  # type: ignore[no-any-return]


def _province_site(file: Path, agency: str, into: Path) -> list[Imported | Failed]:
    """The province's decision: the site's records matched against the national catalogue."""
    data = json.loads(file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        return [Failed(file.name, "tệp không phải một đối tượng JSON có `procedures`")]
    records = national_records(into)
    return province_site.import_province_site(
        data, agency=agency, catalogue=province_site.build_catalogue(records),
        source=file.name, names={code: ten for ten, code, _ in records})


def national_records(into: Path) -> list[tuple[str, str, str]]:
    """(ten, ma, co_quan_cong_bo) of every readable procedure file under `into`."""
    found = []
    for path in sorted((into / "content" / "procedures").glob("*/*.yaml")):
        try:
            data = load_file(path, path.relative_to(into).as_posix()).data
        except LoadError:
            continue
        if entry := _name_code_owner(data):
            found.append(entry)
    return found


def _name_code_owner(data: Any) -> tuple[str, str, str] | None:
    if not isinstance(data, dict):
        return None
    ten, code, owner = (data.get(key) for key in ("ten", "ma", "co_quan_cong_bo"))
    if isinstance(ten, str) and isinstance(code, str) and isinstance(owner, str):
        return ten, code, owner
    return None


def read_records(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line or index, record) from .json, .jsonl or .jsonl.gz."""
    opener = gzip.open if file.name.endswith(".gz") else open
    with opener(file, "rt", encoding="utf-8") as handle:
        if file.name.endswith((".jsonl", ".jsonl.gz")):
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, json.loads(line)
            return
        data = json.load(handle)
    items = data.get("procedures", []) if isinstance(data, dict) else data
    yield from enumerate(items, start=1)


def _write(batch: Batch, writer: Writer) -> None:
    for record in sorted(batch.imported, key=lambda r: r.path):
        if record.kind != NOTE:  # a note only reports, e.g. a record matching no code
            writer.write(record.path, record.kind, record.data)
    procedures = [r for r in batch.imported if r.kind == "procedure"]
    for name in derived.VOCAB_TITLES:
        path = f"content/vocab/{name}.yaml"
        new = derived.labels(procedures, name)
        if new:
            writer.write(path, "vocab", derived.vocabulary(name, writer.existing(path), new))
    _write_agencies(batch, writer)
    _write_minimal_decisions(batch, writer, procedures)


def _write_agencies(batch: Batch, writer: Writer) -> None:
    types = derived.labels(batch.imported, "agency_type")
    for ident, name in sorted(derived.labels(batch.imported, "agency").items()):
        path = f"content/agencies/{ident}.yaml"
        if writer.existing(path) is None and not (writer.into / path).exists():
            writer.write(path, "agency", derived.agency(ident, name, types.get(ident)))


def _write_minimal_decisions(batch: Batch, writer: Writer, procedures: list[Imported]) -> None:
    full = {r.path for r in batch.imported if r.kind == "decision"}
    for (agency, number), items in sorted(derived.announced_by(procedures).items()):
        slug = decision_slug(number)
        folder = writer.into / "content" / "decisions" / agency
        elsewhere = [p for p in folder.glob(f"*/{slug}.yaml")
                     if p.parent.name != derived.UNKNOWN_YEAR]
        if elsewhere or any(p.endswith(f"/{slug}.yaml") and f"/{agency}/" in p for p in full):
            continue  # a real decision file exists: the validator checks its annex
        path = f"content/decisions/{agency}/{derived.UNKNOWN_YEAR}/{slug}.yaml"
        _, data = derived.minimal_decision(agency, number, items, writer.existing(path))
        writer.write(path, "decision", data)


def _summary(batch: Batch, writer: Writer) -> str:
    rows = [(r.source, _identity(r), "; ".join(
        [*(f"không tách được: {n}" for n in r.unsplit), *(f"thiếu: {n}" for n in r.missing)]))
        for r in batch.imported if r.unsplit or r.missing]
    rows += [(f.source, "—", f"LỖI: {f.reason}") for f in batch.failed]
    width = max([len(s) for s, _, _ in rows] + [10])
    lines = [f"{'nguồn':<{width}}  {'mã':<12}  ghi chú"] if rows else []
    lines += [f"{s:<{width}}  {i:<12}  {n}" for s, i, n in rows]
    total = len(batch.imported) + len(batch.failed)
    kept = [r for r in batch.imported if r.kind != NOTE]
    noted = sum(1 for r in kept if r.unsplit or r.missing)
    only_noted = len(batch.imported) - len(kept)
    skipped = f"{only_noted} không ghi tệp (chỉ ghi chú), " if only_noted else ""
    lines.append(f"Tổng: {total} bản ghi — {len(kept)} đã nhập ({noted} có ghi chú), "
                 f"{skipped}{len(batch.failed)} lỗi. Ghi {len(writer.written)} tệp, "
                 f"{len(writer.unchanged)} tệp không đổi.")
    return "\n".join(lines)


def _identity(record: Imported) -> str:
    return str(record.data.get("ma") or record.data.get("so_ky_hieu") or "")


def _progress(count: int) -> None:
    if sys.stderr.isatty() and count % 100 == 0:
        print(f"\rĐã đọc {count} bản ghi…", end="", file=sys.stderr, flush=True)
