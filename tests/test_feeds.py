"""The feed documents under api/v1/, built by `tthc build` from a real git repository: each
matches its JSON Schema and its index entry, scopes hold what their portals need, and the
change log follows the git history, gap-free, with immutable full pages."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from site_project import FIRST, PROJECT, SECOND, build, git, make_project

from generator.feeds import paths

API = "api/v1"
THIRD = "2026-05-04T08:00:00+07:00"
ABOLISH = """so_ky_hieu: 100/QĐ-BQP
trich_yeu: Về việc công bố thủ tục hành chính bị bãi bỏ
co_quan_ban_hanh: bo-quoc-phong
nguoi_ky:
  ho_ten: Nguyễn Văn A
  chuc_vu: Thứ trưởng
ngay_ban_hanh: '2026-01-05'
ngay_hieu_luc: '2026-02-20'
can_cu:
  - Nghị định số 63/2010/NĐ-CP
danh_muc:
  bai_bo:
    - ma: '1.013124'
      ten: Thủ tục thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu của các cơ sở,
        dự án dầu khí ngoài khơi
"""


def _json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def _schema(kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = _json(PROJECT / "schemas/feeds" / f"{kind}.schema.json")
    return schema


def _target(site: Path, href: str) -> Any:
    return _json(site / API / href)


def _changes(site: Path) -> list[dict[str, Any]]:
    """Every entry of the change log, read from the head page backwards along the chain."""
    root_doc = _json(site / API / "index.json")
    page = _target(site, root_doc["links"]["changes_head"])
    pages = [page]
    while page["previous"]:
        link = page["previous"]
        page = _json(site / API / paths.href(link["path"], link["sha256"]))
        pages.append(page)
    return [e for p in reversed(pages) for e in p["entries"]]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("feeds") / "project")
    build(root, root / "site")
    return root / "site"


def test_every_document_matches_its_schema_and_its_index_entry(site: Path) -> None:
    root_doc = _json(site / API / "index.json")
    jsonschema.validate(root_doc, _schema("feed"))
    assert root_doc["deprecated"] is False and root_doc["version"] == 1
    assert root_doc["development"] is True          # no keys: a throw-away development feed
    whole = _target(site, root_doc["links"]["indexes"]["all"])
    for scope, href in root_doc["links"]["indexes"].items():
        index = _target(site, href)
        jsonschema.validate(index, _schema("index"))
        assert index["scope"] == scope and index["sequence"] == root_doc["sequence"]
        for entry in index["entries"]:
            data = (site / API / entry["href"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["length"]
            assert entry["href"] == paths.href(entry["path"], entry["sha256"])
            jsonschema.validate(json.loads(data), _schema("record" if entry["type"] ==
                                                          "procedure" else "decision"))
    assert {(e["type"], e["id"]) for e in whole["entries"]} == {
        ("procedure", "1.013124"), ("procedure", "2.000815"),
        ("decision", "bo-quoc-phong/2024/6225-qd-bqp"), ("decision", "bo-tu-phap/2025/3152-qd-btp"),
        ("decision", "tinh-binh-thuan/2020/1766-qd-ubnd")}


def test_a_record_carries_status_decision_commit_and_local_details(site: Path) -> None:
    root_doc = _json(site / API / "index.json")
    whole = _target(site, root_doc["links"]["indexes"]["all"])
    entry = next(e for e in whole["entries"] if e["id"] == "2.000815")
    record = _json(site / API / entry["href"])
    source = PROJECT / "tests/data/base/content/procedures/bo-tu-phap/2.000815.yaml"
    assert record["data"]["ma"] == "2.000815" and record["agency"] == "bo-tu-phap"
    assert record["status"]["kind"] == entry["status"] == "in_force"
    assert record["announced_by"] == "bo-tu-phap/2025/3152-qd-btp"
    assert record["effective_from"] is not None
    assert record["commit"] == root_doc["commit"]    # the amend commit, the newest
    assert record["version"] != hashlib.sha256(source.read_bytes()).hexdigest()  # amended
    assert [d["agency"] for d in record["local_details"]] == ["tinh-binh-thuan"]


def test_a_province_scope_holds_national_records_and_its_own(site: Path) -> None:
    root_doc = _json(site / API / "index.json")
    indexes = root_doc["links"]["indexes"]

    def ids(scope: str) -> set[str]:
        return {e["id"] for e in _target(site, indexes[scope])["entries"]}

    assert ids("tinh-binh-thuan") == {"1.013124", "2.000815", "bo-quoc-phong/2024/6225-qd-bqp",
                                      "bo-tu-phap/2025/3152-qd-btp",
                                      "tinh-binh-thuan/2020/1766-qd-ubnd"}
    assert ids("bo-tu-phap") == {"2.000815", "bo-tu-phap/2025/3152-qd-btp"}
    members = {s["id"]: s["agencies"] for s in root_doc["scopes"]}  # what a mirror follows
    assert members["tinh-binh-thuan"] == ["bo-quoc-phong", "bo-tu-phap", "tinh-binh-thuan"]
    assert members["bo-tu-phap"] == ["bo-tu-phap"]


def test_the_change_log_follows_git_history(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    decision = root / "content/decisions/bo-quoc-phong/2026/100-qd-bqp.yaml"
    decision.parent.mkdir(parents=True)
    decision.write_text(ABOLISH, "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "abolish 1.013124", when=THIRD)
    (root / "content/decisions/tinh-binh-thuan/2020/1766-qd-ubnd.yaml").unlink()
    git(root, "commit", "-q", "-am", "withdraw 1766", when=THIRD)
    build(root, tmp_path / "site", as_of="2026-03-01")
    changes = _changes(tmp_path / "site")
    assert [c["seq"] for c in changes] == list(range(1, len(changes) + 1))
    first = [c for c in changes if c["committed"] == FIRST]
    assert len(first) == 5 and all(c["op"] == "upsert" for c in first)
    amend = [c for c in changes if c["committed"] == SECOND]
    assert [(c["op"], c["id"], c["decision"]) for c in amend] == [
        ("upsert", "2.000815", None)]               # changed without a decision
    third = [(c["op"], c["type"], c["id"], c["decision"], c["effective_from"], c["reason"],
              c["agency"]) for c in changes if c["committed"] == THIRD]
    assert third == [
        ("upsert", "decision", "bo-quoc-phong/2026/100-qd-bqp", "bo-quoc-phong/2026/100-qd-bqp",
         "2026-02-20", None, "bo-quoc-phong"),
        ("tombstone", "procedure", "1.013124", "bo-quoc-phong/2026/100-qd-bqp", "2026-02-20",
         "bai_bo", "bo-quoc-phong"),
        ("tombstone", "decision", "tinh-binh-thuan/2020/1766-qd-ubnd",
         "tinh-binh-thuan/2020/1766-qd-ubnd", None, "go_bo", "tinh-binh-thuan")]
    commits = [c["commit"] for c in changes]
    assert all(len(c) == 40 for c in commits) and len(set(commits)) == 4
    record = next(e for e in _target(tmp_path / "site", _json(
        tmp_path / "site" / API / "index.json")["links"]["indexes"]["all"])["entries"]
        if e["id"] == "1.013124")
    assert record["status"] == "abolished"          # the tombstone stays in the snapshot


def test_full_pages_never_change_and_chain_to_the_head(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "PAGE_SIZE", 2)
    root = make_project(tmp_path / "project")
    build(root, tmp_path / "site")
    pages = tmp_path / "site" / API / "targets/changes"
    before = {p.name: p.read_bytes() for p in pages.iterdir()}
    full = {n: d for n, d in before.items() if json.loads(d)["complete"]}
    assert len(full) == 3                           # 6 entries: 3 full pages
    procedure = root / "content/procedures/bo-quoc-phong/1.013124.yaml"
    procedure.write_text(procedure.read_text("utf-8") + "tu_khoa:\n  - tràn dầu\n", "utf-8")
    git(root, "commit", "-q", "-am", "keyword", when=THIRD)
    build(root, tmp_path / "site")
    after = {p.name: p.read_bytes() for p in pages.iterdir()}
    assert {n: after[n] for n in full} == full      # published full pages: same names, bytes
    changes = _changes(tmp_path / "site")
    assert [c["seq"] for c in changes] == list(range(1, 8))
    assert changes[-1]["id"] == "1.013124" and changes[-1]["committed"] == THIRD


def test_uncommitted_changes_come_last_without_a_commit(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    procedure = root / "content/procedures/bo-quoc-phong/1.013124.yaml"
    procedure.write_text(procedure.read_text("utf-8") + "tu_khoa:\n  - tràn dầu\n", "utf-8")
    build(root, tmp_path / "site")
    last = _changes(tmp_path / "site")[-1]
    assert (last["id"], last["commit"], last["op"]) == ("1.013124", None, "upsert")
    root_doc = _json(tmp_path / "site" / API / "index.json")
    whole = _target(tmp_path / "site", root_doc["links"]["indexes"]["all"])
    entry = next(e for e in whole["entries"] if e["id"] == "1.013124")
    assert _json(tmp_path / "site" / API / entry["href"])["commit"] is None


def test_without_git_the_log_lists_the_current_files(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    shutil.rmtree(root / ".git")
    build(root, tmp_path / "site")
    root_doc = _json(tmp_path / "site" / API / "index.json")
    assert root_doc["history"] == "files" and root_doc["commit"] is None
    changes = _changes(tmp_path / "site")
    assert len(changes) == 5 and {c["op"] for c in changes} == {"upsert"}


def test_a_procedure_the_catalogue_never_held_is_abolished_in_its_agencys_scope(
        tmp_path: Path) -> None:
    from generator.feeds.history import read_history

    root = make_project(tmp_path / "project")
    decision = root / "content/decisions/bo-quoc-phong/2026/100-qd-bqp.yaml"
    decision.parent.mkdir(parents=True)
    decision.write_text(ABOLISH.replace("'1.013124'", "'9.999999'"), "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "abolish a record never imported", when=THIRD)
    [tombstone] = [c for c in read_history(root, []).changes if c.id == "9.999999"]
    assert (tombstone.op, tombstone.reason, tombstone.agency) == (
        "tombstone", "bai_bo", "bo-quoc-phong")
