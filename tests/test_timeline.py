"""The time-aware catalogue on a real repository (tests/timeline_project.py): a decision
announced on 2026-05-04 takes effect on 2026-06-15; the site built before, on and after
that date shows the text in force, the change to come, and every earlier version."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from site_project import PROJECT, build, git
from timeline_project import (
    ABOLISHED,
    AMENDED,
    CORRECTED,
    EFFECTIVE,
    REPLACED,
    REPLACEMENT,
    correct_decision,
    make_timeline_project,
)

from generator.catalog import load_catalog
from generator.crosscheck import Index
from generator.feeds import paths
from generator.site.resolve import resolve
from generator.versions import Blobs, Header, VersionEntry, read_index, timelines


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_timeline_project(tmp_path_factory.mktemp("timeline"))


def _text(site: Path, url: str) -> str:
    page = (site / url / "index.html").read_text("utf-8")
    article = re.search(r"<article.*?</article>", page, re.S)
    words = re.sub(r"<[^>]+>", " ", article.group(0) if article else page)
    return " ".join(html.unescape(words).split())


def _status(site: Path, code: str) -> str:
    text = _text(site, f"thu-tuc/{code}/")
    return text[text.index("Cơ quan công bố"):][:400]


def test_ten_days_before_the_site_shows_the_text_in_force_and_the_notice(
        project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(project, site, as_of="2026-06-05")
    status = _status(site, AMENDED)
    assert "Đang có hiệu lực từ ngày 05/11/2025 theo Quyết định 3152/QĐ-BTP" in status
    assert ("Sắp sửa đổi, bổ sung: nội dung mới có hiệu lực từ ngày 15/06/2026 theo Quyết "
            "định 300/QĐ-BTP . Xem nội dung sắp có hiệu lực") in status
    page = _text(site, f"thu-tuc/{AMENDED}/")
    assert "Phí: 2.000 đồng" in page and "Phí: 3.000 đồng" not in page
    upcoming = _text(site, f"thu-tuc/{AMENDED}/sap-hieu-luc/")
    assert "Nội dung sắp có hiệu lực từ ngày 15/06/2026 theo Quyết định 300/QĐ-BTP" in upcoming
    assert "Phí: 3.000 đồng" in upcoming and "Phí: 2.000 đồng" not in upcoming
    assert "Sắp thay đổi: thủ tục bị bãi bỏ từ ngày 15/06/2026" in _status(site, ABOLISHED)
    assert "Sắp có hiệu lực từ ngày 15/06/2026" in _status(site, REPLACEMENT)
    coming = _text(site, "sap-hieu-luc/")
    for code, kind in ((ABOLISHED, "Bị bãi bỏ"), (REPLACED, "Được thay thế"),
                       (REPLACEMENT, "Mới ban hành"), (AMENDED, "Sửa đổi, bổ sung")):
        assert f"Từ ngày 15/06/2026 · {kind} · {code} · Quyết định 300/QĐ-BTP" in coming


def test_on_the_effective_date_the_new_text_is_in_force_with_the_old_in_its_history(
        project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(project, site, as_of=EFFECTIVE)
    status = _status(site, AMENDED)
    assert "Đang có hiệu lực từ ngày 15/06/2026 theo Quyết định 300/QĐ-BTP" in status
    assert "Sắp sửa đổi" not in status
    assert "Phí: 3.000 đồng" in _text(site, f"thu-tuc/{AMENDED}/")
    assert not (site / f"thu-tuc/{AMENDED}/sap-hieu-luc").exists()
    history = _text(site, f"thu-tuc/{AMENDED}/lich-su/")
    newest, oldest = history.split("Phiên bản 2 ", 1)[1].split("Phiên bản 1 ")
    assert newest.startswith("Đang có hiệu lực Quyết định công bố Quyết định 300/QĐ-BTP")
    assert ("Sửa · Cách thức thực hiện › Cách nộp 1 › Phí, lệ phí › Khoản phí, lệ phí 1 › "
            "Số tiền: 2000 → 3000") in newest
    assert oldest.startswith("Đã hết hiệu lực Quyết định công bố Quyết định 3152/QĐ-BTP")
    assert "Phiên bản đầu tiên trong kho dữ liệu" in oldest
    assert "Đã bãi bỏ từ ngày 15/06/2026 theo Quyết định 300/QĐ-BTP" in _status(site, ABOLISHED)
    replaced = _status(site, REPLACED)
    assert "Đã được thay thế từ ngày 15/06/2026" in replaced
    assert f"Thay thế bằng thủ tục {REPLACEMENT}" in replaced
    assert "Đang có hiệu lực từ ngày 15/06/2026" in _status(site, REPLACEMENT)
    assert "Sửa đổi, bổ sung" not in _text(site, "sap-hieu-luc/")


def test_built_today_without_a_date_the_site_shows_the_notice(tmp_path: Path) -> None:
    """The issue's case as it would run today: a decision signed a month ago amends the
    procedure with effect in ten days; `tthc build` with no date."""
    from datetime import datetime, timedelta

    from generator.cli import main
    from generator.site.build import VIETNAM

    now = datetime.now(VIETNAM).replace(microsecond=0)
    today = now.date()
    effective = today + timedelta(days=10)
    root = make_timeline_project(tmp_path / "project", (today - timedelta(days=30)).isoformat(),
                                 effective.isoformat(), now.isoformat())
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "site")]) == 0
    status = _status(tmp_path / "site", AMENDED)
    assert "Đang có hiệu lực từ ngày 05/11/2025 theo Quyết định 3152/QĐ-BTP" in status
    assert f"nội dung mới có hiệu lực từ ngày {effective:%d/%m/%Y}" in status


def test_the_day_before_is_still_the_old_text(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(project, site, as_of="2026-06-14")
    assert "Đang có hiệu lực từ ngày 05/11/2025" in _status(site, AMENDED)
    assert "Đang có hiệu lực" in _status(site, ABOLISHED)


def test_weeks_after_nothing_is_announced_any_more(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(project, site, as_of="2026-07-20")
    assert "Đang có hiệu lực từ ngày 15/06/2026 theo Quyết định 300/QĐ-BTP" in \
        _status(site, AMENDED)
    assert "Đã bãi bỏ từ ngày 15/06/2026" in _status(site, ABOLISHED)
    assert f"Thay thế bằng thủ tục {REPLACEMENT}" in _status(site, REPLACED)
    coming = _text(site, "sap-hieu-luc/")
    assert not any(code in coming for code in (AMENDED, ABOLISHED, REPLACED, REPLACEMENT))


def test_a_decision_corrected_after_merge_moves_the_switch(tmp_path: Path) -> None:
    root = make_timeline_project(tmp_path / "project")
    correct_decision(root)
    site = tmp_path / "site"
    build(root, site, as_of=EFFECTIVE)
    assert "Sắp sửa đổi, bổ sung: nội dung mới có hiệu lực từ ngày 20/06/2026" in \
        _status(site, AMENDED)
    build(root, site, as_of=CORRECTED)
    assert "Đang có hiệu lực từ ngày 20/06/2026 theo Quyết định 300/QĐ-BTP" in \
        _status(site, AMENDED)


def test_the_versions_are_read_once_and_cached_by_commit(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "versions.pickle"
    first = read_index(project, cache)
    assert [v.commit[:7] for v in first.of(AMENDED)] == [
        c[:7] for c in _log(project)]          # one version per commit that changed it
    assert [len(first.of(c)) for c in (ABOLISHED, REPLACED, REPLACEMENT)] == [1, 1, 1]
    again = read_index(project, cache)
    assert again.versions == first.versions and again.head == first.head


def test_a_new_commit_extends_the_cached_versions(tmp_path: Path) -> None:
    root = make_timeline_project(tmp_path / "project")
    cache = tmp_path / "versions.pickle"
    before = read_index(root, cache)
    correct_decision(root)                         # a decision: no procedure version
    path = root / f"content/procedures/bo-tu-phap/{AMENDED}.yaml"
    path.write_text(path.read_text("utf-8") + "tu_khoa:\n  - sao y\n", "utf-8")
    git(root, "commit", "-q", "-am", "đính chính", when="2026-05-21T10:00:00+07:00")
    after = read_index(root, cache)
    assert after.head != before.head
    assert len(after.of(AMENDED)) == 3 and after.of(AMENDED)[:2] == before.of(AMENDED)
    assert after.versions == read_index(root).versions      # the same as a full pass


def test_without_history_the_current_files_are_the_catalogue(project: Path) -> None:
    catalog = load_catalog(project)
    found = resolve(catalog, date(2026, 6, 5))
    assert found.status[AMENDED].kind == "upcoming"       # only the newest text is known
    assert found.upcoming == {}


def _log(root: Path) -> list[str]:
    import subprocess

    return subprocess.run(["git", "log", "--reverse", "--format=%H", "--",
                           f"content/procedures/bo-tu-phap/{AMENDED}.yaml"], cwd=root,
                          capture_output=True, text=True, check=True).stdout.split()


# the feeds agree with the site ---------------------------------------------------------------

API = "api/v1"


def _json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def _record(site: Path, code: str) -> dict[str, Any]:
    root_doc = _json(site / API / "index.json")
    index = _json(site / API / root_doc["links"]["indexes"]["all"])
    [entry] = [e for e in index["entries"] if e["type"] == "procedure" and e["id"] == code]
    record: dict[str, Any] = _json(site / API / entry["href"])
    jsonschema.validate(record, _json(PROJECT / "schemas/feeds/record.schema.json"))
    return record


def _changes(site: Path) -> list[dict[str, Any]]:
    root_doc = _json(site / API / "index.json")
    page = _json(site / API / root_doc["links"]["changes_head"])
    pages = [page]
    while page["previous"]:
        page = _json(site / API / paths.href(page["previous"]["path"],
                                             page["previous"]["sha256"]))
        pages.append(page)
    for page in pages:
        jsonschema.validate(page, _json(PROJECT / "schemas/feeds/changes.schema.json"))
    return [e for p in reversed(pages) for e in p["entries"]]


def _fee(data: dict[str, Any]) -> Any:
    return data["cach_thuc_thuc_hien"][0]["phi_le_phi"][0]["so_tien"]


def test_the_feeds_carry_the_text_in_force_and_the_text_to_come(project: Path,
                                                                 tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    build(project, before, as_of="2026-06-05")
    record = _record(before, AMENDED)
    assert (_fee(record["data"]), record["status"]["kind"]) == (2000, "in_force")
    assert record["announced_by"] == "bo-tu-phap/2025/3152-qd-btp"
    upcoming = record["upcoming"]
    assert (_fee(upcoming["data"]), upcoming["effective_from"], upcoming["announced_by"]) == (
        3000, EFFECTIVE, "bo-tu-phap/2026/300-qd-btp")
    assert record["commit"] != upcoming["commit"]
    build(project, after, as_of=EFFECTIVE)
    record = _record(after, AMENDED)
    assert (_fee(record["data"]), record["upcoming"]) == (3000, None)
    assert record["announced_by"] == "bo-tu-phap/2026/300-qd-btp"
    assert _record(after, ABOLISHED)["status"]["kind"] == "abolished"


def test_the_change_log_records_the_switch_when_it_happens(project: Path,
                                                            tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    build(project, before, as_of="2026-06-05")
    build(project, after, as_of=EFFECTIVE)
    early, late = _changes(before), _changes(after)
    assert late[:len(early)] == early                  # a later date only appends
    switched = [(e["op"], e["id"], e["reason"], e["at"]) for e in late[len(early):]]
    at = f"{EFFECTIVE}T00:00:00+07:00"
    assert sorted(switched) == sorted([
        ("upsert", AMENDED, "hieu_luc", at), ("upsert", REPLACEMENT, "hieu_luc", at),
        ("tombstone", ABOLISHED, "bai_bo", at), ("tombstone", REPLACED, "thay_the", at)])
    announced = [e for e in early
                 if e["id"] == ABOLISHED and e["decision"] == "bo-tu-phap/2026/300-qd-btp"]
    assert [(e["op"], e["reason"]) for e in announced] == [("upsert", None)]   # not yet


def test_rebuilding_for_a_past_date_gives_that_days_feed_byte_for_byte(
        project: Path, tmp_path: Path) -> None:
    first, later, again = tmp_path / "first", tmp_path / "later", tmp_path / "again"
    build(project, first, as_of="2026-06-05")
    build(project, later, as_of="2026-06-20")
    build(project, again, as_of="2026-06-05")
    documents = sorted(p.relative_to(first) for p in (first / API).rglob("*") if p.is_file())
    assert documents == sorted(p.relative_to(again) for p in (again / API).rglob("*")
                               if p.is_file())
    for path in documents:
        assert (first / path).read_bytes() == (again / path).read_bytes(), path
    assert (later / API / "index.json").read_bytes() != (first / API / "index.json").read_bytes()


def test_thousands_of_texts_read_at_once_never_hang(tmp_path: Path) -> None:
    """More requests than a pipe holds, each answered with more than it holds: read in
    batches, or both processes wait on each other forever."""
    import threading

    folder = tmp_path / "content/procedures/bo-tu-phap"
    folder.mkdir(parents=True)
    padding = "x" * 2000
    for n in range(2500):
        (folder / f"9.{n:06d}.yaml").write_text(
            f"ma: '9.{n:06d}'\nten: Thủ tục {n} {padding}\nco_quan_cong_bo: bo-tu-phap\n"
            "quyet_dinh_cong_bo: 1/QĐ-BTP\n", "utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "many")
    index = read_index(tmp_path)
    versions = [v for code in sorted(index.versions) for v in index.of(code)]
    blobs = Blobs(tmp_path)
    found: dict[str, Header] = {}
    reader = threading.Thread(target=lambda: found.update(blobs.headers(versions)), daemon=True)
    reader.start()
    reader.join(timeout=60)
    assert not reader.is_alive(), "reading the texts hung"
    blobs.close()
    assert len(found) == 2500
    assert found[versions[7].blob] == Header("9.000007", "bo-tu-phap", "1/QĐ-BTP")


def test_a_rebuild_takes_the_earlier_texts_from_the_cache(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "texts.pickle"
    catalog = load_catalog(project)
    versions = read_index(project)
    first = resolve(catalog, date(2026, 6, 5), None, versions, cache)
    old = first.timelines[AMENDED].in_force
    assert isinstance(old, VersionEntry) and cache.is_file()
    again = resolve(catalog, date(2026, 6, 5), None, versions, cache)
    assert again.blobs is not None and old.version is not None
    assert set(again.blobs.stored) == {old.version.blob}      # only the texts in force
    assert again.timelines[AMENDED].in_force.data == old.data    # type: ignore[union-attr]
    cache.write_bytes(b"not a pickle")                          # damaged: read afresh
    third = resolve(catalog, date(2026, 6, 5), None, versions, cache)
    assert third.timelines[AMENDED].in_force.data == old.data    # type: ignore[union-attr]
    for found in (first, again, third):
        assert found.blobs is not None
        found.blobs.close()


def test_a_procedure_moved_by_a_merger_keeps_its_history_and_is_not_withdrawn(
        tmp_path: Path) -> None:
    """Bình Thuận merged into Lâm Đồng (2025): its files move to the new agency's folder."""
    from generator.feeds.history import read_history

    old = tmp_path / "content/procedures/tinh-binh-thuan/2.000001.yaml"
    old.parent.mkdir(parents=True)
    old.write_text("ma: '2.000001'\nten: Thủ tục\nco_quan_cong_bo: tinh-binh-thuan\n", "utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "first")
    new = tmp_path / "content/procedures/tinh-lam-dong/2.000001.yaml"
    new.parent.mkdir(parents=True)
    git(tmp_path, "mv", str(old), str(new))
    new.write_text(new.read_text("utf-8").replace("tinh-binh-thuan", "tinh-lam-dong"), "utf-8")
    git(tmp_path, "commit", "-q", "-am", "merger", when="2026-07-01T08:00:00+07:00")
    versions = read_index(tmp_path).of("2.000001")
    assert [v.path.split("/")[2] for v in versions] == ["tinh-binh-thuan", "tinh-lam-dong"]
    history = read_history(tmp_path, [])
    assert [(c.op, c.agency, c.reason) for c in history.changes if c.id == "2.000001"] == [
        ("upsert", "tinh-binh-thuan", None), ("upsert", "tinh-lam-dong", None)]
    # Lâm Đồng's decision takes effect later: until then Bình Thuận's text is in force,
    # published where the file is now (its page, its forms, its feed record)
    current = sorted(Index(load_catalog(tmp_path)).procedures.items())
    blobs = Blobs(tmp_path)
    line = timelines(current, read_index(tmp_path), blobs,
                     lambda h: "2026-12-31" if h.agency == "tinh-lam-dong" else None,
                     date(2026, 8, 1))["2.000001"]
    blobs.close()
    assert line.in_force is not None and line.upcoming is not None
    assert line.in_force.data["co_quan_cong_bo"] == "tinh-binh-thuan"
    assert line.in_force.path == line.upcoming.path == new.relative_to(tmp_path).as_posix()


def test_a_shallow_clone_has_no_versions(project: Path, tmp_path: Path) -> None:
    """Earlier texts are missing from a shallow clone: the current files are the catalogue
    (CI must fetch the whole history, `fetch-depth: 0`)."""
    import subprocess

    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", project.as_uri(), str(clone)],
                   check=True, capture_output=True)
    assert read_index(clone).versions == {}
    assert read_index(project).versions != {}
