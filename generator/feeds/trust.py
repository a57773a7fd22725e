"""TUF repository metadata for the feeds: who may sign which feed file, and until when.

A plain signature does not stop a mirror from replaying an old feed; TUF does, and
`tuf.ngclient` is the client that checks it. This module is the publishing side: it turns
the feed files of one build into a TUF repository with consistent snapshots, re-signs the
timestamp on a timer (`refresh_timestamp`) and rotates keys in-band (`rotate_root`).

Roles. `root` pins the keys of every top-level role. `targets` signs the national files
(`index/`, `changes/`, `root.json`, `schemas/` …) and delegates, one role per agency (role
name = agency id), the patterns of `delegated_paths`: `records/<agency>/…` and
`decisions/<agency>/…`, one or two folders deep (TUF's `*` never crosses a `/`). The
delegations are terminating, so a key of `bo-cong-an` can sign nothing a client would
accept under `records/tinh-lam-dong/`. `snapshot` pins the version of every targets role
(mix-and-match), `timestamp` pins the snapshot and expires soon (freeze).

Layout written (consistent snapshots, what `tuf.ngclient.Updater` fetches):

    <targets_dir>/<folder>/<sha256>.<name>     every target file, content-addressed
    <metadata_dir>/<n>.root.json               every root version, never removed
    <metadata_dir>/<v>.targets.json            top-level targets
    <metadata_dir>/<v>.<agency>.json           one per delegated agency role
    <metadata_dir>/<v>.snapshot.json
    <metadata_dir>/timestamp.json              the only file rewritten in place

No unversioned `root.json` is written: ngclient walks `<n+1>.root.json` from the root it
was bootstrapped with and never asks for `root.json`; a mutable `root.json` would only
invite portals to "pin" a root fetched over the very channel it must protect (they are
given `1.root.json`, or a later one, out of band). Nothing is ever deleted: a client that
read the previous `timestamp.json` a second ago still finds the files it points to.

Versions. The caller passes `version` (e.g. the commit count); targets, every agency role
and snapshot carry it, and so does the timestamp unless a refresh already went past it,
in which case the timestamp takes the next number. Versioned files are immutable: a
publish that would rewrite one with other bytes is refused. Root starts at 1 and only
`rotate_root` raises it, which is also how a root nearing expiry is renewed (same keys).

Same keys, `version` and `now` in an empty folder give the same bytes: metadata is compact
JSON with sorted keys and Ed25519 signatures are deterministic (ECDSA P-256 keys are
accepted too, but their signatures are randomised). Writes go targets first, timestamp
last, each file atomically, so a client never sees a pointer to a missing file.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.signer import CryptoSigner, SSlibKey  # type: ignore[attr-defined]
from tuf.api.metadata import (  # type: ignore[attr-defined]
    DelegatedRole,
    Delegations,
    Key,
    Metadata,
    MetaFile,
    Root,
    Signed,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization import DeserializationError
from tuf.api.serialization.json import JSONSerializer

# The two `type: ignore`s: these are the documented import paths, but the packages re-export
# the names without `__all__`, which mypy --strict reports; the types are still checked.

PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey

TOP_LEVEL_ROLES = ("root", "targets", "snapshot", "timestamp")
AGENCY_KINDS = ("records", "decisions")
ROOT_EXPIRY = timedelta(days=365)
TARGETS_EXPIRY = timedelta(days=365)
TIMESTAMP_EXPIRY = timedelta(days=2)

_AGENCY_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SEGMENT = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*")
_ROOT_FILE = re.compile(r"([1-9][0-9]*)\.root\.json")
_SERIALIZER = JSONSerializer(compact=True)
_S = TypeVar("_S", Root, Timestamp, Snapshot, Targets)


class TrustError(Exception):
    """The metadata asked for cannot be produced, or clients would refuse it; says why."""


@dataclass
class Keys:
    """Private keys by TUF role; agencies maps agency id -> its delegated role's key.

    `root` may be empty for `publish` once the root exists: the root keys stay offline
    and are only needed to create the first root and by `rotate_root`.
    """

    root: list[PrivateKey]
    targets: PrivateKey
    snapshot: PrivateKey
    timestamp: PrivateKey
    agencies: dict[str, PrivateKey] = field(default_factory=dict)
    root_threshold: int = 1

    @classmethod
    def generate(cls, agencies: Iterable[str] = (), root_count: int = 1) -> Keys:
        """Fresh Ed25519 keys for every role: throw-away development keys and tests."""
        new = Ed25519PrivateKey.generate
        return cls(
            root=[new() for _ in range(root_count)],
            targets=new(), snapshot=new(), timestamp=new(),
            agencies={agency: new() for agency in agencies},
        )


def agency_of_path(target_path: str) -> str | None:
    """The agency whose delegated role signs `target_path`; None for a national file."""
    parts = target_path.split("/")
    if len(parts) >= 3 and parts[0] in AGENCY_KINDS:
        return parts[1]
    return None


def delegated_paths(agency: str) -> list[str]:
    """Path patterns an agency's role may sign: `records/<a>/x`, `decisions/<a>/2025/x` …"""
    return [f"{kind}/{agency}/{'*/' * depth}*" for kind in AGENCY_KINDS for depth in (0, 1)]


def publish(
    targets_dir: Path,
    metadata_dir: Path,
    files: dict[str, bytes] | None,
    keys: Keys,
    version: int,
    now: datetime,
    *,
    targets_expiry: timedelta = TARGETS_EXPIRY,
    timestamp_expiry: timedelta = TIMESTAMP_EXPIRY,
    root_expiry: timedelta = ROOT_EXPIRY,
    agency_of: Callable[[str], str | None] = agency_of_path,
    write_targets: bool = True,
) -> None:
    """Write `files` (target path -> bytes, all the targets of this publish) and their
    metadata at `version`; create root version 1 from `keys` if `metadata_dir` has none.

    `files=None` re-signs the targets already published (new expiries, changed agency
    keys) without their bytes, which stay where they are in `targets_dir`.
    `write_targets=False`: the caller has written the target files itself (the build
    writes only those not published yet); only metadata is written.
    """
    now = _utc(now)
    if version < 1:
        raise TrustError(f"version must be a positive integer, not {version}")
    if files is None:
        infos, _ = _published_targets(metadata_dir)
    else:
        _check_paths(files)
        infos = {path: TargetFile.from_data(path, data, ["sha256"]) for path, data in files.items()}
    existing = _newest_root(metadata_dir)
    root = existing or _new_root(keys, 1, now + root_expiry)
    _check_root(root.signed, keys, now)
    previous = _published_version(metadata_dir)
    if previous is not None and version < previous:
        raise TrustError(
            f"version {version} is lower than the published version {previous}: clients "
            "would refuse it as a rollback; pass a higher version"
        )
    metadata = _sign_repository(
        metadata_dir, infos, keys, version, now, targets_expiry, timestamp_expiry, agency_of,
    )
    blobs = ({_stored_path(targets_dir, infos[path]): data
              for path, data in (files or {}).items()} if write_targets else {})
    if existing is None:
        blobs[metadata_dir / "1.root.json"] = _signed_bytes(root, keys.root)
    _write_all(blobs | metadata)


def initial_root(keys: Keys, now: datetime, expiry: timedelta = ROOT_EXPIRY) -> bytes:
    """Root version 1 for `keys`, signed by the root keys: what `tthc keys init` commits
    under trust/ and what portals pin."""
    return _signed_bytes(_new_root(keys, 1, _utc(now) + expiry), keys.root)


def next_root(current: Path, old_keys: Keys, new_keys: Keys, now: datetime,
              expiry: timedelta = ROOT_EXPIRY) -> tuple[int, bytes]:
    """The successor of the root in `current`, listing only `new_keys` and signed by the old
    root keys and the new ones (clients pinned to the old root follow it, and the old keys
    stop working): what `tthc keys rotate` commits under trust/. Returns (version, bytes)."""
    root = _read(current, Root).signed
    _check_old_root_keys(root, old_keys)
    successor = _new_root(new_keys, root.version + 1, _utc(now) + expiry)
    return root.version + 1, _signed_bytes(successor, _unique([*old_keys.root, *new_keys.root]))


def refresh_timestamp(
    metadata_dir: Path, key: PrivateKey, now: datetime, expiry: timedelta = TIMESTAMP_EXPIRY,
) -> int:
    """Re-sign `timestamp.json` one version higher with a new expiry, nothing else
    changing (the daily job that keeps portals from seeing a frozen feed); returns it."""
    now = _utc(now)
    root = _newest_root(metadata_dir)
    path = metadata_dir / "timestamp.json"
    if root is None or not path.exists():
        raise TrustError(f"{metadata_dir}: nothing published yet, so no timestamp to refresh")
    _check_role_key(root.signed, "timestamp", key)
    _check_not_expired(root.signed, "root", now)
    timestamp = _read(path, Timestamp)
    snapshot_version = timestamp.signed.snapshot_meta.version
    _check_not_expired(_read(metadata_dir / f"{snapshot_version}.snapshot.json", Snapshot).signed,
                       f"snapshot v{snapshot_version}", now)
    timestamp.signed.version += 1
    timestamp.signed.expires = now + expiry
    _write_all({path: _signed_bytes(timestamp, [key])})
    return timestamp.signed.version


def rotate_root(
    metadata_dir: Path,
    old_keys: Keys,
    new_keys: Keys,
    now: datetime,
    *,
    version: int | None = None,
    root_expiry: timedelta = ROOT_EXPIRY,
    targets_expiry: timedelta = TARGETS_EXPIRY,
    timestamp_expiry: timedelta = TIMESTAMP_EXPIRY,
    agency_of: Callable[[str], str | None] = agency_of_path,
) -> int:
    """Write root n+1 listing only `new_keys`, signed by the old and the new root keys,
    then re-sign the published targets with the new keys; returns the new root version.

    Targets, agency roles and snapshot get `version` (default: one above the published
    one); the next `publish` must pass a higher version still.
    """
    now = _utc(now)
    current = _newest_root(metadata_dir)
    if current is None:
        raise TrustError(f"{metadata_dir}: no root to rotate; publish once first")
    _check_old_root_keys(current.signed, old_keys)
    infos, published = _published_targets(metadata_dir)
    version = published + 1 if version is None else version
    if version <= published:
        raise TrustError(f"version {version} must be above the published version {published}")
    root = _new_root(new_keys, current.signed.version + 1, now + root_expiry)
    root_bytes = _signed_bytes(root, _unique([*old_keys.root, *new_keys.root]))
    metadata = _sign_repository(
        metadata_dir, infos, new_keys, version, now,
        targets_expiry, timestamp_expiry, agency_of,
    )
    _write_all({metadata_dir / f"{root.signed.version}.root.json": root_bytes} | metadata)
    return root.signed.version


def _sign_repository(
    metadata_dir: Path,
    infos: dict[str, TargetFile],
    keys: Keys,
    version: int,
    now: datetime,
    targets_expiry: timedelta,
    timestamp_expiry: timedelta,
    agency_of: Callable[[str], str | None],
) -> dict[Path, bytes]:
    """Every metadata file of one repository state, in the order to write them."""
    expires = now + targets_expiry
    roles = _targets_roles(infos, keys, version, expires, agency_of)
    out: dict[Path, bytes] = {}
    for name, (role, key) in roles.items():
        out[metadata_dir / f"{version}.{name}.json"] = _signed_bytes(role, [key])
    meta = {f"{name}.json": MetaFile(version) for name in roles}
    snapshot = Metadata(Snapshot(version=version, expires=expires, meta=meta))
    out[metadata_dir / f"{version}.snapshot.json"] = _signed_bytes(snapshot, [keys.snapshot])
    _check_immutable(out)
    out[metadata_dir / "timestamp.json"] = _timestamp_bytes(
        metadata_dir, version, now + timestamp_expiry, keys.timestamp,
    )
    return out


def _targets_roles(
    infos: dict[str, TargetFile],
    keys: Keys,
    version: int,
    expires: datetime,
    agency_of: Callable[[str], str | None],
) -> dict[str, tuple[Metadata[Targets], PrivateKey]]:
    """Top-level targets (national files, delegations) and one role per agency key."""
    problems = [f"agency id {a!r} is not a slug like 'bo-cong-an' or a reserved role name"
                for a in keys.agencies if not _AGENCY_ID.fullmatch(a) or a in TOP_LEVEL_ROLES]
    by_role: dict[str, dict[str, TargetFile]] = {role: {} for role in ["targets", *keys.agencies]}
    for path in sorted(infos):
        agency = agency_of(path)
        if agency is None:
            owner = [a for a in keys.agencies if _in_role(a, path)]
            problems += [f"{path}: national file inside agency {a!r}'s paths" for a in owner]
        elif agency not in keys.agencies:
            problems.append(f"{path}: no key for agency {agency!r}")
        elif not _in_role(agency, path):
            problems.append(f"{path}: outside the paths of agency {agency!r}: "
                            + ", ".join(delegated_paths(agency)))
        by_role.setdefault("targets" if agency is None else agency, {})[path] = infos[path]
    if problems:
        raise TrustError("cannot sign the feed targets:\n  " + "\n  ".join(problems))
    public = {agency: _public(keys.agencies[agency]) for agency in sorted(keys.agencies)}
    delegations = Delegations(
        keys={key.keyid: key for key in public.values()},
        roles={agency: DelegatedRole(agency, [key.keyid], 1, True, paths=delegated_paths(agency))
               for agency, key in public.items()},
    )
    top = Targets(version, expires=expires, targets=by_role["targets"], delegations=delegations)
    roles = {"targets": (Metadata(top), keys.targets)}
    for agency in sorted(keys.agencies):
        role = Targets(version, expires=expires, targets=by_role[agency])
        roles[agency] = (Metadata(role), keys.agencies[agency])
    return roles


def _timestamp_bytes(metadata_dir: Path, version: int, expires: datetime, key: PrivateKey) -> bytes:
    """The timestamp for snapshot `version`: at `version`, or one above a refreshed one."""
    path = metadata_dir / "timestamp.json"
    previous = _read(path, Timestamp).signed.version if path.exists() else 0
    signed = Timestamp(max(version, previous), expires=expires, snapshot_meta=MetaFile(version))
    data = _signed_bytes(Metadata(signed), [key])
    if signed.version == previous and data != path.read_bytes():
        signed.version += 1
        data = _signed_bytes(Metadata(signed), [key])
    return data


def _published_targets(metadata_dir: Path) -> tuple[dict[str, TargetFile], int]:
    """Every target file of the published state (all roles) and the highest version."""
    path = metadata_dir / "timestamp.json"
    if not path.exists():
        raise TrustError(f"{metadata_dir}: nothing published yet")
    snapshot_version = _read(path, Timestamp).signed.snapshot_meta.version
    snapshot = _read(metadata_dir / f"{snapshot_version}.snapshot.json", Snapshot).signed
    infos: dict[str, TargetFile] = {}
    highest = snapshot.version
    for name, meta in sorted(snapshot.meta.items()):
        role = _read(metadata_dir / f"{meta.version}.{name}", Targets).signed
        infos.update(role.targets)
        highest = max(highest, role.version)
    return infos, highest


def _published_version(metadata_dir: Path) -> int | None:
    path = metadata_dir / "timestamp.json"
    return _read(path, Timestamp).signed.snapshot_meta.version if path.exists() else None


def _new_root(keys: Keys, version: int, expires: datetime) -> Metadata[Root]:
    if not keys.root:
        raise TrustError("no root key given: one is needed to create or rotate the root")
    if not 1 <= keys.root_threshold <= len(_unique(keys.root)):
        raise TrustError(f"root threshold {keys.root_threshold} needs between 1 and "
                         f"{len(_unique(keys.root))} distinct root keys")
    root = Root(version=version, expires=expires, consistent_snapshot=True)
    for role, role_keys in [("root", keys.root), ("targets", [keys.targets]),
                            ("snapshot", [keys.snapshot]), ("timestamp", [keys.timestamp])]:
        for key in _unique(role_keys):
            root.add_key(_public(key), role)
    root.roles["root"].threshold = keys.root_threshold
    return Metadata(root)


def _newest_root(metadata_dir: Path) -> Metadata[Root] | None:
    if not metadata_dir.is_dir():
        return None
    versions = [int(m[1]) for p in metadata_dir.iterdir() if (m := _ROOT_FILE.fullmatch(p.name))]
    if not versions:
        return None
    return _read(metadata_dir / f"{max(versions)}.root.json", Root)


def _check_root(root: Root, keys: Keys, now: datetime) -> None:
    if not root.consistent_snapshot:
        raise TrustError(f"root v{root.version} does not use consistent snapshots")
    _check_not_expired(root, f"root v{root.version}", now)
    for role, key in [("targets", keys.targets), ("snapshot", keys.snapshot),
                      ("timestamp", keys.timestamp)]:
        _check_role_key(root, role, key)


def _check_role_key(root: Root, role: str, key: PrivateKey) -> None:
    keyid = _public(key).keyid
    if keyid not in root.roles[role].keyids:
        raise TrustError(
            f"the {role} key {keyid[:16]}… is not one root v{root.version} trusts for "
            f"{role}: clients would refuse its signatures; use the right key or rotate_root"
        )


def _check_old_root_keys(root: Root, old_keys: Keys) -> None:
    trusted = root.roles["root"]
    given = {_public(key).keyid for key in old_keys.root} & set(trusted.keyids)
    if len(given) < trusted.threshold:
        raise TrustError(
            f"root v{root.version} needs {trusted.threshold} of its own root keys to sign its "
            f"successor; {len(given)} of the old keys given are among them"
        )


def _check_not_expired(signed: Signed, name: str, now: datetime) -> None:
    if signed.is_expired(now):
        raise TrustError(f"{name} expired at {signed.expires:%Y-%m-%dT%H:%M:%SZ}: clients "
                         "refuse it; rotate_root renews a root, publish renews the targets")


def _check_paths(files: dict[str, bytes]) -> None:
    bad = [path for path in files if not all(_SEGMENT.fullmatch(s) for s in path.split("/"))]
    if bad:
        raise TrustError("target paths must be relative, '/'-separated, of letters, digits and "
                         "'._~-' (no '.' or '..' segments): " + ", ".join(sorted(bad)))


def _check_immutable(files: dict[Path, bytes]) -> None:
    changed = [str(p) for p, data in files.items() if p.exists() and p.read_bytes() != data]
    if changed:
        raise TrustError("already published with other content (versioned metadata never "
                         "changes; pass a higher version): " + ", ".join(changed))


def _in_role(agency: str, path: str) -> bool:
    patterns = delegated_paths(agency)
    return DelegatedRole(agency, [], 1, True, paths=patterns).is_delegated_path(path)


def _stored_path(targets_dir: Path, info: TargetFile) -> Path:
    folder, _, name = info.path.rpartition("/")
    return targets_dir / folder / f"{info.hashes['sha256']}.{name}"


def _signed_bytes(metadata: Metadata[Any], keys: list[PrivateKey]) -> bytes:
    metadata.signatures.clear()
    for key in _unique(keys):
        metadata.sign(_signer(key), append=True)
    return metadata.to_bytes(_SERIALIZER)


def _read(path: Path, kind: type[_S]) -> Metadata[_S]:
    try:
        metadata: Metadata[Any] = Metadata.from_bytes(path.read_bytes())
    except (OSError, DeserializationError) as error:
        raise TrustError(f"{path}: cannot read TUF metadata: {error}") from error
    if not isinstance(metadata.signed, kind):
        raise TrustError(f"{path}: expected {kind.type} metadata, found {metadata.signed.type}")
    return cast(Metadata[_S], metadata)


def _write_all(files: dict[Path, bytes]) -> None:
    """Write in order, each file atomically (temporary file + rename in its folder)."""
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _public(key: PrivateKey) -> Key:
    if isinstance(key, ec.EllipticCurvePrivateKey) and not isinstance(key.curve, ec.SECP256R1):
        raise TrustError(f"ECDSA keys must be on P-256, not {key.curve.name}")
    if not isinstance(key, Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise TrustError(f"unsupported key type {type(key).__name__}: use Ed25519 or P-256")
    return SSlibKey.from_crypto(key.public_key())


def _signer(key: PrivateKey) -> CryptoSigner:
    public = _public(key)
    assert isinstance(public, SSlibKey)
    return CryptoSigner(key, public)


def _unique(keys: list[PrivateKey]) -> list[PrivateKey]:
    """The keys without repeats (same public key), in their order."""
    seen: dict[str, PrivateKey] = {}
    for key in keys:
        seen.setdefault(_public(key).keyid, key)
    return list(seen.values())


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise TrustError("`now` must be timezone-aware (e.g. datetime.now(UTC))")
    return now.astimezone(UTC)
