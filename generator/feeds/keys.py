"""`tthc keys init`: the signing keys of a feed publisher, in a directory outside the
repository, and the public root metadata that portals pin, committed under `trust/`.

One Ed25519 key per TUF role (root, targets, snapshot, timestamp), one per agency (its
delegated role signs only its own records and decisions), and the two checkpoint keys
(Ed25519 and ECDSA P-256, for portals without a TUF client). Private keys are PEM
(PKCS #8, unencrypted: protect the directory, or keep it in a CI secret store), readable
by their owner only.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .signing import CHECKPOINT_KEYS, TRUST_FOLDER, load_keys
from .trust import Keys, PrivateKey, TrustError, initial_root, next_root


def init_keys(folder: Path, project: Path, agencies: list[str],
              now: datetime | None = None) -> list[Path]:
    """Create the key directory and `trust/1.root.json`; returns the files written."""
    root_file = project.resolve() / TRUST_FOLDER / "1.root.json"
    if root_file.exists():
        raise TrustError(f"{root_file} đã có: kho này đã có khóa; đổi khóa bằng `tthc keys "
                         "rotate`, không tạo lại")
    keys, written = _new_key_folder(folder, project, agencies)
    root_file.parent.mkdir(parents=True, exist_ok=True)
    root_file.write_bytes(initial_root(keys, now or datetime.now(UTC)))
    return [*written, root_file]


def rotate_keys(old: Path, folder: Path, project: Path, agencies: list[str],
                now: datetime | None = None) -> list[Path]:
    """New keys for every role in `folder`, and `trust/<n+1>.root.json` listing them,
    signed by the old root key and the new: portals pinned to an older root follow the
    chain, and metadata signed with the old keys stops being accepted."""
    roots = sorted((project.resolve() / TRUST_FOLDER).glob("*.root.json"),
                   key=lambda p: int(p.name.split(".")[0]))
    if not roots:
        raise TrustError(f"{project / TRUST_FOLDER}: chưa có khóa gốc; tạo bằng `tthc keys init`")
    old_keys = load_keys(old, [])
    keys, written = _new_key_folder(folder, project, agencies)
    version, data = next_root(roots[-1], old_keys, keys, now or datetime.now(UTC))
    root_file = roots[-1].parent / f"{version}.root.json"
    root_file.write_bytes(data)
    return [*written, root_file]


def _new_key_folder(folder: Path, project: Path, agencies: list[str]) -> tuple[Keys, list[Path]]:
    folder, project = folder.resolve(), project.resolve()
    if folder == project or project in folder.parents:
        raise TrustError(f"{folder}: thư mục khóa nằm trong kho {project}; khóa bí mật không "
                         "bao giờ được ở trong kho git: chọn một thư mục bên ngoài")
    if folder.exists() and any(folder.iterdir()):
        raise TrustError(f"{folder}: thư mục đã có tệp; chọn một thư mục trống")
    keys = Keys.generate(agencies)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    written = [_write(folder / "root-1.pem", keys.root[0]),
               _write(folder / "targets.pem", keys.targets),
               _write(folder / "snapshot.pem", keys.snapshot),
               _write(folder / "timestamp.pem", keys.timestamp)]
    written += [_write(folder / f"agency-{a}.pem", k) for a, k in sorted(keys.agencies.items())]
    written += [_write(folder / CHECKPOINT_KEYS[0], Ed25519PrivateKey.generate()),
                _write(folder / CHECKPOINT_KEYS[1], ec.generate_private_key(ec.SECP256R1()))]
    return keys, written


def _write(path: Path, key: PrivateKey) -> Path:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
    return path
