"""The site build on a real git repository: every record gets its page, every link resolves,
lastmod comes from git, rebuilds redo only what changed, and a failure keeps the old site."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from site_project import FIRST, PROJECT, SECOND, build, make_project

from generator.cli import main

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
METADATA = "api/v1/metadata/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("site") / "project")
    build(root, root / "site")
    return root / "site"


def _page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text("utf-8")


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "page has no h1"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _records(kind: str) -> list[tuple[Path, dict[str, object]]]:
    folder = PROJECT / "tests/data/base/content" / kind
    return [(p, yaml.safe_load(p.read_text("utf-8"))) for p in sorted(folder.rglob("*.yaml"))]


def test_every_procedure_decision_and_agency_has_its_page(site: Path) -> None:
    for _, data in _records("procedures"):
        assert _h1(_page(site, f"thu-tuc/{data['ma']}")) == data["ten"]
    for path, data in _records("decisions"):
        slug = path.relative_to(PROJECT / "tests/data/base/content/decisions").with_suffix("")
        heading = _h1(_page(site, f"quyet-dinh/{slug.as_posix()}"))
        assert heading == f"Quyết định {data['so_ky_hieu']}"
    for _, data in _records("agencies"):
        assert _h1(_page(site, f"co-quan/{data['id']}")) == data["ten"]
    for url in ("thu-tuc", "linh-vuc", "cap", "quyet-dinh", "co-quan", "tim-kiem",
                "linh-vuc/chung-thuc", "cap/xa"):
        assert (site / url / "index.html").is_file(), url


def test_procedure_page_shows_the_guide_sections_and_local_details(site: Path) -> None:
    html = _page(site, "thu-tuc/2.000815")
    for heading in ("Các bước thực hiện", "Hồ sơ cần chuẩn bị", "Cách nộp, thời hạn và phí",
                    "Căn cứ pháp lý", "Quyết định công bố", "Thông tin tại địa phương"):
        assert f">{heading}</h2>" in html, heading
    assert "Đang có hiệu lực" in html
    assert "Ủy ban nhân dân tỉnh Bình Thuận" in html or "Bình Thuận" in html
    assert "2.000 đồng/trang" in html                   # the province's own fee
    assert "@@TTHC:" not in html                         # every shell marker was filled


def test_procedure_json_ld_carries_code_version_and_hash(site: Path) -> None:
    html = _page(site, "thu-tuc/2.000815")
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    data = json.loads(match.group(1).replace("<\\/", "</"))
    assert data["@type"] == "GovernmentService"
    ids = {i["propertyID"]: i["value"] for i in data["identifier"]}
    source = site.parent / "content/procedures/bo-tu-phap/2.000815.yaml"
    assert ids == {"ma_thu_tuc": "2.000815", "phien_ban": "3152/QĐ-BTP",
                   "sha256": hashlib.sha256(source.read_bytes()).hexdigest()}


def test_decision_page_links_every_annex_item_to_its_procedure(site: Path) -> None:
    html = _page(site, "quyet-dinh/tinh-binh-thuan/2020/1766-qd-ubnd")
    assert '"@type":"Legislation"' in html
    assert 'href="../../../../thu-tuc/2.000815/"' in html


def test_every_internal_link_resolves(site: Path) -> None:
    broken = []
    for page in site.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        for href in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text("utf-8")):
            if urlsplit(href).scheme or href.startswith(("//", "mailto:")):
                continue
            base = site if href.startswith("/") else page.parent   # 404.html links from the root
            target = (base / unquote(href.lstrip("/"))).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} → {href}")
    assert broken == []


def test_no_shell_page_is_published(site: Path) -> None:
    assert not (site / "_vo").exists()
    assert "_vo" not in (site / "sitemap.xml").read_text("utf-8")


def test_sitemap_lastmod_comes_fromgit(site: Path) -> None:
    tree = ET.parse(site / "sitemap.xml")
    lastmod = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
               for u in tree.getroot()}
    base = "http://127.0.0.1:8000/"
    assert lastmod[base + "thu-tuc/2.000815/"] == SECOND[:10]
    assert lastmod[base + "thu-tuc/1.013124/"] == FIRST[:10]
    assert lastmod[base + "quyet-dinh/bo-tu-phap/2025/3152-qd-btp/"] == FIRST[:10]
    assert lastmod[base + "huong-dan/"] == FIRST[:10]    # hand-written pages too
    assert base + "tim-kiem/" in lastmod


def test_atom_feed_lists_decisions_newest_first(site: Path) -> None:
    feed = ET.parse(site / "quyet-dinh" / "feed.xml").getroot()
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Quyết định 3152/QĐ-BTP", "Quyết định 6225/QĐ-BQP",
                      "Quyết định 1766/QĐ-UBND"]
    assert feed.findtext(f"{ATOM}updated") == FIRST


def test_status_follows_the_build_date(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    build(root, tmp_path / "before", as_of="2025-10-15")
    assert "Sắp có hiệu lực" in _page(tmp_path / "before", "thu-tuc/2.000815")
    build(root, tmp_path / "after", as_of="2025-11-05")
    assert "Đang có hiệu lực" in _page(tmp_path / "after", "thu-tuc/2.000815")


def test_an_abolished_procedure_keeps_a_tombstone_page(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    decision = root / "content/decisions/bo-quoc-phong/2026/100-qd-bqp.yaml"
    decision.parent.mkdir(parents=True)
    decision.write_text(
        "so_ky_hieu: 100/QĐ-BQP\ntrich_yeu: Về việc công bố thủ tục hành chính bị bãi bỏ\n"
        "co_quan_ban_hanh: bo-quoc-phong\nnguoi_ky:\n  ho_ten: Nguyễn Văn A\n"
        "  chuc_vu: Thứ trưởng\nngay_ban_hanh: '2026-01-05'\nngay_hieu_luc: '2026-02-20'\n"
        "can_cu:\n  - Nghị định số 63/2010/NĐ-CP\ndanh_muc:\n  bai_bo:\n    - ma: '1.013124'\n"
        "      ten: Thủ tục thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu của các cơ "
        "sở, dự án dầu khí ngoài khơi\n", "utf-8")
    build(root, tmp_path / "site", as_of="2026-01-10")
    html = _page(tmp_path / "site", "thu-tuc/1.013124")
    assert "Đang có hiệu lực" in html and "Sắp thay đổi" in html and "20/02/2026" in html
    build(root, tmp_path / "site", as_of="2026-02-20")
    html = _page(tmp_path / "site", "thu-tuc/1.013124")
    assert "Đã bãi bỏ" in html and "100/QĐ-BQP" in html
    listing = _page(tmp_path / "site", "co-quan/bo-quoc-phong")
    assert "Đã bãi bỏ" in listing


def test_rebuild_redoes_only_what_changed(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    out = tmp_path / "site"
    first = build(root, out)
    assert first["rendered"] == first["pages"]
    again = build(root, out)
    assert again["rendered"] == 0
    assert again["search"]["indexed"] == 0          # type: ignore[index]
    procedure = root / "content/procedures/bo-quoc-phong/1.013124.yaml"
    procedure.write_text(procedure.read_text("utf-8").replace(
        "\ntrinh_tu_thuc_hien:", "\ntu_khoa:\n  - tràn dầu\ntrinh_tu_thuc_hien:", 1), "utf-8")
    changed = build(root, out)
    assert changed["rendered"] == 1                  # only its own page shows the keyword
    assert "tràn dầu" in _page(out, "thu-tuc/1.013124")
    assert changed["search"]["indexed"] == 1         # type: ignore[index]


def test_a_template_mistake_fails_the_build_and_keeps_the_site(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    out = root / "site"
    build(root, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    template = root / "site_templates/pages/procedure.html"
    template.write_text(template.read_text("utf-8").replace("{{ name }}", "{{ nmae }}"), "utf-8")
    assert main(["build", "--root", str(root), "--quiet"]) == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_as_of_must_be_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--as-of", "01/07/2025"])
    assert exit_.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_same_commit_same_bytes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    build(root, tmp_path / "one")
    build(root, tmp_path / "two")
    one = {p.relative_to(tmp_path / "one"): p.read_bytes()
           for p in sorted((tmp_path / "one").rglob("*")) if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes()
           for p in sorted((tmp_path / "two").rglob("*")) if p.is_file()}
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def test_two_processes_write_the_same_site_as_one(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.site import output

    root = make_project(tmp_path / "project")
    build(root, tmp_path / "serial")
    monkeypatch.setattr(output, "PARALLEL_FROM", 1)
    build(root, tmp_path / "forked")
    serial, forked = tmp_path / "serial", tmp_path / "forked"
    names = sorted(p.relative_to(serial) for p in serial.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(forked) for p in forked.rglob("*") if p.is_file())
    assert [n for n in names if (serial / n).read_bytes() != (forked / n).read_bytes()] == []


def _published(site: Path) -> list[Path]:
    """Every file of a site but the TUF metadata: a rebuild keeps the previous versions
    there (a portal mid-update still finds them) and signs the next one."""
    return sorted(p.relative_to(site) for p in site.rglob("*")
                  if p.is_file() and not p.relative_to(site).as_posix().startswith(METADATA))


def test_a_rebuild_gives_the_site_a_full_build_gives(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    out = tmp_path / "site"
    (root / "content/pages/tam-thoi.md").write_text("# Trang tạm thời\n", "utf-8")
    build(root, out)
    assert (out / "tam-thoi" / "index.html").is_file()
    procedure = root / "content/procedures/bo-tu-phap/2.000815.yaml"
    procedure.write_text(procedure.read_text("utf-8").replace("sao y", "sao y bản chính"),
                         "utf-8")
    (root / "content/pages/tam-thoi.md").unlink()
    rebuilt = build(root, out)
    assert 0 < rebuilt["rendered"] < rebuilt["pages"]   # type: ignore[operator]
    assert rebuilt["mkdocs"] is True                   # a hand-written page went
    build(root, tmp_path / "fresh")
    fresh = tmp_path / "fresh"
    names = _published(fresh)
    assert _published(out) == names
    assert [n for n in names if (out / n).read_bytes() != (fresh / n).read_bytes()] == []
    assert not (out / "tam-thoi").exists()


def test_a_rebuild_that_reuses_the_shell_gives_the_full_build_too(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    out = tmp_path / "site"
    build(root, out)
    procedure = root / "content/procedures/bo-quoc-phong/1.013124.yaml"
    procedure.write_text(procedure.read_text("utf-8").replace(
        "\ntrinh_tu_thuc_hien:", "\ntu_khoa:\n  - tràn dầu\ntrinh_tu_thuc_hien:", 1), "utf-8")
    rebuilt = build(root, out)
    assert rebuilt["mkdocs"] is False                  # nothing mkdocs reads changed
    build(root, tmp_path / "fresh")
    fresh = tmp_path / "fresh"
    names = _published(fresh)
    assert _published(out) == names
    assert [n for n in names if (out / n).read_bytes() != (fresh / n).read_bytes()] == []
