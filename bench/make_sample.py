"""Regenerate `bench/sample_records.json` from the shared real data (run by hand, once).

    .venv/bin/python bench/make_sample.py [--realdata ../shared/realdata] [--count 40]

Reads `procedures_curated.json` (records from the national portal crawl and from the
CSDL Word export of Bộ Quốc phòng; the provincial prose records have no structured
channels or dossier and are left out), converts every record into our procedure shape
(steps, channels with time and fee, dossier documents with counts, legal basis, results),
measures the YAML size of all of them, and keeps `--count` records spread evenly over the
size distribution, so that the sample's mean size is the real mean size. The benchmark
itself only reads the JSON written here; it never needs the shared folder.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import unicodedata
from pathlib import Path
from typing import Any

from content_tree import SAMPLE, schema_comment, to_yaml

from generator.loader import load_bytes
from generator.schemas import PACKAGED_SCHEMAS, SchemaSet

STRUCTURED = ("github-crawl-of-national-portal", "github-parse-of-csdl-word-export")
LEVELS = {"bộ": "bo", "tỉnh": "tinh", "huyện": "huyen", "xã": "xa"}
CHANNELS = {"Trực tiếp": "truc_tiep", "Trực tuyến": "truc_tuyen", "Dịch vụ bưu chính": "buu_chinh"}
UNITS = {"ngày làm việc": "ngay_lam_viec", "ngày": "ngay", "giờ": "gio", "tháng": "thang"}
RESULT_CODE = re.compile(r"^KQ\.[A-Z][0-9]{2}\.[0-9]{6}$")
FORM_FILE = re.compile(r"^[^/\\:]+$")
STEP_START = re.compile(r"\s+(?=Bước \d+\s*[:.])")
MONEY = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:Việt Nam )?(?:Đồng|đồng|VNĐ|đ\b)")
TABLE_HEAD = "Tên văn bản pháp lýMã văn bản"
DOC_NUMBER = re.compile(r"\d+(?:\.\d+)?/\d{4}/(?:QH\d{2}|[A-ZĐ]+(?:[-/][A-ZĐ]+)*)")


def text(value: Any) -> str | None:
    """NFC text without surrounding blanks, or None when empty."""
    if not isinstance(value, str):
        return None
    clean = unicodedata.normalize("NFC", value).replace("\r", "").strip()
    return clean or None


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


# one record --------------------------------------------------------------------------------


def convert(record: dict[str, Any], vocab: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A curated record → our procedure fields (without ma, agency and decision)."""
    result: dict[str, Any] = {"ten": text(record["name"]), "loai": _kind(record)}
    result["linh_vuc"] = _vocab(record["fields"], vocab["linh_vuc"])
    result["cap_thuc_hien"] = _levels(record["implementation_levels"])
    result["doi_tuong_thuc_hien"] = _vocab(record["applicant_types"], vocab["doi_tuong"])
    result["co_quan_thuc_hien"] = text(record["implementing_agency"]) or text(
        record["competent_authority"]
    )
    for key, source in (
        ("co_quan_co_tham_quyen", "competent_authority"),
        ("co_quan_duoc_uy_quyen", "authorized_agency"),
        ("co_quan_phoi_hop", "coordinating_agency"),
        ("dia_chi_tiep_nhan", "receiving_address"),
    ):
        if text(record[source]):
            result[key] = text(record[source])
    result["trinh_tu_thuc_hien"] = [{"buoc": _steps(record["steps_text"])}]
    result["cach_thuc_thuc_hien"] = [_channel(m) for m in record["submission_methods"]]
    result["thanh_phan_ho_so"] = [g for g in map(_dossier, record["dossier_groups"]) if g]
    result["ket_qua_thuc_hien"] = [_result(r) for r in record["results"] if text(r["name"])]
    result["can_cu_phap_ly"] = _legal_basis(record)
    result["yeu_cau_dieu_kien"] = text(record["requirements_conditions"])
    return result


def _kind(record: dict[str, Any]) -> str:
    kind = (record["procedure_type"] or "").lower()
    if "không được luật giao" in kind:
        return "khong_duoc_luat_giao"
    if "luật giao" in kind or "giao luật" in kind:
        return "duoc_luat_giao"
    return "khac"


def _vocab(names: list[str] | None, known: dict[str, str]) -> list[str]:
    ids: list[str] = []
    for name in names or []:
        clean = text(name)
        if clean and slug(clean) not in ids:
            known.setdefault(slug(clean), clean)
            ids.append(slug(clean))
    return ids


def _levels(names: list[str] | None) -> list[str]:
    levels: list[str] = []
    for name in names or []:
        level = next((v for k, v in LEVELS.items() if k in name.lower()), "khac")
        if level not in levels:
            levels.append(level)
    return levels


def _steps(steps: str | None) -> list[str]:
    lines = [line for raw in (steps or "").splitlines() for line in STEP_START.split(raw)]
    return [clean for clean in map(text, lines) if clean] or ["Không có thông tin"]


def _channel(method: dict[str, Any]) -> dict[str, Any]:
    channel: dict[str, Any] = {"kenh": CHANNELS[method["channel"]]}
    channel["thoi_han"] = _time(method)
    channel["phi_le_phi"] = _fees(method)
    if text(method["description"]):
        channel["mo_ta"] = text(method["description"])
    return channel


def _time(method: dict[str, Any]) -> dict[str, Any]:
    unit = UNITS.get((method["processing_time_unit"] or "").lower(), "ngay_lam_viec")
    value = (method["processing_time_value"] or "").replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        return {"don_vi": unit, "mo_ta": text(method["processing_time"]) or "Không có thông tin"}
    return {"so": int(number) if number.is_integer() else number, "don_vi": unit}


def _fees(method: dict[str, Any]) -> list[dict[str, Any]]:
    summary, detail = text(method["fee_summary"]), text(method["fee_detail"])
    if summary is None and detail is None:
        return []
    fee: dict[str, Any] = {"loai": "le_phi" if (detail or "").startswith("Lệ phí") else "phi"}
    amount = _amount(summary, detail)
    if amount is not None:
        fee["so_tien"] = amount
    fee["don_vi_tien"] = "USD" if "USD" in (summary or "") else "VND"
    if detail:
        fee["mo_ta"] = detail
    elif amount is None:
        fee["mo_ta"] = summary
    return [fee]


def _amount(summary: str | None, detail: str | None) -> int | None:
    if summary == "Miễn phí":
        return 0
    for source in (summary, detail):
        found = MONEY.search(source or "")
        if found:
            return int(re.sub(r"[.,]", "", found.group(1)))
    return None


def _dossier(group: dict[str, Any]) -> dict[str, Any] | None:
    documents = [_document(d) for d in group["documents"] if text(d["name"])]
    if not documents:
        return None
    result: dict[str, Any] = {"truong_hop": text(group["case"])} if text(group["case"]) else {}
    result["giay_to"] = documents
    return result


def _document(document: dict[str, Any]) -> dict[str, Any]:
    result = {
        "ten": text(document["name"]),
        "so_ban_chinh": document["originals"] or 0,
        "so_ban_sao": document["copies"] or 0,
    }
    form = text(document["form_file"])
    if form and FORM_FILE.match(form):
        result["mau_don"] = {"ten": form.rsplit(".", 1)[0], "tep": form}
    return result


def _result(result: dict[str, Any]) -> dict[str, Any]:
    code = text(result["result_code"])
    coded = {"ma": code} if code and RESULT_CODE.match(code) else {}
    return coded | {"ten": text(result["name"])}


def _legal_basis(record: dict[str, Any]) -> list[dict[str, Any]]:
    if record.get("legal_basis"):
        return [_law(item) for item in record["legal_basis"] if text(item["number"])]
    table = (text(record.get("legal_basis_text")) or "").replace(TABLE_HEAD, "")
    items = _split_law_table(table)
    return (
        items
        or [{"so_ky_hieu": n} for n in record["legal_basis_numbers"] if text(n)]
        or [{"so_ky_hieu": "Không có thông tin"}]
    )


def _law(item: dict[str, Any]) -> dict[str, Any]:
    law: dict[str, Any] = {"so_ky_hieu": text(item["number"])}
    if text(item["title"]):
        law["trich_yeu"] = text(item["title"])
    day = re.fullmatch(r"(\d{2})-(\d{2})-(\d{4})", item.get("issued_date") or "")
    if day:
        law["ngay_ban_hanh"] = f"{day[3]}-{day[2]}-{day[1]}"
    if text(item.get("issuer")):
        law["co_quan_ban_hanh"] = text(item["issuer"])
    return law


def _split_law_table(table: str) -> list[dict[str, Any]]:
    """The portal's flattened table is `<title><number><title><number>…`; a title may
    itself end with the number (`Luật 49/2019/QH1449/2019/QH14`)."""
    items: list[dict[str, Any]] = []
    start = 0
    for found in DOC_NUMBER.finditer(table):
        number, title = found.group(), table[start : found.start()].strip()
        after = table[found.end() :]
        repeated = title.endswith(number) and len(title) > len(number)
        cell_end = not after or after[0].isupper() or after[0].isdigit()
        if title and (repeated or (cell_end and not after.startswith(number))):
            items.append({"so_ky_hieu": number, "trich_yeu": title})
            start = found.end()
    return items


# the whole sample --------------------------------------------------------------------------


def decision_material(decisions: list[dict[str, Any]]) -> dict[str, Any]:
    """Real căn cứ and signers of the shared province decisions (the ministry ones there
    carry neither: ministries get the decrees on TTHC control and test signers)."""
    grounds = [g for d in decisions for g in map(text, d.get("legal_grounds") or []) if g]
    signers = [
        {"ho_ten": text(d["signer_name"]), "chuc_vu": text(d["signing_authority"])}
        for d in decisions
        if text(d.get("signer_name")) and text(d.get("signing_authority"))
    ]
    return {
        "can_cu_tinh": list(dict.fromkeys(grounds))[:5],
        "nguoi_ky_tinh": list({s["ho_ten"]: s for s in signers}.values())[:5],
        "can_cu_bo": [g for g in dict.fromkeys(grounds) if "địa phương" not in g][:4],
        "nguoi_ky_bo": [
            {"ho_ten": "Nguyễn Văn A", "chuc_vu": "Thứ trưởng"},
            {"ho_ten": "Trần Văn B", "chuc_vu": "Bộ trưởng"},
        ],
    }


def as_file(procedure: dict[str, Any]) -> str:
    """The procedure as a file, with typical header fields."""
    head = {
        "ma": "1.000001",
        "ten": procedure["ten"],
        "co_quan_cong_bo": "bo-tu-phap",
        "quyet_dinh_cong_bo": "1234/QĐ-BTP",
    }
    body = {k: v for k, v in procedure.items() if k != "ten"}
    return schema_comment("procedure", 3) + to_yaml(head) + to_yaml(body)


def schema_problems(procedure: dict[str, Any], schemas: SchemaSet) -> list[str]:
    """What the procedure schema says about the converted record (a record that lacks a
    required part, such as the implementing agency, cannot be used)."""
    document = load_bytes(as_file(procedure).encode(), "sample.yaml")
    return [p.message for p in [*document.problems, *schemas.check("procedure", document)]]


def pick(sizes: list[int], count: int) -> list[int]:
    """Indices of `count` records at evenly spaced quantiles of size."""
    order = sorted(range(len(sizes)), key=sizes.__getitem__)
    return sorted({order[int((k + 0.5) * len(order) / count)] for k in range(count)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--realdata", type=Path, default=Path(__file__).resolve().parents[2] / "shared/realdata"
    )
    parser.add_argument("--count", type=int, default=40, help="most records to keep")
    parser.add_argument("--max-kb", type=int, default=400, help="size limit of the sample file")
    args = parser.parse_args()
    curated = json.loads((args.realdata / "procedures_curated.json").read_text(encoding="utf-8"))
    records = [r for r in curated if r["source"]["kind"] in STRUCTURED]
    vocab: dict[str, dict[str, str]] = {"linh_vuc": {}, "doi_tuong": {}}
    converted = [convert(r, vocab) for r in records]
    schemas = SchemaSet(PACKAGED_SCHEMAS)
    for record, procedure in zip(records, converted, strict=True):
        for problem in schema_problems(procedure, schemas):
            print(f"left out {record['record_id']}: {problem}")
    usable = [not schema_problems(p, schemas) for p in converted]
    records = [r for r, ok in zip(records, usable, strict=True) if ok]
    converted = [p for p, ok in zip(converted, usable, strict=True) if ok]
    sizes = [len(as_file(p).encode()) for p in converted]
    chosen, limit = pick(sizes, args.count), args.max_kb * 1000
    while len(_dump(_sample(records, converted, sizes, chosen, vocab, args)).encode()) > limit:
        chosen = pick(sizes, len(chosen) - 1)
    SAMPLE.write_text(
        _dump(_sample(records, converted, sizes, chosen, vocab, args)), encoding="utf-8"
    )
    print(
        f"{len(chosen)} of {len(records)} records → {SAMPLE} "
        f"({SAMPLE.stat().st_size / 1000:.0f} kB); real mean {statistics.mean(sizes):.0f} B, "
        f"sample mean {statistics.mean(sizes[k] for k in chosen):.0f} B"
    )


def _sample(
    records: list[dict[str, Any]],
    converted: list[dict[str, Any]],
    sizes: list[int],
    chosen: list[int],
    vocab: dict[str, dict[str, str]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    used = {
        name: sorted({i for k in chosen for i in converted[k][field]})
        for name, field in (("linh_vuc", "linh_vuc"), ("doi_tuong", "doi_tuong_thuc_hien"))
    }
    decisions = json.loads((args.realdata / "decisions.json").read_text(encoding="utf-8"))
    source_bytes = [
        len(
            json.dumps(
                {k: v for k, v in r.items() if k != "raw_sections"}, ensure_ascii=False
            ).encode()
        )
        for r in records
    ]
    return {
        "nguon": (
            "Real procedure records (public government information) from "
            "shared/realdata/procedures_curated.json: national portal crawl "
            "(chatbot-tthc/chatbot_tthc) and CSDL Word export of Bộ Quốc phòng "
            "(nhdandz/ThuTucHanhChinh); decision căn cứ and signers from "
            "shared/realdata/decisions.json. Converted by bench/make_sample.py."
        ),
        "real_records": {
            "count": len(records),
            "mean_yaml_bytes": round(statistics.mean(sizes)),
            "median_yaml_bytes": round(statistics.median(sizes)),
            "mean_source_json_bytes": round(statistics.mean(source_bytes)),
        },
        "vocab": {name: {i: vocab[name][i] for i in ids} for name, ids in used.items()},
        "decision_material": decision_material(decisions),
        "records": [
            {
                "record_id": records[k]["record_id"],
                "source": records[k]["source"].get("repo"),
                "yaml_bytes": sizes[k],
                "thu_tuc": converted[k],
            }
            for k in chosen
        ],
    }


def _dump(sample: dict[str, Any]) -> str:
    """Compact JSON, one record a line (the limit on the file's size is tight)."""
    head = {k: v for k, v in sample.items() if k != "records"}
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in sample["records"]]
    return (
        json.dumps(head, ensure_ascii=False, indent=1)[:-2]
        + ',\n "records": [\n'
        + ",\n".join(lines)
        + "\n ]\n}\n"
    )


if __name__ == "__main__":
    main()
