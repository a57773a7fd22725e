"""`tthc sync`: the reference mirror of the signed feeds, what a ministry or provincial
portal runs to stay in step with the national catalogue without ever editing it.

Every byte it applies is verified by TUF (`tuf.ngclient`) from the root the portal pinned at
`init`: signatures under pinned keys, hashes and lengths, versions that never go back,
timestamps that have not expired, one snapshot for every file. The first run copies the
scope's snapshot index and every document in it; later runs read the change log from the
sequence number they reached and fetch only the documents that changed. Everything a run
applies goes into the database in one transaction with the new high-water marks, so a
failure at any point (a verification error, the network, a kill) leaves the last good
state, and the next run starts from it.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .store import Row, Store, safe_url

CONFIG = "config.json"
PAGE = "changes/{:06d}.json"


class SyncError(Exception):
    """A run that applied nothing; the message says what failed and what to do."""


@dataclass
class Config:
    url: str                       # the feed's base URL (…/api/v1/)
    scope: str
    db: str

    @classmethod
    def load(cls, folder: Path) -> Config:
        try:
            data = json.loads((folder / CONFIG).read_text("utf-8"))
            return cls(data["url"], data["scope"], data["db"])
        except (OSError, ValueError, KeyError) as exc:
            raise SyncError(f"{folder}: chưa khởi tạo ({exc}); chạy `tthc sync init` "
                            "trước") from None


@dataclass
class Outcome:
    first: bool
    applied: int                   # documents written (tombstones included)
    sequence: int
    version: int


def init(folder: Path, root_file: Path, url: str, scope: str, db: str | None) -> Config:
    """Pin the root, remember the feed and create the database."""
    if (folder / CONFIG).exists():
        raise SyncError(f"{folder}: đã khởi tạo; dùng `tthc sync run`")
    try:
        root = root_file.read_bytes()
        json.loads(root)["signed"]["_type"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SyncError(f"{root_file}: không phải siêu dữ liệu gốc TUF ({exc}); dùng tệp "
                        "1.root.json do cơ quan xuất bản cung cấp") from None
    config = Config(url if url.endswith("/") else url + "/", scope,
                    db or f"sqlite:///{(folder / 'mirror.sqlite').resolve()}")
    (folder / "metadata").mkdir(parents=True, exist_ok=True)
    (folder / "metadata" / "root.json").write_bytes(root)
    store = Store(config.db)
    try:
        store.create()
    finally:
        store.close()
    (folder / CONFIG).write_text(json.dumps(config.__dict__, indent=2) + "\n", "utf-8")
    return config


def run(folder: Path, allow_development: bool = False) -> Outcome:
    config = Config.load(folder)
    store = Store(config.db)
    try:
        with tempfile.TemporaryDirectory(prefix="tthc-sync-") as tmp:
            return _Run(config, store, folder, Path(tmp), allow_development).apply()
    finally:
        store.close()


class _Run:
    def __init__(self, config: Config, store: Store, folder: Path, tmp: Path,
                 allow_development: bool) -> None:
        from tuf.ngclient import Updater  # type: ignore[attr-defined]

        self.config, self.store, self.folder, self.tmp = config, store, folder, tmp
        self.allow_development = allow_development
        self.updater = Updater(metadata_dir=str(folder / "metadata"),
                               metadata_base_url=config.url + "metadata/",
                               target_base_url=config.url + "targets/",
                               target_dir=str(tmp), bootstrap=None)

    def apply(self) -> Outcome:
        try:
            self.updater.refresh()
            feed = self.document("index.json")
        except SyncError:
            raise
        except Exception as exc:
            raise _failure(exc) from None
        if feed.get("development") and not self.allow_development:
            raise SyncError("nguồn cấp này ký bằng khóa phát triển (development): không được "
                            "sao chép; chỉ dùng --allow-development để thử nghiệm")
        scope = next((s for s in feed.get("scopes", []) if s.get("id") == self.config.scope),
                     None)
        if scope is None:
            raise SyncError(f"nguồn cấp không có phạm vi {self.config.scope!r}")
        state = self.store.state()
        done = int(state.get("sequence", "-1"))
        if feed["sequence"] < done:
            raise SyncError(f"nguồn cấp ở thứ tự {feed['sequence']}, thấp hơn {done} đã áp dụng: "
                            "từ chối quay lui; giữ nguyên bản sao")
        version = _snapshot_version(self.folder)
        try:
            with self.store.transaction() as cursor:
                first = done < 0 or state.get("scope") != self.config.scope
                applied = (self.full(cursor, feed) if first
                           else self.incremental(cursor, feed, done, set(scope["agencies"])))
                self.store.set_state(cursor, {
                    "sequence": str(feed["sequence"]), "commit": str(feed.get("commit")),
                    "feed_version": str(version), "scope": self.config.scope,
                    "url": self.config.url, "synced_at": _now(),
                    "development": str(bool(feed.get("development"))).lower()})
        except SyncError:
            raise
        except Exception as exc:
            raise _failure(exc) from None
        return Outcome(first, applied, feed["sequence"], version)

    def full(self, cursor: Any, feed: dict[str, Any]) -> int:
        index = self.document(f"index/{self.config.scope}.json")
        self.store.clear(cursor)
        for entry in index["entries"]:
            data = self.bytes(entry["path"])
            self.store.put(cursor, _row(entry["type"], json.loads(data), data, 0, None))
        return len(index["entries"])

    def incremental(self, cursor: Any, feed: dict[str, Any], done: int,
                    agencies: set[str]) -> int:
        size = int(feed["page_size"])
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for number in range(done // size + 1, -(-feed["sequence"] // size) + 1):
            page = self.document(PAGE.format(number))
            for entry in page["entries"]:
                if entry["seq"] > done and entry["agency"] in agencies:
                    latest[(entry["type"], entry["id"])] = entry
        for (kind, ident), entry in sorted(latest.items(), key=lambda i: i[1]["seq"]):
            target = (f"records/{entry['agency']}/{ident}.json" if kind == "procedure"
                      else f"decisions/{ident}.json")
            info = self.updater.get_targetinfo(target)
            if info is None:                    # withdrawn: keep the last body, mark it
                old = self.store.get(cursor, kind, ident)
                row = old or _row(kind, {"id": ident, "agency": entry["agency"]}, None,
                                  entry["seq"], entry)
                row.tombstone, row.seq = entry.get("reason") or "go_bo", entry["seq"]
                row.decision = entry.get("decision") or row.decision
                self.store.put(cursor, row)
                continue
            data = self.bytes(target)
            self.store.put(cursor, _row(kind, json.loads(data), data, entry["seq"],
                                        entry if entry["op"] == "tombstone" else None))
        return len(latest)

    def document(self, target: str) -> Any:
        try:
            return json.loads(self.bytes(target))
        except ValueError as exc:
            raise SyncError(f"{target}: không đọc được JSON ({exc})") from None

    def bytes(self, target: str) -> bytes:
        info = self.updater.get_targetinfo(target)
        if info is None:
            raise SyncError(f"{target}: không có trong siêu dữ liệu đã ký của nguồn cấp")
        path = self.updater.download_target(info, filepath=str(self.tmp / "download"))
        data = Path(path).read_bytes()
        Path(path).unlink()
        return data


def status(folder: Path) -> dict[str, Any]:
    config = Config.load(folder)
    store = Store(config.db)
    try:
        state = store.state()
        rows = store.rows()
    finally:
        store.close()
    expires = None
    stamp = folder / "metadata" / "timestamp.json"
    if stamp.is_file():
        expires = json.loads(stamp.read_bytes())["signed"]["expires"]
    return {"url": config.url, "scope": config.scope, "db": safe_url(config.db),
            "sequence": int(state.get("sequence", "-1")), "commit": state.get("commit"),
            "feed_version": state.get("feed_version"), "synced_at": state.get("synced_at"),
            "timestamp_expires": expires, "documents": sum(r.tombstone is None for r in rows),
            "tombstones": sum(r.tombstone is not None for r in rows)}


def verify(folder: Path) -> list[str]:
    """Problems with the mirror: a stored body whose SHA-256 is not the recorded one, and
    any difference from the scope's current signed index. Empty when all is well."""
    config = Config.load(folder)
    store = Store(config.db)
    try:
        rows = store.rows()
        with tempfile.TemporaryDirectory(prefix="tthc-sync-") as tmp:
            check = _Run(config, store, folder, Path(tmp), allow_development=True)
            try:
                check.updater.refresh()
                index = check.document(f"index/{config.scope}.json")
            except SyncError:
                raise
            except Exception as exc:
                raise _failure(exc) from None
    finally:
        store.close()
    problems = []
    for row in rows:
        if row.body is not None and hashlib.sha256(row.body.encode()).hexdigest() != row.sha256:
            problems.append(f"{row.type} {row.id}: nội dung đã bị sửa trong cơ sở dữ liệu")
    stored = {(r.type, r.id): r.sha256 for r in rows if r.body is not None}
    published = {(e["type"], e["id"]): e["sha256"] for e in index["entries"]}
    for key in sorted(published.keys() - stored.keys()):
        problems.append(f"{key[0]} {key[1]}: có trong nguồn cấp, thiếu trong bản sao")
    for key in sorted(stored.keys() - published.keys()):
        problems.append(f"{key[0]} {key[1]}: có trong bản sao, không còn trong nguồn cấp")
    for key in sorted(stored.keys() & published.keys()):
        if stored[key] != published[key]:
            problems.append(f"{key[0]} {key[1]}: khác bản đã công bố (chạy `tthc sync run`)")
    return problems


def _row(kind: str, document: dict[str, Any], data: bytes | None, seq: int,
         tombstone: dict[str, Any] | None) -> Row:
    status = document.get("status")
    return Row(type=kind, id=str(document.get("id")), agency=str(document.get("agency")),
               sha256=hashlib.sha256(data).hexdigest() if data is not None else None,
               version=document.get("version"),
               status=status.get("kind") if isinstance(status, dict) else None,
               tombstone=tombstone.get("reason") if tombstone else None,
               replacement=tombstone.get("replacement") if tombstone else None,
               decision=(tombstone or {}).get("decision") or document.get("announced_by"),
               effective_from=(tombstone or {}).get("effective_from")
               or document.get("effective_from"),
               body=data.decode("utf-8") if data is not None else None, seq=seq)


def _failure(exc: Exception) -> SyncError:
    """A TUF, network or database error as the message a portal operator reads."""
    from tuf.api import exceptions

    kind = type(exc).__name__
    if isinstance(exc, exceptions.ExpiredMetadataError):
        why = "siêu dữ liệu đã hết hạn (nguồn cấp bị đóng băng hoặc chưa được ký lại)"
    elif isinstance(exc, exceptions.BadVersionNumberError | exceptions.EqualVersionNumberError):
        why = "phiên bản cũ hơn bản đã tin cậy (tấn công quay lui?)"
    elif isinstance(exc, exceptions.UnsignedMetadataError):
        why = "chữ ký không hợp lệ hoặc không phải khóa đã tin cậy"
    elif isinstance(exc, exceptions.LengthOrHashMismatchError):
        why = "tệp tải về không khớp mã băm đã ký (bị sửa hoặc bị cắt)"
    elif isinstance(exc, exceptions.DownloadError):
        why = "không tải được từ máy chủ"
    elif isinstance(exc, exceptions.RepositoryError):
        why = "siêu dữ liệu không hợp lệ"
    else:
        why = "lỗi khi áp dụng"
    return SyncError(f"{why} ({kind}: {exc}); bản sao giữ nguyên trạng thái tốt gần nhất, "
                     "chạy lại sau")


def _snapshot_version(folder: Path) -> int:
    """The snapshot version the updater has just verified (it keeps it in its cache)."""
    return int(json.loads((folder / "metadata" / "snapshot.json").read_bytes())
               ["signed"]["version"])


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
