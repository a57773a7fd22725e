"""The feeds' TUF metadata against each attack of docs (feeds.md, "Trust"), through a real
`tuf.ngclient.Updater` over real HTTP, exactly as a portal runs it: real Ed25519 keys,
a real server on 127.0.0.1, the attacker editing the served files. Each attack must be
refused, and the good state that follows must be accepted again."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from securesystemslib.signer import CryptoSigner
from static_server import serve
from tuf.api import exceptions
from tuf.api.metadata import Metadata, TargetFile
from tuf.api.serialization.json import JSONSerializer
from tuf.ngclient import Updater

from generator.feeds.trust import (
    Keys,
    PrivateKey,
    TrustError,
    delegated_paths,
    publish,
    refresh_timestamp,
    rotate_root,
)

AGENCIES = ("bo-cong-an", "tinh-lam-dong")
RECORD = "records/bo-cong-an/1.001193.json"
PROVINCE_RECORD = "records/tinh-lam-dong/2.000001.json"
DECISION = "decisions/bo-cong-an/2025/1234-qd-bca.json"
INDEX = "index/all.json"


def feed_files(generation: int) -> dict[str, bytes]:
    """A tiny feed; `generation` changes the national index only."""
    return {
        RECORD: b'{"code":"1.001193","version":1}',
        PROVINCE_RECORD: b'{"code":"2.000001","version":1}',
        DECISION: b'{"decision":"1234/QD-BCA"}',
        INDEX: b'{"generation":%d}' % generation,
        "changes/000001.json": b'{"seq":1}',
        "root.json": b'{"deprecated":false}',
    }


@dataclass
class Repo:
    """The published folder, served over HTTP, and the publisher's keys."""

    site: Path
    url: str
    tmp: Path
    keys: Keys

    @property
    def metadata(self) -> Path:
        return self.site / "metadata"

    @property
    def targets(self) -> Path:
        return self.site / "targets"

    def publish(self, version: int, generation: int = 1, **options: Any) -> None:
        options.setdefault("now", datetime.now(UTC))
        publish(self.targets, self.metadata, feed_files(generation), self.keys, version,
                **options)

    def client(self, name: str = "portal", bootstrap: bytes | None = None) -> Updater:
        """A portal's updater with its own cache; bootstrapped with the first root."""
        cache = self.tmp / "portals" / name
        cache.mkdir(parents=True, exist_ok=True)
        return Updater(
            metadata_dir=str(cache), metadata_base_url=self.url + "metadata/",
            target_dir=str(cache / "targets"), target_base_url=self.url + "targets/",
            bootstrap=bootstrap or (self.metadata / "1.root.json").read_bytes(),
        )

    def stored(self, target_path: str, data: bytes) -> Path:
        """Where the server keeps the file with these bytes (consistent snapshots)."""
        folder, _, name = target_path.rpartition("/")
        return self.targets / folder / f"{hashlib.sha256(data).hexdigest()}.{name}"

    def save(self) -> Path:
        """A copy of the served metadata, to replay later."""
        copy = self.tmp / f"saved-{len(list(self.tmp.glob('saved-*')))}"
        shutil.copytree(self.metadata, copy)
        return copy


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """One server for the module (stopping one takes half a second); a folder per test."""
    root = tmp_path_factory.mktemp("served")
    with serve(root, "tuf-feeds") as url:
        yield root, url


@pytest.fixture
def repo(server: tuple[Path, str], tmp_path: Path) -> Repo:
    root, url = server
    site = root / f"site-{len(list(root.iterdir()))}"
    site.mkdir()
    return Repo(site, f"{url}{site.name}/", tmp_path, Keys.generate(AGENCIES))


def fetch(updater: Updater, target_path: str) -> bytes:
    info = updater.get_targetinfo(target_path)
    assert info is not None, target_path
    return Path(updater.download_target(info)).read_bytes()


def forge(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit a signed field of a metadata file, keeping the old (now wrong) signatures."""
    document = json.loads(path.read_bytes())
    edit(document["signed"])
    path.write_text(json.dumps(document))


def resign(path: Path, key: PrivateKey, edit: Callable[[Any], None]) -> None:
    """Edit a metadata file and sign it, properly, with `key` alone."""
    metadata: Metadata[Any] = Metadata.from_bytes(path.read_bytes())
    edit(metadata.signed)
    metadata.signatures.clear()
    metadata.sign(CryptoSigner(key))
    path.write_bytes(metadata.to_bytes(JSONSerializer(compact=True)))


def plant(repo: Repo, target_path: str, data: bytes) -> TargetFile:
    """Put the attacker's bytes on the server; the target info that would point at them."""
    repo.stored(target_path, data).parent.mkdir(parents=True, exist_ok=True)
    repo.stored(target_path, data).write_bytes(data)
    return TargetFile.from_data(target_path, data, ["sha256"])


# 1. happy path ---------------------------------------------------------------------------

def test_a_portal_downloads_verified_targets_and_follows_a_new_version(repo: Repo) -> None:
    repo.publish(1)
    portal = repo.client()
    assert {path: fetch(portal, path) for path in feed_files(1)} == feed_files(1)

    repo.publish(2, generation=2)
    portal = repo.client()
    assert fetch(portal, INDEX) == feed_files(2)[INDEX]
    assert fetch(portal, RECORD) == feed_files(2)[RECORD]


def test_the_layout_is_consistent_snapshots(repo: Repo) -> None:
    repo.publish(3)
    names = sorted(p.name for p in repo.metadata.iterdir())
    assert names == ["1.root.json", "3.bo-cong-an.json", "3.snapshot.json", "3.targets.json",
                     "3.tinh-lam-dong.json", "timestamp.json"]
    assert all(repo.stored(path, data).read_bytes() == data
               for path, data in feed_files(1).items())
    targets = json.loads((repo.metadata / "3.targets.json").read_bytes())["signed"]
    assert sorted(targets["targets"]) == ["changes/000001.json", INDEX, "root.json"]
    role = targets["delegations"]["roles"][0]
    assert (role["name"], role["terminating"]) == ("bo-cong-an", True)
    assert role["paths"] == delegated_paths("bo-cong-an")


def test_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    keys, now = Keys.generate(AGENCIES), datetime(2025, 7, 1, 8, 30, tzinfo=UTC)
    for name in ("a", "b"):
        publish(tmp_path / name / "t", tmp_path / name / "m", feed_files(1), keys, 5, now)
    first = {p.relative_to(tmp_path / "a"): p.read_bytes()
             for p in sorted((tmp_path / "a").rglob("*")) if p.is_file()}
    second = {p.relative_to(tmp_path / "b"): p.read_bytes()
              for p in sorted((tmp_path / "b").rglob("*")) if p.is_file()}
    assert first == second
    publish(tmp_path / "a" / "t", tmp_path / "a" / "m", feed_files(1), keys, 5, now)  # rerun
    rerun = (tmp_path / "a" / "m" / "timestamp.json").read_bytes()
    assert rerun == second[Path("m/timestamp.json")]


# 2. tampered target ---------------------------------------------------------------------

def test_a_tampered_target_is_refused(repo: Repo) -> None:
    repo.publish(1)
    stored = repo.stored(INDEX, feed_files(1)[INDEX])
    good = stored.read_bytes()
    stored.write_bytes(good.replace(b"1", b"9"))  # same length: only the hash can tell
    portal = repo.client()
    info = portal.get_targetinfo(INDEX)
    assert info is not None
    with pytest.raises(exceptions.LengthOrHashMismatchError):
        portal.download_target(info)

    stored.write_bytes(good)
    assert Path(portal.download_target(info)).read_bytes() == good


# 3. forged metadata ---------------------------------------------------------------------

def test_forged_metadata_is_refused(repo: Repo) -> None:
    repo.publish(1)
    role_file = repo.metadata / "1.bo-cong-an.json"
    good = role_file.read_bytes()
    evil = plant(repo, RECORD, b'{"code":"1.001193","fee":"9999999"}')

    def point_at_evil(signed: dict[str, Any]) -> None:
        signed["targets"][RECORD] = evil.to_dict()

    forge(role_file, point_at_evil)
    with pytest.raises(exceptions.UnsignedMetadataError):
        repo.client("first").get_targetinfo(RECORD)

    timestamp = repo.metadata / "timestamp.json"
    good_timestamp = timestamp.read_bytes()
    forge(timestamp, lambda signed: signed.update(expires="2099-01-01T00:00:00Z"))
    with pytest.raises(exceptions.UnsignedMetadataError):
        repo.client("second").refresh()

    role_file.write_bytes(good)
    timestamp.write_bytes(good_timestamp)
    assert fetch(repo.client("third"), RECORD) == feed_files(1)[RECORD]


# 4. rollback ----------------------------------------------------------------------------

def test_a_rollback_to_an_older_signed_state_is_refused(repo: Repo) -> None:
    repo.publish(1)
    version_1 = repo.save()
    repo.publish(2, generation=2)
    assert fetch(repo.client(), INDEX) == feed_files(2)[INDEX]

    shutil.copy(version_1 / "timestamp.json", repo.metadata / "timestamp.json")
    with pytest.raises(exceptions.BadVersionNumberError):
        repo.client().refresh()

    repo.publish(3, generation=3)
    assert fetch(repo.client(), INDEX) == feed_files(3)[INDEX]


# 5. freeze ------------------------------------------------------------------------------

def test_an_expired_timestamp_is_refused_until_refreshed(repo: Repo) -> None:
    real_now = datetime.now(UTC)
    repo.publish(1, now=real_now - timedelta(days=3), timestamp_expiry=timedelta(days=2))
    with pytest.raises(exceptions.ExpiredMetadataError):
        repo.client().refresh()

    assert refresh_timestamp(repo.metadata, repo.keys.timestamp, real_now) == 2
    assert fetch(repo.client(), INDEX) == feed_files(1)[INDEX]


def test_refresh_changes_only_version_and_expiry(repo: Repo) -> None:
    repo.publish(4)
    before = json.loads((repo.metadata / "timestamp.json").read_bytes())["signed"]
    refresh_timestamp(repo.metadata, repo.keys.timestamp, datetime.now(UTC) + timedelta(hours=1))
    after = json.loads((repo.metadata / "timestamp.json").read_bytes())["signed"]
    assert after["version"] == 5 and after["expires"] > before["expires"]
    assert {**after, "version": 4, "expires": before["expires"]} == before
    repo.publish(5, generation=2)  # a publish after a refresh goes above the refresh
    timestamp = json.loads((repo.metadata / "timestamp.json").read_bytes())["signed"]
    assert (timestamp["version"], timestamp["meta"]["snapshot.json"]["version"]) == (6, 5)
    assert fetch(repo.client(), INDEX) == feed_files(2)[INDEX]


# 6. mix-and-match -----------------------------------------------------------------------

def test_mixing_metadata_of_two_versions_is_refused(repo: Repo) -> None:
    repo.publish(1)
    version_1 = repo.save()
    repo.publish(2, generation=2)
    shutil.copy(version_1 / "timestamp.json", repo.metadata / "timestamp.json")

    shutil.copy(repo.metadata / "2.targets.json", repo.metadata / "1.targets.json")
    with pytest.raises(exceptions.BadVersionNumberError):
        repo.client("first").refresh()

    shutil.copy(version_1 / "1.targets.json", repo.metadata / "1.targets.json")
    shutil.copy(repo.metadata / "2.bo-cong-an.json", repo.metadata / "1.bo-cong-an.json")
    with pytest.raises(exceptions.BadVersionNumberError):
        repo.client("second").get_targetinfo(RECORD)

    shutil.copy(version_1 / "1.bo-cong-an.json", repo.metadata / "1.bo-cong-an.json")
    repo.publish(3, generation=3)
    assert fetch(repo.client("third"), INDEX) == feed_files(3)[INDEX]


# 7. wrong key ---------------------------------------------------------------------------

def test_metadata_signed_with_a_key_not_in_root_is_refused(repo: Repo) -> None:
    repo.publish(1)
    assert fetch(repo.client(), INDEX) == feed_files(1)[INDEX]
    intruder = Keys.generate(AGENCIES)
    timestamp = repo.metadata / "timestamp.json"
    good = timestamp.read_bytes()

    def bump(signed: Any) -> None:
        signed.version += 1

    resign(timestamp, intruder.timestamp, bump)
    with pytest.raises(exceptions.UnsignedMetadataError):
        repo.client().refresh()

    timestamp.write_bytes(good)
    evil = plant(repo, INDEX, b'{"generation":666}')
    resign(repo.metadata / "1.targets.json", intruder.targets,
           lambda signed: signed.targets.update({INDEX: evil}))
    with pytest.raises(exceptions.UnsignedMetadataError):
        repo.client("fresh").refresh()

    repo.publish(2, generation=2)
    assert fetch(repo.client(), INDEX) == feed_files(2)[INDEX]


def test_the_publisher_refuses_keys_root_does_not_trust(repo: Repo) -> None:
    repo.publish(1)
    repo.keys = Keys.generate(AGENCIES)
    with pytest.raises(TrustError, match="not one root v1 trusts for targets"):
        repo.publish(2)
    with pytest.raises(TrustError, match="not one root v1 trusts for timestamp"):
        refresh_timestamp(repo.metadata, repo.keys.timestamp, datetime.now(UTC))


# 8. key rotation ------------------------------------------------------------------------

def test_rotation_moves_clients_to_the_new_keys_and_old_keys_stop_working(repo: Repo) -> None:
    repo.publish(1)
    old_root = (repo.metadata / "1.root.json").read_bytes()
    assert fetch(repo.client(), INDEX) == feed_files(1)[INDEX]
    old, new = repo.keys, Keys.generate(AGENCIES, root_count=2)
    new.root_threshold = 2

    assert rotate_root(repo.metadata, old, new, datetime.now(UTC)) == 2
    portal = repo.client(bootstrap=old_root)
    assert fetch(portal, RECORD) == feed_files(1)[RECORD]
    assert (repo.tmp / "portals" / "portal" / "root_history" / "2.root.json").exists()

    with pytest.raises(TrustError, match="not one root v2 trusts"):
        repo.publish(3)
    evil = plant(repo, INDEX, b'{"generation":666}')
    resign(repo.metadata / "2.targets.json", old.targets,
           lambda signed: signed.targets.update({INDEX: evil}))
    with pytest.raises(exceptions.UnsignedMetadataError):
        repo.client("newcomer", bootstrap=old_root).refresh()

    repo.keys = new
    repo.publish(3, generation=3)
    assert fetch(repo.client(bootstrap=old_root), INDEX) == feed_files(3)[INDEX]
    assert fetch(repo.client("late", bootstrap=old_root), INDEX) == feed_files(3)[INDEX]


def test_rotation_needs_the_old_root_keys(repo: Repo) -> None:
    repo.publish(1)
    stranger = Keys.generate(AGENCIES)
    with pytest.raises(TrustError, match="needs 1 of its own root keys"):
        rotate_root(repo.metadata, stranger, stranger, datetime.now(UTC))


# 9. an agency signing outside its scope -------------------------------------------------

def test_an_agency_key_cannot_sign_another_agencys_records(repo: Repo) -> None:
    repo.publish(1)
    legit = feed_files(1)[PROVINCE_RECORD]
    forged = {path: plant(repo, path, b'{"forged":true}')
              for path in (PROVINCE_RECORD, "records/tinh-lam-dong/x.json", INDEX)}
    resign(repo.metadata / "1.bo-cong-an.json", repo.keys.agencies["bo-cong-an"],
           lambda signed: signed.targets.update(forged))

    portal = repo.client()
    assert fetch(portal, RECORD) == feed_files(1)[RECORD]  # the role itself verifies
    assert portal.get_targetinfo("records/tinh-lam-dong/x.json") is None
    assert fetch(portal, PROVINCE_RECORD) == legit
    assert fetch(portal, INDEX) == feed_files(1)[INDEX]


def test_the_publisher_refuses_a_file_outside_its_agencys_paths(repo: Repo) -> None:
    with pytest.raises(TrustError, match="outside the paths of agency 'bo-cong-an'"):
        repo.publish(1, agency_of=lambda path: "bo-cong-an" if "records/" in path else None)
    with pytest.raises(TrustError, match="no key for agency 'bo-quoc-phong'"):
        publish(repo.targets, repo.metadata, {"records/bo-quoc-phong/1.json": b"{}"},
                repo.keys, 1, datetime.now(UTC))
    assert not repo.metadata.exists()


# clear errors for the publisher ------------------------------------------------------------

def test_versions_never_go_backwards_nor_change_content(repo: Repo) -> None:
    repo.publish(2)
    with pytest.raises(TrustError, match="lower than the published version 2"):
        repo.publish(1)
    with pytest.raises(TrustError, match="already published with other content"):
        repo.publish(2, generation=2)
    with pytest.raises(TrustError, match="target paths must be relative"):
        publish(repo.targets, repo.metadata, {"../escape.json": b"{}"}, repo.keys, 3,
                datetime.now(UTC))
    with pytest.raises(TrustError, match="timezone-aware"):
        repo.publish(3, now=datetime(2025, 1, 1))


def test_republishing_without_files_re_signs_the_published_targets(repo: Repo) -> None:
    repo.publish(1)
    publish(repo.targets, repo.metadata, None, repo.keys, 2, datetime.now(UTC))
    assert (repo.metadata / "2.bo-cong-an.json").exists()
    assert fetch(repo.client(), DECISION) == feed_files(1)[DECISION]


def test_ecdsa_p256_keys_sign_too_and_other_curves_are_refused(repo: Repo) -> None:
    repo.keys.targets = ec.generate_private_key(ec.SECP256R1())
    repo.keys.agencies["bo-cong-an"] = ec.generate_private_key(ec.SECP256R1())
    repo.publish(1)
    assert fetch(repo.client(), RECORD) == feed_files(1)[RECORD]
    assert fetch(repo.client(), INDEX) == feed_files(1)[INDEX]
    repo.keys.agencies["bo-cong-an"] = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(TrustError, match="must be on P-256"):
        repo.publish(2)
