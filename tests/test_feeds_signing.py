"""`tthc build` signs its feed: a TUF client (python-tuf's ngclient, as a portal runs it)
and the JWS checkpoint both verify what a real build publishes, with the development key
and with keys made by `tthc keys init`; a build that must have keys refuses to go without."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from site_project import (
    PROJECT,
    THIRD_COMMIT,
    build,
    git,
    keys_secret,
    make_project,
    make_signed_project,
)
from static_server import serve
from tuf.ngclient import Updater

from generator.cli import main
from generator.feeds import checkpoint

API = "api/v1"


def _updater(url: str, cache: Path, root: bytes) -> Updater:
    cache.mkdir(parents=True, exist_ok=True)
    return Updater(metadata_dir=str(cache), metadata_base_url=url + "metadata/",
                   target_dir=str(cache / "targets"), target_base_url=url + "targets/",
                   bootstrap=root)


def _fetch(updater: Updater, target: str) -> Any:
    info = updater.get_targetinfo(target)
    assert info is not None, f"{target} is not in the signed metadata"
    return json.loads(Path(updater.download_target(info)).read_bytes())


def test_a_development_build_verifies_through_tuf_and_the_checkpoint(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    site = tmp_path / "site"
    build(root, site)
    feed = site / API
    with serve(feed) as url:
        portal = _updater(url, tmp_path / "portal", (feed / "metadata/1.root.json").read_bytes())
        portal.refresh()
        root_doc = _fetch(portal, "index.json")
        assert root_doc["development"] is True
        record = _fetch(portal, "records/bo-tu-phap/2.000815.json")
        assert record["id"] == "2.000815"
        assert _fetch(portal, "decisions/tinh-binh-thuan/2020/1766-qd-ubnd.json")["agency"] \
            == "tinh-binh-thuan"
    pinned = checkpoint.load_jwks(json.loads((feed / "checkpoint-keys.json").read_bytes()))
    payload = checkpoint.verify((feed / "checkpoint.jws.json").read_bytes(), pinned,
                                datetime.now(UTC), None)
    assert payload["development"] is True and payload["sequence"] == root_doc["sequence"]
    schema = json.loads((PROJECT / "schemas/feeds/checkpoint.schema.json").read_bytes())
    jsonschema.validate(payload, schema)
    for target, digest in payload["indexes"].items():
        folder, _, name = target.rpartition("/")
        stored = feed / "targets" / folder / f"{digest}.{name}"
        checkpoint.check_file(payload, target, stored.read_bytes())


def test_a_new_commit_is_a_new_version_a_portal_follows(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    site = tmp_path / "site"
    build(root, site)
    first_root = (site / API / "metadata/1.root.json").read_bytes()
    procedure = root / "content/procedures/bo-quoc-phong/1.013124.yaml"
    with serve(site / API) as url:
        portal = _updater(url, tmp_path / "portal", first_root)
        before = _fetch(portal, "records/bo-quoc-phong/1.013124.json")
        procedure.write_text(procedure.read_text("utf-8") + "tu_khoa:\n  - tràn dầu\n", "utf-8")
        git(root, "commit", "-q", "-am", "keyword", when=THIRD_COMMIT)
        stats = build(root, site)
        # 1,000 × three commits on the main line + 28 days from the commit to the build date
        assert stats["feed_version"] == 3028
        portal = _updater(url, tmp_path / "portal", first_root)
        after = _fetch(portal, "records/bo-quoc-phong/1.013124.json")
    assert before["data"].get("tu_khoa") is None and after["data"]["tu_khoa"] == ["tràn dầu"]
    assert (site / API / "metadata/2047.snapshot.json").is_file()  # kept for portals mid-update
    procedure.write_text(procedure.read_text("utf-8") + "  - dầu khí\n", "utf-8")
    git(root, "commit", "-q", "-am", "another keyword", when=THIRD_COMMIT)
    build(root, site)
    kept = sorted(p.name for p in (site / API / "metadata").glob("*.snapshot.json"))
    assert kept == ["3028.snapshot.json", "4028.snapshot.json"]   # older states dropped


def test_keys_made_by_tthc_keys_sign_a_production_feed(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "project")
    keys = tmp_path / "keys"
    made = subprocess.run([sys.executable, "-m", "generator", "keys", "init", "--dir", str(keys),
                           "--root", str(root)], capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr           # the command a publisher types
    assert oct((keys / "targets.pem").stat().st_mode & 0o777) == "0o600"
    git(root, "add", "trust")
    git(root, "commit", "-q", "-m", "trust root", when=THIRD_COMMIT)
    monkeypatch.setenv("TTHC_KEYS_DIR", str(keys))
    site = tmp_path / "site"
    stats = build(root, site)
    assert stats["feed_development"] is False
    feed = site / API
    assert (feed / "metadata/1.root.json").read_bytes() == (root / "trust/1.root.json").read_bytes()
    with serve(feed) as url:
        portal = _updater(url, tmp_path / "portal", (root / "trust/1.root.json").read_bytes())
        assert _fetch(portal, "index.json")["development"] is False
    stamp = json.loads((feed / "metadata/timestamp.json").read_bytes())["signed"]["expires"]
    expires = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert timedelta(days=1) < expires - datetime.now(UTC) <= timedelta(days=2)   # fresh
    pinned = checkpoint.load_jwks(json.loads((feed / "checkpoint-keys.json").read_bytes()))
    assert checkpoint.verify((feed / "checkpoint.jws.json").read_bytes(), pinned,
                             datetime.now(UTC), None)["development"] is False
    development = checkpoint.load_jwks(checkpoint.jwks(
        [k for _, k in checkpoint.vector_keys("development feed")]))
    with pytest.raises(checkpoint.CheckpointError):      # the development key is not trusted
        checkpoint.verify((feed / "checkpoint.jws.json").read_bytes(), development,
                          datetime.now(UTC), None)


def test_keys_are_never_made_inside_the_repository(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "project")
    assert main(["keys", "init", "--dir", str(root / "keys"), "--root", str(root)]) == 1
    assert "bên ngoài" in capsys.readouterr().err
    assert not (root / "keys").exists() and not (root / "trust").exists()


def test_require_keys_without_keys_fails_and_keeps_the_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "project")
    site = tmp_path / "site"
    build(root, site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    monkeypatch.delenv("TTHC_KEYS_DIR", raising=False)
    code = main(["build", "--root", str(root), "--out", str(site), "--quiet", "--require-keys"])
    assert code == 1 and "TTHC_KEYS_DIR" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_ci_can_pass_the_key_directory_as_one_secret(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root, keys = make_signed_project(tmp_path)
    secret = keys_secret(keys)
    monkeypatch.delenv("TTHC_KEYS_DIR", raising=False)
    monkeypatch.setenv("TTHC_KEYS", secret)
    stats = build(root, tmp_path / "site")
    assert stats["feed_development"] is False
    pinned = checkpoint.load_jwks(json.loads(
        (tmp_path / "site" / API / "checkpoint-keys.json").read_bytes()))
    ed25519 = (keys / "checkpoint-ed25519.pem").read_bytes()
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    assert checkpoint.key_id(load_pem_private_key(ed25519, None)) in pinned  # type: ignore[arg-type]


def test_a_daily_build_of_the_same_commit_is_a_newer_version(tmp_path: Path) -> None:
    """The publishing job builds every day on a fresh runner: a status that switches by
    date must reach portals as a newer version, with no previous metadata to compare."""
    root = make_project(tmp_path / "project")
    today = build(root, tmp_path / "today", as_of="2026-06-01")["feed_version"]
    tomorrow = build(root, tmp_path / "tomorrow", as_of="2026-06-02")["feed_version"]
    assert tomorrow == today + 1                        # type: ignore[operator]
    again = build(root, tmp_path / "again", as_of="2026-06-01")["feed_version"]
    assert again == today                               # same commit and date: same version
