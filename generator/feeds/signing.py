"""Sign a build's feed: TUF metadata beside the targets (trust.py), with the keys of a key
directory named by the environment, or a throw-away development key.

Keys never live in the repository. `TTHC_KEYS_DIR` names a directory of PEM files (what
`tthc keys init` writes, outside the repository; CI writes its secrets there), and the
public root metadata that portals pin is committed under `trust/` (`<n>.root.json`), so
that every build extends the same chain of roots. Without `TTHC_KEYS_DIR` the build signs
with a development key derived from a fixed, public seed: the output is reproducible and
marked `"development": true`, and no portal may mirror it. `tthc build --require-keys`
(the publishing job) refuses to fall back to it.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import checkpoint, paths
from .feed import Feed
from .history import History
from .trust import (
    TARGETS_EXPIRY,
    TIMESTAMP_EXPIRY,
    Keys,
    PrivateKey,
    TrustError,
    publish,
    refresh_timestamp,
)

KEYS_ENV = "TTHC_KEYS_DIR"
KEYS_JSON_ENV = "TTHC_KEYS"         # CI: the key directory as one secret, {file name: PEM}
TRUST_FOLDER = "trust"             # the public root metadata, committed
DEV_SEED = b"tthc development key, public, never trust it: "
CHECKPOINT_KEYS = ("checkpoint-ed25519.pem", "checkpoint-p256.pem")
DAYS_PER_COMMIT = 1000             # version = commits × 1000 + days since the commit


def key_folder() -> Path | None:
    """The key directory: `TTHC_KEYS_DIR`, or `TTHC_KEYS` (a CI secret holding the whole
    directory as JSON, file name → PEM text) written to a private temporary directory."""
    if os.environ.get(KEYS_ENV):
        return Path(os.environ[KEYS_ENV])
    packed = os.environ.get(KEYS_JSON_ENV)
    if not packed:
        return None
    try:
        files = json.loads(packed)
        assert isinstance(files, dict) and files
    except (ValueError, AssertionError):
        raise TrustError(f"{KEYS_JSON_ENV}: không phải JSON {{tên tệp: khóa PEM}} như thư mục "
                         "khóa của `tthc keys init`") from None
    folder = Path(tempfile.mkdtemp(prefix="tthc-keys-"))      # mode 0700
    atexit.register(shutil.rmtree, folder, True)              # keys never outlive the run
    for name, pem in files.items():
        if "/" in name or name.startswith("."):
            raise TrustError(f"{KEYS_JSON_ENV}: tên tệp khóa không hợp lệ {name!r}")
        descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(str(pem))
    return folder


def development_key(role: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(DEV_SEED + role.encode()).digest())


def development_keys(agencies: list[str]) -> Keys:
    return Keys(root=[development_key("root")], targets=development_key("targets"),
                snapshot=development_key("snapshot"), timestamp=development_key("timestamp"),
                agencies={a: development_key("agency/" + a) for a in agencies})


def load_keys(folder: Path, agencies: list[str]) -> Keys:
    """The keys of a key directory (`root-*.pem`, `targets.pem`, `snapshot.pem`,
    `timestamp.pem`, `agency-<id>.pem`); a missing file is named in the error."""
    roots = sorted(folder.glob("root-*.pem"))
    return Keys(root=[_read_key(p) for p in roots], targets=_read_key(folder / "targets.pem"),
                snapshot=_read_key(folder / "snapshot.pem"),
                timestamp=_read_key(folder / "timestamp.pem"),
                agencies={a: _read_key(folder / f"agency-{a}.pem") for a in agencies})


def _read_key(path: Path) -> PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise TrustError(f"{path}: không đọc được khóa ký ({exc}); tạo khóa bằng "
                         f"`tthc keys init` hoặc kiểm tra biến môi trường {KEYS_ENV}") from None
    return key  # type: ignore[return-value]


@dataclass
class Signing:
    keys: Keys                                     # TUF roles
    checkpoint: list[tuple[str, PrivateKey]]       # (kid, key): Ed25519 and P-256
    development: bool


def signing_keys(agencies: list[str], require: bool) -> Signing:
    """The keys of `TTHC_KEYS_DIR`, else the development keys (unless `require`)."""
    folder = key_folder()
    if folder:
        keys = load_keys(Path(folder), agencies)
        pair = [_read_key(Path(folder) / name) for name in CHECKPOINT_KEYS]
        return Signing(keys, [(checkpoint.key_id(k), k) for k in pair], False)
    if require:
        raise TrustError(f"thiếu khóa ký: đặt {KEYS_ENV} là thư mục khóa (tạo bằng "
                         "`tthc keys init`), hoặc bỏ --require-keys để dựng với khóa phát triển")
    return Signing(development_keys(agencies), checkpoint.vector_keys("development feed"), True)


def sign_feed(feed: Feed, history: History, root: Path, staging: Path, out: Path,
              signing: Signing) -> int:
    """Write the TUF metadata of this build into `staging`; returns the version signed.

    The previous build's state is carried over (a portal that read the old timestamp a
    moment ago still finds what it points to), the committed roots are copied in, and the
    version is the number of commits on the main line, raised past the published one when
    this build's targets differ from it (a local rebuild, another --as-of).
    """
    keys, development = signing.keys, signing.development
    metadata = staging / paths.METADATA
    metadata.mkdir(parents=True, exist_ok=True)
    for path in _carried_over(out / paths.METADATA):
        shutil.copyfile(path, metadata / path.name)
    if not development:
        for path in sorted((root / TRUST_FOLDER).glob("*.root.json")):
            shutil.copyfile(path, metadata / path.name)
        if not (metadata / "1.root.json").is_file():
            raise TrustError(f"{root / TRUST_FOLDER}: chưa có 1.root.json; tạo bằng "
                             "`tthc keys init` và commit thư mục trust/")
    when = _signing_time(root, history, feed)
    version = _version(root, history, metadata, feed)
    # a development feed is never trusted: its timestamp lasts as long as its targets, so
    # that the same commit always signs the same bytes and a local mirror can follow it
    publish(staging / paths.TARGETS, metadata, feed.targets, keys, version, when,
            write_targets=False,
            timestamp_expiry=TARGETS_EXPIRY if development else TIMESTAMP_EXPIRY)
    issued = when
    if not development:               # the timestamp must be fresh now, whatever the commit
        issued = datetime.now(UTC).replace(microsecond=0)
        refresh_timestamp(metadata, keys.timestamp, issued)
    _write_checkpoint(feed, staging / paths.FEED, signing, version, issued, when)
    return version


def _write_checkpoint(feed: Feed, folder: Path, signing: Signing, version: int,
                      issued: datetime, signed_at: datetime) -> None:
    """The JWS checkpoint (docs/checkpoint.md), its public keys and the test vectors."""
    pinned = {t: d for t, d in feed.digests.items()
              if t.startswith("index/") or t in ("index.json", feed.head_page)}
    lifetime = TARGETS_EXPIRY if signing.development else TIMESTAMP_EXPIRY
    payload = checkpoint.make_payload(version, feed.sequence, issued, issued + lifetime,
                                      pinned, signing.development)
    (folder / "checkpoint.jws.json").write_bytes(
        checkpoint.dumps(checkpoint.sign(payload, signing.checkpoint)))
    (folder / "checkpoint-keys.json").write_bytes(
        checkpoint.canonical_json(checkpoint.jwks([k for _, k in signing.checkpoint])) + b"\n")
    checkpoint.write_test_vectors(folder / "test-vectors", signed_at)


def _carried_over(published: Path) -> list[Path]:
    """What a rebuild keeps of the published metadata: every root (a client may be several
    rotations behind) and the state the current timestamp points to, so that a portal
    in the middle of an update still finds it. Older states are dropped: each one is a
    full set of role files."""
    stamp = published / "timestamp.json"
    if not stamp.is_file():
        return []
    try:
        version = json.loads(stamp.read_bytes())["signed"]["meta"]["snapshot.json"]["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return sorted([*published.glob("*.root.json"), *published.glob(f"{version}.*.json"), stamp])


def _signing_time(root: Path, history: History, feed: Feed) -> datetime:
    """The later of the commit's time and the start of the build date (UTC): the same
    commit built for the same date signs the same bytes, and a daily build of an old commit
    still gets targets that expire a year after it."""
    start = datetime.combine(_as_of(feed), time(0, 0), tzinfo=UTC)
    if history.head:
        stamp = subprocess.run(["git", "-C", str(root), "show", "-s", "--format=%cI",
                                history.head], capture_output=True, text=True, check=True)
        return max(start, datetime.fromisoformat(stamp.stdout.strip()).astimezone(UTC))
    return start


def _as_of(feed: Feed) -> date:
    return date.fromisoformat(json.loads(feed.root)["as_of"])


def _version(root: Path, history: History, metadata: Path, feed: Feed) -> int:
    """Monotonic on the main line and from day to day: 1,000 × the commits on the main line
    (+1 for uncommitted changes) plus the days from the commit to the build date, so that
    the daily build that switches a status by date publishes a newer version even on a
    runner that has never seen the previous one."""
    count, committed = 1, _as_of(feed)
    if history.head:
        done = subprocess.run(["git", "-C", str(root), "rev-list", "--first-parent", "--count",
                               history.head], capture_output=True, text=True, check=True)
        count = int(done.stdout.strip())
        stamp = subprocess.run(["git", "-C", str(root), "show", "-s", "--format=%cs",
                                history.head], capture_output=True, text=True, check=True)
        committed = date.fromisoformat(stamp.stdout.strip())
    if any(c.commit is None for c in history.changes):
        count += 1                     # uncommitted changes: a state after the commit
    count = count * DAYS_PER_COMMIT + min(DAYS_PER_COMMIT - 1,
                                          max(0, (_as_of(feed) - committed).days))
    published = _published(metadata)
    if published is None:
        return count
    version, targets, signer_is_current = published
    if count > version or (count == version and targets == feed.digests and signer_is_current):
        return count
    return version + 1     # other targets, or keys rotated since: a new version


def _published(metadata: Path) -> tuple[int, dict[str, str], bool] | None:
    """The published snapshot's version, every target's SHA-256, and whether its snapshot
    key is still the one the newest root names (False after `tthc keys rotate`)."""
    from tuf.api.metadata import (  # type: ignore[attr-defined]
        Metadata,
        Root,
        Snapshot,
        Targets,
        Timestamp,
    )

    stamp = metadata / "timestamp.json"
    if not stamp.is_file():
        return None
    version = Metadata[Timestamp].from_bytes(stamp.read_bytes()).signed.snapshot_meta.version
    snapshot = Metadata[Snapshot].from_bytes((metadata / f"{version}.snapshot.json").read_bytes())
    targets: dict[str, str] = {}
    for name, meta in snapshot.signed.meta.items():
        role = Metadata[Targets].from_bytes(
            (metadata / f"{meta.version}.{name}").read_bytes()).signed
        targets.update({path: info.hashes["sha256"] for path, info in role.targets.items()})
    roots = sorted(metadata.glob("*.root.json"), key=lambda p: int(p.name.split(".")[0]))
    newest = Metadata[Root].from_bytes(roots[-1].read_bytes()).signed if roots else None
    current = newest is not None and set(snapshot.signatures) <= set(
        newest.roles["snapshot"].keyids)
    return version, targets, current


def refresh(site: Path, now: datetime | None = None) -> tuple[int, str]:
    """Re-sign the published timestamp and checkpoint of `site` with fresh expiries (what a
    timer runs between builds, so that portals never see a frozen feed). Needs the keys
    of `TTHC_KEYS_DIR`; returns the new timestamp version and the checkpoint's expiry."""
    folder = key_folder()
    if not folder:
        raise TrustError(f"thiếu khóa ký: đặt {KEYS_ENV} là thư mục khóa để ký lại")
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    feed = site / paths.FEED
    stamp = refresh_timestamp(site / paths.METADATA, _read_key(Path(folder) / "timestamp.pem"),
                              now)
    pair = [_read_key(Path(folder) / name) for name in CHECKPOINT_KEYS]
    try:
        jws = json.loads((feed / "checkpoint.jws.json").read_bytes())
        text = jws["payload"]
        payload = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TrustError(f"{feed / 'checkpoint.jws.json'}: không đọc được ({exc}); dựng lại "
                         "bằng `tthc build`") from None
    fresh = checkpoint.make_payload(payload["version"], payload["sequence"], now,
                                    now + TIMESTAMP_EXPIRY, payload["indexes"],
                                    payload["development"])
    (feed / "checkpoint.jws.json").write_bytes(
        checkpoint.dumps(checkpoint.sign(fresh, [(checkpoint.key_id(k), k) for k in pair])))
    return stamp, fresh["expires_at"]
