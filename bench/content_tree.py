"""Build a realistic content tree of N procedures for the validation benchmark.

Material comes from `bench/sample_records.json`: real procedure records (national portal
and the CSDL Word export) already converted into our procedure shape by
`bench/make_sample.py`. Each generated procedure cycles through those records and gets a
unique code, a unique name suffix and the folder of one of ~20 agencies; every 25
procedures of an agency are announced by one decision whose annex repeats their codes and
names. The tree is meant to pass `tthc validate` with zero problems.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from generator.crosscheck import decision_slug

SAMPLE = Path(__file__).resolve().parent / "sample_records.json"
PER_DECISION = 25
NOTICE = timedelta(days=60)  # ≥ 20 working days even across Tết
FIRST_SIGNING = date(2021, 1, 4)
LAST_SIGNING = date(2024, 12, 31)  # effective dates stay before the 2025-07-01 reform


@dataclass(frozen=True)
class Agency:
    id: str
    ten: str
    loai: str
    ky_hieu: str  # the issuer part of a decision number: 123/QĐ-<ky_hieu>

    @property
    def code_prefix(self) -> str:
        return "2" if self.loai == "tinh" else "1"


AGENCIES = (
    Agency("bo-cong-an", "Bộ Công an", "bo", "BCA"),
    Agency("bo-tu-phap", "Bộ Tư pháp", "bo", "BTP"),
    Agency("bo-tai-chinh", "Bộ Tài chính", "bo", "BTC"),
    Agency("bo-quoc-phong", "Bộ Quốc phòng", "bo", "BQP"),
    Agency("bo-xay-dung", "Bộ Xây dựng", "bo", "BXD"),
    Agency("bo-nong-nghiep-va-moi-truong", "Bộ Nông nghiệp và Môi trường", "bo", "BNNMT"),
    Agency("bo-y-te", "Bộ Y tế", "bo", "BYT"),
    Agency("bo-giao-duc-va-dao-tao", "Bộ Giáo dục và Đào tạo", "bo", "BGDĐT"),
    Agency("bo-cong-thuong", "Bộ Công Thương", "bo", "BCT"),
    Agency("bo-noi-vu", "Bộ Nội vụ", "bo", "BNV"),
    Agency("bo-khoa-hoc-va-cong-nghe", "Bộ Khoa học và Công nghệ", "bo", "BKHCN"),
    Agency(
        "ngan-hang-nha-nuoc-viet-nam", "Ngân hàng Nhà nước Việt Nam", "co_quan_ngang_bo", "NHNN"
    ),
    Agency("thanh-pho-ha-noi", "Ủy ban nhân dân thành phố Hà Nội", "tinh", "UBND"),
    Agency("thanh-pho-ho-chi-minh", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "tinh", "UBND"),
    Agency("thanh-pho-da-nang", "Ủy ban nhân dân thành phố Đà Nẵng", "tinh", "UBND"),
    Agency("thanh-pho-hai-phong", "Ủy ban nhân dân thành phố Hải Phòng", "tinh", "UBND"),
    Agency("tinh-phu-tho", "Ủy ban nhân dân tỉnh Phú Thọ", "tinh", "UBND"),
    Agency("tinh-nghe-an", "Ủy ban nhân dân tỉnh Nghệ An", "tinh", "UBND"),
    Agency("tinh-thanh-hoa", "Ủy ban nhân dân tỉnh Thanh Hóa", "tinh", "UBND"),
    Agency("tinh-quang-ninh", "Ủy ban nhân dân tỉnh Quảng Ninh", "tinh", "UBND"),
)


# YAML in the layout of tests/data/base/content: block style, nested lists indented -----


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def to_yaml(data: dict[str, Any]) -> str:
    """Dump a mapping the way an official's file looks (key order kept, no wrapping)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)


def schema_comment(kind: str, depth: int) -> str:
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json\n"


# the sample ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    records: list[dict[str, Any]]
    vocab: dict[str, dict[str, str]]  # list name → id → name
    decision_material: dict[str, Any]
    real_records: dict[str, Any]


def load_sample(path: Path = SAMPLE) -> Sample:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Sample(
        [r["thu_tuc"] for r in raw["records"]],
        raw["vocab"],
        raw["decision_material"],
        raw["real_records"],
    )


@dataclass(frozen=True)
class Template:
    """One sample record, pre-rendered: only the four leading fields vary per file."""

    ten: str
    body: str  # YAML of every field after `quyet_dinh_cong_bo`


def make_templates(sample: Sample) -> list[Template]:
    return [
        Template(r["ten"], to_yaml({k: v for k, v in r.items() if k != "ten"}))
        for r in sample.records
    ]


# the plan: which procedure goes where, announced by which decision ----------------------


@dataclass(frozen=True)
class Procedure:
    index: int
    agency: Agency
    template: Template

    @property
    def ma(self) -> str:
        return f"{self.agency.code_prefix}.{self.index:06d}"

    @property
    def ten(self) -> str:
        return f"{self.template.ten} (số {self.index + 1})"


@dataclass(frozen=True)
class Decision:
    agency: Agency
    sequence: int
    signed: date
    procedures: tuple[Procedure, ...]

    @property
    def number(self) -> str:
        return f"{self.sequence + 101}/QĐ-{self.agency.ky_hieu}"

    @property
    def effective(self) -> date:
        return self.signed + NOTICE

    @property
    def path(self) -> Path:
        return (
            Path("content/decisions")
            / self.agency.id
            / str(self.signed.year)
            / f"{decision_slug(self.number)}.yaml"
        )


def plan(n: int, templates: list[Template]) -> list[Decision]:
    """Deal N procedures round-robin to the agencies; 25 of an agency per decision."""
    by_agency: dict[str, list[Procedure]] = {a.id: [] for a in AGENCIES}
    for i in range(n):
        agency = AGENCIES[i % len(AGENCIES)]
        template = templates[(i // len(AGENCIES)) % len(templates)]
        by_agency[agency.id].append(Procedure(i, agency, template))
    decisions: list[Decision] = []
    for agency in AGENCIES:
        procedures = by_agency[agency.id]
        chunks = [procedures[k : k + PER_DECISION] for k in range(0, len(procedures), PER_DECISION)]
        step = max(1, min(7, (LAST_SIGNING - FIRST_SIGNING).days // max(1, len(chunks))))
        decisions += [
            Decision(agency, k, FIRST_SIGNING + timedelta(days=k * step), tuple(c))
            for k, c in enumerate(chunks)
        ]
    return decisions


# rendering ---------------------------------------------------------------------------------


def render_procedure(procedure: Procedure, decision: Decision) -> str:
    head = to_yaml_fast(
        {
            "ma": procedure.ma,
            "ten": procedure.ten,
            "co_quan_cong_bo": procedure.agency.id,
            "quyet_dinh_cong_bo": decision.number,
        }
    )
    return schema_comment("procedure", 3) + head + procedure.template.body


def to_yaml_fast(data: dict[str, Any]) -> str:
    """libyaml's emitter for flat mappings of scalars (layout is the same as `to_yaml`)."""
    return yaml.dump(
        data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=1_000_000
    )


def render_decision(decision: Decision, material: dict[str, Any]) -> str:
    items = [{"ma": p.ma, "ten": p.ten} for p in decision.procedures]
    split = (len(items) * 2) // 5 if len(items) > 1 else len(items)
    annex: dict[str, Any] = {"moi_ban_hanh": items[:split]}
    if items[split:]:
        annex["sua_doi_bo_sung"] = items[split:]
    province = decision.agency.loai == "tinh"
    signer = material["nguoi_ky_tinh" if province else "nguoi_ky_bo"]
    data = {
        "so_ky_hieu": decision.number,
        "trich_yeu": (
            "Về việc công bố thủ tục hành chính mới ban hành, được sửa đổi, bổ sung "
            f"thuộc phạm vi chức năng quản lý của {decision.agency.ten}"
        ),
        "co_quan_ban_hanh": decision.agency.id,
        "nguoi_ky": signer[decision.sequence % len(signer)],
        "ngay_ban_hanh": decision.signed.isoformat(),
        "ngay_hieu_luc": decision.effective.isoformat(),
        "can_cu": material["can_cu_tinh" if province else "can_cu_bo"],
        "danh_muc": annex,
    }
    return schema_comment("decision", 4) + to_yaml(data)


def render_agency(agency: Agency) -> str:
    return schema_comment("agency", 2) + to_yaml(
        {
            "id": agency.id,
            "ten": agency.ten,
            "loai": agency.loai,
            "nhom_bien_tap": [f"@tthc/{agency.id}"],
        }
    )


def render_vocab(title: str, entries: dict[str, str]) -> str:
    items = [{"id": ident, "ten": name} for ident, name in sorted(entries.items())]
    return schema_comment("vocab", 2) + to_yaml({"ten": title, "muc": items})


# writing -----------------------------------------------------------------------------------

VOCAB_TITLES = {"linh_vuc": "Lĩnh vực", "doi_tuong": "Đối tượng thực hiện"}


def build_tree(
    root: Path, n: int, sample: Sample, progress: Callable[[int], None] | None = None
) -> int:
    """Write the whole tree under `root/content`; returns the number of files written."""
    templates = make_templates(sample)
    decisions = plan(n, templates)
    count = _write_static(root, sample, decisions)
    step = max(1, n // 10)
    for done, (procedure, decision) in enumerate(_procedures(decisions), start=1):
        _write(
            root / "content/procedures" / procedure.agency.id / f"{procedure.ma}.yaml",
            render_procedure(procedure, decision),
        )
        if progress is not None and (done % step == 0 or done == n):
            progress(done)
    return count + n


def _write_static(root: Path, sample: Sample, decisions: list[Decision]) -> int:
    for folder in ("agencies", "vocab"):
        (root / "content" / folder).mkdir(parents=True, exist_ok=True)
    for agency in AGENCIES:
        (root / "content/procedures" / agency.id).mkdir(parents=True, exist_ok=True)
        _write(root / "content/agencies" / f"{agency.id}.yaml", render_agency(agency))
    for name, entries in sample.vocab.items():
        _write(root / "content/vocab" / f"{name}.yaml", render_vocab(VOCAB_TITLES[name], entries))
    for decision in decisions:
        path = root / decision.path
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, render_decision(decision, sample.decision_material))
    return len(AGENCIES) + len(sample.vocab) + len(decisions)


def _procedures(decisions: list[Decision]) -> Iterator[tuple[Procedure, Decision]]:
    for decision in decisions:
        for procedure in decision.procedures:
            yield procedure, decision


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
