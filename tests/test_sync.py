"""`tthc sync`, the reference mirror, against feeds that `tthc build` signed with keys from
`tthc keys init`, served over HTTP on 127.0.0.1: a first sync, an incremental one that
fetches only what changed, and attacks that must leave the mirror as it was."""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from site_project import THIRD_COMMIT, build, git, make_project, make_signed_project

from generator.cli import main

API = "api/v1"


@dataclass
class Served:
    """What the server sent (one entry per request: path, bytes), and the faults to inject:
    a request whose path contains a key gets the fault instead ("500", "truncate",
    "garble", or "stall": wait until `release` is set)."""

    requests: list[tuple[str, int]] = field(default_factory=list)
    faults: dict[str, str] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)
    stalled: threading.Event = field(default_factory=threading.Event)

    @property
    def bytes(self) -> int:
        return sum(size for _, size in self.requests)

    def fault(self, path: str) -> str | None:
        return next((f for key, f in self.faults.items() if key in path), None)


class _Counting(SimpleHTTPRequestHandler):
    served: Served

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        if self.served.fault(self.path) == "500":
            self.send_error(500, "injected server error")
            return None
        return super().send_head()

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        fault = self.served.fault(self.path)
        if fault == "truncate":
            data = data[: len(data) // 2]
        elif fault == "garble":
            data = bytes(b ^ 0x5A for b in data)
        elif fault == "stall":
            self.served.stalled.set()
            self.served.release.wait(30)
        self.served.requests.append((self.path, len(data)))
        outputfile.write(data)


@dataclass
class Feed:
    root: Path                     # the project (a git repository)
    site: Path
    url: str
    served: Served
    pinned: Path                   # trust/1.root.json


@pytest.fixture
def feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Feed]:
    root, keys = make_signed_project(tmp_path)
    monkeypatch.setenv("TTHC_KEYS_DIR", str(keys))
    site = tmp_path / "site"
    build(root, site)
    yield from _served(root, site)


def _served(root: Path, site: Path) -> Iterator[Feed]:
    """The built feed of `root`, served on 127.0.0.1 while the caller runs."""
    served = Served()
    handler = type("Handler", (_Counting,), {"served": served})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(site / API)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Feed(root, site, f"http://127.0.0.1:{server.server_address[1]}/", served,
                   root / "trust/1.root.json")
    finally:
        server.shutdown()
        server.server_close()


def _sync(state: Path, *args: str) -> int:
    return main(["sync", *args, "--dir", str(state)])


def _mirror(state: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(state / "mirror.sqlite") as db:
        return db.execute("SELECT type, id, sha256, tombstone, seq FROM tthc_documents "
                          "ORDER BY type, id").fetchall()


def _target_name(request: str) -> str:
    """`/targets/records/a/<sha256>.x.json` → `records/a/x.json`."""
    folder, _, name = request.removeprefix("/targets/").rpartition("/")
    return (folder + "/" if folder else "") + name.split(".", 1)[1]


def _init(feed: Feed, state: Path, scope: str = "all") -> None:
    assert _sync(state, "init", "--root", str(feed.pinned), "--url", feed.url,
                 "--scope", scope) == 0


def test_first_sync_mirrors_the_scope_and_verify_agrees(feed: Feed, tmp_path: Path) -> None:
    state = tmp_path / "portal"
    _init(feed, state, "tinh-binh-thuan")
    assert _sync(state, "run") == 0
    rows = _mirror(state)
    assert {(r[0], r[1]) for r in rows} == {
        ("procedure", "1.013124"), ("procedure", "2.000815"),
        ("decision", "bo-quoc-phong/2024/6225-qd-bqp"), ("decision", "bo-tu-phap/2025/3152-qd-btp"),
        ("decision", "tinh-binh-thuan/2020/1766-qd-ubnd")}
    assert _sync(state, "verify") == 0
    with sqlite3.connect(state / "mirror.sqlite") as db:
        db.execute("UPDATE tthc_documents SET body = replace(body, 'Bộ', 'Sở') "
                   "WHERE id = '2.000815'")
    assert _sync(state, "verify") == 1                 # a mirror edited locally is caught


def test_an_incremental_sync_fetches_only_what_changed(feed: Feed, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "portal"
    _init(feed, state)
    assert _sync(state, "run") == 0
    first = feed.served.bytes
    before = dict((r[1], r) for r in _mirror(state))
    procedure = feed.root / "content/procedures/bo-quoc-phong/1.013124.yaml"
    procedure.write_text(procedure.read_text("utf-8") + "tu_khoa:\n  - tràn dầu\n", "utf-8")
    git(feed.root, "commit", "-q", "-am", "keyword", when=THIRD_COMMIT)
    build(feed.root, feed.site)
    feed.served.requests.clear()
    assert _sync(state, "run") == 0
    assert "gia tăng: 1 tài liệu" in capsys.readouterr().out
    after = dict((r[1], r) for r in _mirror(state))
    assert after["1.013124"][2] != before["1.013124"][2]     # the amended record
    assert {k: v for k, v in after.items() if k != "1.013124"} == \
        {k: v for k, v in before.items() if k != "1.013124"}
    fetched = sorted(_target_name(p) for p, _ in feed.served.requests if "/targets/" in p)
    # the root document, the head page of the change log, the one changed record: no index,
    # no other record (with 5 records the signed metadata outweighs them; bench/feeds.py
    # measures 10,000)
    assert fetched == ["changes/000001.json", "index.json", "records/bo-quoc-phong/1.013124.json"]
    assert first > 0
    assert _sync(state, "verify") == 0


def test_a_tampered_record_is_refused_and_the_next_good_run_recovers(
        feed: Feed, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "portal"
    _init(feed, state)
    records = sorted((feed.site / API / "targets/records/bo-tu-phap").glob("*.json"))
    original = records[0].read_bytes()
    tampered = original.replace(b'"ma":"2.000815"', b'"ma":"2.000816"')   # same length
    assert tampered != original
    records[0].write_bytes(tampered)
    assert _sync(state, "run") == 1
    assert "mã băm" in capsys.readouterr().err
    assert _mirror(state) == []                         # nothing applied
    records[0].write_bytes(original)
    assert _sync(state, "run") == 0 and len(_mirror(state)) == 5


def test_a_rolled_back_feed_is_refused(feed: Feed, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "portal"
    _init(feed, state)
    old = tmp_path / "old-metadata"
    shutil.copytree(feed.site / API / "metadata", old)
    assert _sync(state, "run") == 0
    procedure = feed.root / "content/procedures/bo-quoc-phong/1.013124.yaml"
    procedure.write_text(procedure.read_text("utf-8") + "tu_khoa:\n  - tràn dầu\n", "utf-8")
    git(feed.root, "commit", "-q", "-am", "keyword", when=THIRD_COMMIT)
    build(feed.root, feed.site)
    assert _sync(state, "run") == 0
    good = _mirror(state)
    shutil.copy(old / "timestamp.json", feed.site / API / "metadata/timestamp.json")
    assert _sync(state, "run") == 1
    assert "quay lui" in capsys.readouterr().err
    assert _mirror(state) == good


def test_a_development_feed_is_not_mirrored_by_default(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "project")
    build(root, tmp_path / "site")
    state = tmp_path / "portal"
    handler = functools.partial(_Counting, directory=str(tmp_path / "site" / API))
    _Counting.served = Served()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        assert _sync(state, "init", "--root", str(tmp_path / "site" / API / "metadata/1.root.json"),
                     "--url", url) == 0
        assert _sync(state, "run") == 1
        assert "phát triển" in capsys.readouterr().err
        assert main(["sync", "run", "--dir", str(state), "--allow-development"]) == 0
    finally:
        server.shutdown()
        server.server_close()
    status = json.loads(_status(state, capsys))
    assert status["documents"] == 5 and status["sequence"] > 0


def _status(state: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert _sync(state, "status") == 0
    return capsys.readouterr().out


def _amend(feed: Feed) -> None:
    """Commit a change to 1.013124 and rebuild: the next feed version."""
    procedure = feed.root / "content/procedures/bo-quoc-phong/1.013124.yaml"
    procedure.write_text(procedure.read_text("utf-8") + "tu_khoa:\n  - tràn dầu\n", "utf-8")
    git(feed.root, "commit", "-q", "-am", "keyword", when=THIRD_COMMIT)
    build(feed.root, feed.site)


def _synced(feed: Feed, tmp_path: Path) -> tuple[Path, list[tuple[Any, ...]]]:
    state = tmp_path / "portal"
    _init(feed, state)
    assert _sync(state, "run") == 0
    return state, _mirror(state)


@pytest.mark.parametrize(("where", "fault", "says"), [
    ("/targets/index/", "garble", "mã băm"),           # a forged index
    ("/targets/records/bo-tu-phap/", "truncate", ""),  # a truncated response
    ("/targets/decisions/", "500", "tải"),             # a server error
    ("/metadata/timestamp.json", "garble", ""),        # garbled metadata
])
def test_a_fault_on_the_first_sync_applies_nothing(feed: Feed, tmp_path: Path, where: str,
                                                   fault: str, says: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "portal"
    _init(feed, state)
    feed.served.faults[where] = fault
    assert _sync(state, "run") == 1
    error = capsys.readouterr().err
    assert says in error and "giữ nguyên" in error
    assert _mirror(state) == []
    feed.served.faults.clear()
    assert _sync(state, "run") == 0 and len(_mirror(state)) == 5


def test_a_frozen_feed_is_refused_until_it_is_signed_again(
        feed: Feed, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.feeds.signing import _read_key
    from generator.feeds.trust import refresh_timestamp

    state, good = _synced(feed, tmp_path)
    keys = Path(os.environ["TTHC_KEYS_DIR"])
    refresh_timestamp(feed.site / API / "metadata", _read_key(keys / "timestamp.pem"),
                      datetime.now(UTC) - timedelta(days=10))     # expired 8 days ago
    assert _sync(state, "run") == 1
    assert "hết hạn" in capsys.readouterr().err and _mirror(state) == good
    assert main(["sign", "--refresh", "--out", str(feed.site)]) == 0
    assert _sync(state, "run") == 0


def test_mixed_versions_are_refused(feed: Feed, tmp_path: Path) -> None:
    state, _ = _synced(feed, tmp_path)
    _amend(feed)
    metadata = feed.site / API / "metadata"
    stamp = json.loads((metadata / "timestamp.json").read_bytes())["signed"]
    version = stamp["meta"]["snapshot.json"]["version"]
    new = metadata / f"{version}.bo-quoc-phong.json"
    old = next(p for p in metadata.glob("*.bo-quoc-phong.json") if p != new)  # the state before
    saved = new.read_bytes()
    new.write_bytes(old.read_bytes())     # the agency role of the previous state, validly signed
    before = _mirror(state)
    assert _sync(state, "run") == 1 and _mirror(state) == before
    new.write_bytes(saved)
    assert _sync(state, "run") == 0


def test_metadata_signed_by_another_key_is_refused(feed: Feed, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from securesystemslib.signer import CryptoSigner, SSlibKey
    from tuf.api.metadata import Metadata

    state, good = _synced(feed, tmp_path)
    stamp = feed.site / API / "metadata/timestamp.json"
    original = stamp.read_bytes()
    forged = Metadata.from_bytes(original)
    forged.signed.version += 1
    intruder = Ed25519PrivateKey.generate()
    forged.signatures.clear()
    forged.sign(CryptoSigner(intruder, SSlibKey.from_crypto(intruder.public_key())))
    stamp.write_bytes(forged.to_bytes())
    assert _sync(state, "run") == 1 and _mirror(state) == good
    stamp.write_bytes(original)
    assert _sync(state, "run") == 0


def test_a_sync_killed_while_applying_leaves_the_last_good_state(feed: Feed,
                                                                 tmp_path: Path) -> None:
    state, good = _synced(feed, tmp_path)
    _amend(feed)
    feed.served.faults["/targets/records/bo-quoc-phong/"] = "stall"
    command = [sys.executable, "-m", "generator", "sync", "run", "--dir", str(state)]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert feed.served.stalled.wait(30), "the sync never asked for the changed record"
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        feed.served.release.set()
        if child.poll() is None:
            child.kill()
    assert _mirror(state) == good                      # the transaction never committed
    feed.served.faults.clear()
    assert _sync(state, "run") == 0 and _mirror(state) != good
    assert _sync(state, "verify") == 0


def test_a_mirror_follows_a_key_rotation_and_the_old_keys_stop_working(
        feed: Feed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.feeds.signing import _read_key
    from generator.feeds.trust import TrustError, refresh_timestamp

    state, _ = _synced(feed, tmp_path)
    old = Path(os.environ["TTHC_KEYS_DIR"])
    new = tmp_path / "keys-2"
    assert main(["keys", "rotate", "--old-dir", str(old), "--dir", str(new),
                 "--root", str(feed.root)]) == 0
    assert (feed.root / "trust/2.root.json").is_file()
    git(feed.root, "add", "trust")
    git(feed.root, "commit", "-q", "-m", "rotate keys", when=THIRD_COMMIT)
    monkeypatch.setenv("TTHC_KEYS_DIR", str(new))
    build(feed.root, feed.site)
    assert _sync(state, "run") == 0                    # pinned to root 1, follows root 2
    metadata = feed.site / API / "metadata"
    assert json.loads((state / "metadata/root.json").read_bytes())["signed"]["version"] == 2
    with pytest.raises(TrustError):                    # the publisher refuses the old key
        refresh_timestamp(metadata, _read_key(old / "timestamp.pem"), datetime.now(UTC))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from securesystemslib.signer import CryptoSigner, SSlibKey
    from tuf.api.metadata import Metadata

    stamp = metadata / "timestamp.json"
    good = stamp.read_bytes()
    forged = Metadata.from_bytes(good)
    forged.signed.version += 1
    forged.signatures.clear()
    retired = _read_key(old / "timestamp.pem")
    assert isinstance(retired, Ed25519PrivateKey)
    forged.sign(CryptoSigner(retired, SSlibKey.from_crypto(retired.public_key())))
    stamp.write_bytes(forged.to_bytes())               # signed with the retired key
    before = _mirror(state)
    assert _sync(state, "run") == 1 and _mirror(state) == before
    stamp.write_bytes(good)
    assert _sync(state, "run") == 0


def test_an_agency_key_cannot_sign_another_agencys_records(feed: Feed, tmp_path: Path) -> None:
    """bo-tu-phap's own key signs its role listing a forged record of bo-quoc-phong: the
    mirror still gets the record bo-quoc-phong's role signed."""
    from securesystemslib.signer import CryptoSigner, SSlibKey
    from tuf.api.metadata import Metadata, TargetFile

    from generator.feeds.signing import _read_key

    state = tmp_path / "portal"
    _init(feed, state)
    metadata = feed.site / API / "metadata"
    version = json.loads((metadata / "timestamp.json").read_bytes())[
        "signed"]["meta"]["snapshot.json"]["version"]
    role_file = metadata / f"{version}.bo-tu-phap.json"
    role = Metadata.from_bytes(role_file.read_bytes())
    forged = b'{"id":"1.013124","data":{"ten":"forged"}}\n'
    target = "records/bo-quoc-phong/1.013124.json"
    role.signed.targets[target] = TargetFile.from_data(target, forged, ["sha256"])
    folder = feed.site / API / "targets/records/bo-quoc-phong"
    (folder / f"{role.signed.targets[target].hashes['sha256']}.1.013124.json").write_bytes(forged)
    key = _read_key(Path(os.environ["TTHC_KEYS_DIR"]) / "agency-bo-tu-phap.pem")
    role.signatures.clear()
    role.sign(CryptoSigner(key, SSlibKey.from_crypto(key.public_key())))  # type: ignore[arg-type]
    role_file.write_bytes(role.to_bytes())
    assert _sync(state, "run") == 0
    with sqlite3.connect(state / "mirror.sqlite") as db:
        body = db.execute("SELECT body FROM tthc_documents WHERE id = '1.013124'").fetchone()[0]
    assert "forged" not in body and json.loads(body)["agency"] == "bo-quoc-phong"


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    from pg_server import postgres_server

    (tmp_path / "pg").mkdir()
    with postgres_server(tmp_path / "pg") as url:
        yield url


def _pg_rows(url: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute("SELECT type, id, sha256, tombstone, seq FROM tthc_documents "
                          "ORDER BY type, id").fetchall()


def test_a_mirror_in_postgresql_syncs_and_keeps_its_state_on_failure(
        feed: Feed, tmp_path: Path, pg_url: str) -> None:
    state = tmp_path / "portal"
    assert _sync(state, "init", "--root", str(feed.pinned), "--url", feed.url,
                 "--db", pg_url) == 0
    assert _sync(state, "run") == 0
    first = _pg_rows(pg_url)
    assert len(first) == 5
    _amend(feed)
    feed.served.faults["/targets/records/"] = "garble"
    assert _sync(state, "run") == 1 and _pg_rows(pg_url) == first
    feed.served.faults.clear()
    assert _sync(state, "run") == 0
    after = {r[1]: r for r in _pg_rows(pg_url)}
    assert after["1.013124"][2] != {r[1]: r for r in first}["1.013124"][2]
    assert after["1.013124"][4] > 0                   # applied from the change log
    assert _sync(state, "verify") == 0


def test_a_mirror_switches_to_the_new_text_on_the_day_it_takes_effect(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A decision announced ahead (tests/timeline_project.py): synced before, the portal
    holds the text in force and the text to come; synced on the day, the new text, the
    abolished procedure as a tombstone."""
    from timeline_project import ABOLISHED, AMENDED, EFFECTIVE, make_timeline_project

    root = make_timeline_project(tmp_path / "project")
    keys = tmp_path / "keys"
    assert main(["keys", "init", "--dir", str(keys), "--root", str(root)]) == 0
    git(root, "add", "trust")
    git(root, "commit", "-q", "-m", "trust root", when="2026-05-05T08:00:00+07:00")
    monkeypatch.setenv("TTHC_KEYS_DIR", str(keys))
    site = tmp_path / "site"
    build(root, site, as_of="2026-06-05")
    state = tmp_path / "portal"
    for feed in _served(root, site):
        _init(feed, state)
        assert _sync(state, "run") == 0
        before = _body(state, AMENDED)
        assert before["upcoming"]["effective_from"] == EFFECTIVE
        assert _fee(before["data"]) == 2000 and _fee(before["upcoming"]["data"]) == 3000
        build(root, site, as_of=EFFECTIVE)
        assert _sync(state, "run") == 0
        after = _body(state, AMENDED)
        assert _fee(after["data"]) == 3000 and after["upcoming"] is None
        tombstones = {r[1]: r[3] for r in _mirror(state) if r[3]}
        assert tombstones == {ABOLISHED: "bai_bo", "2.000102": "thay_the"}
        assert _sync(state, "verify") == 0


def _body(state: Path, code: str) -> Any:
    with sqlite3.connect(state / "mirror.sqlite") as db:
        [(body,)] = db.execute("SELECT body FROM tthc_documents WHERE id = ?", (code,))
    return json.loads(body)


def _fee(data: Any) -> Any:
    return data["cach_thuc_thuc_hien"][0]["phi_le_phi"][0]["so_tien"]
