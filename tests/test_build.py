"""`tthc build`: a failed build never touches the previous site."""

from __future__ import annotations

import shutil
from pathlib import Path

from examples import make_tree

from generator.cli import main

PROJECT = Path(__file__).parent.parent


def _project(tmp_path: Path) -> Path:
    root = make_tree(tmp_path / "project")
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "site_templates", root / "site_templates")
    shutil.copytree(PROJECT / "content" / "pages", root / "content" / "pages")
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_a_vietnamese_site(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert main(["build", "--root", str(root)]) == 0
    index = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi"' in index
    assert "Thủ tục hành chính" in index
    assert not list(root.glob(".site.*")), "staging folder left behind"


def test_invalid_content_leaves_previous_site_untouched(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert main(["build", "--root", str(root)]) == 0
    before = _snapshot(root / "site")
    procedure = root / "content/procedures/bo-tu-phap/2.000815.yaml"
    procedure.write_text(procedure.read_text(encoding="utf-8") + "ten: trùng\n",
                         encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 1
    assert _snapshot(root / "site") == before


def test_failed_render_leaves_previous_site_untouched(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert main(["build", "--root", str(root)]) == 0
    before = _snapshot(root / "site")
    (root / "content/pages/broken.md").write_text("[hỏng](khong-co-trang-nay.md)\n",
                                                  encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 1  # strict mode: a broken link fails
    assert _snapshot(root / "site") == before
    assert not list(root.glob(".site.*"))
