"""The checkpoint: a small JWS for portals that cannot run a TUF client (Java, .NET, PHP).

TUF (`api/v1/metadata/`) is the full defence; most portals have no TUF client, so this
module publishes a second, deliberately tiny trust anchor: one JSON document, signed in
RFC 7515 General JSON Serialization by an Ed25519 key (EdDSA) *and* a P-256 key (ES256,
because .NET has no built-in Ed25519). It pins the feed's version, the head of the change
log, an expiry and the sha256 of every index, so a portal that makes the four checks of
`verify` + `check_file` is protected against forged, tampered, rolled-back and frozen
feeds. `docs/checkpoint.md` is the portal developer's guide; the test vectors written by
`write_test_vectors` let any implementation prove itself.

Key ids (`kid`): the first 16 hex digits of the SHA-256 of the key's DER
SubjectPublicKeyInfo (what Java's `PublicKey.getEncoded()` returns), so any stack can
recompute them; they name a key, they never make it trusted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey

TYP = "tthc-checkpoint"
HEADER_TYP = "tthc-checkpoint+jws"
FEED = "api/v1"
SKEW = timedelta(minutes=5)  # tolerated clock difference for `issued_at` in the future

# The stable problem codes, one per way a checkpoint or a file can be refused.
MALFORMED = "malformed"
BAD_SIGNATURE = "bad-signature"  # check 1
EXPIRED = "expired"  # check 2
NOT_YET_VALID = "not-yet-valid"  # check 2
ROLLBACK = "rollback"  # check 3
HASH_MISMATCH = "hash-mismatch"  # check 4
UNPINNED_FILE = "unpinned-file"  # check 4

_KEEP = "Keep your current data, do not apply anything from this download"
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class CheckpointError(Exception):
    """A checkpoint or a file refused: a stable `code` and a message saying what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


# --- encoding -------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """The signed bytes: sorted keys, no spaces, UTF-8, so every build signs the same bytes."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: Any, what: str) -> bytes:
    """Strict decoding: other alphabets, padding and non-canonical trailing bits refused."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise CheckpointError(MALFORMED, f"{what} is not base64url text. {_KEEP}.")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:
        raise CheckpointError(MALFORMED, f"{what} is not canonical base64url. {_KEEP}.")
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({key for key, _ in pairs}) != len(pairs):
        raise ValueError("duplicate member name")
    return dict(pairs)


def _parse_json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise CheckpointError(MALFORMED, f"{what} is not JSON ({error}). {_KEEP}.") from None


def rfc3339(moment: datetime) -> str:
    """UTC with a "Z", whole seconds (fractions dropped): the only form `verify` accepts."""
    if moment.tzinfo is None:
        raise ValueError("a checkpoint time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: Any, name: str) -> datetime:
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise CheckpointError(MALFORMED, f"{name} is not an RFC 3339 UTC time like "
                                         f"2025-01-31T08:00:00Z. {_KEEP}.")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# --- keys -----------------------------------------------------------------------------


def _public(key: PublicKey | PrivateKey) -> PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey | ec.EllipticCurvePrivateKey) \
        else key


def key_id(key: PublicKey | PrivateKey) -> str:
    """First 16 hex digits of SHA-256 over the DER SubjectPublicKeyInfo of the public key."""
    der = _public(key).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:16]


def _alg_of(key: PublicKey | PrivateKey) -> str:
    """The one algorithm a key may be used with; the header's `alg` must agree with it."""
    if isinstance(key, Ed25519PrivateKey | Ed25519PublicKey):
        return "EdDSA"
    if isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    raise ValueError(f"unsupported curve {key.curve.name}: checkpoints use Ed25519 and P-256")


def public_jwk(key: PublicKey | PrivateKey) -> dict[str, str]:
    """The public key as a JWK (RFC 7517/8037) carrying its `kid` and its only `alg`."""
    public = _public(key)
    jwk = {"kid": key_id(public), "alg": _alg_of(public), "use": "sig"}
    if isinstance(public, Ed25519PublicKey):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {**jwk, "kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    numbers = public.public_numbers()
    coordinates = {"x": numbers.x.to_bytes(32, "big"), "y": numbers.y.to_bytes(32, "big")}
    return {**jwk, "kty": "EC", "crv": "P-256", **{k: b64url(v) for k, v in coordinates.items()}}


def jwks(keys: list[PublicKey | PrivateKey]) -> dict[str, Any]:
    """A JWK Set of the public keys (`checkpoint-keys.json`, `test-vectors/keys.json`)."""
    return {"keys": [public_jwk(key) for key in keys]}


def load_jwks(document: dict[str, Any]) -> dict[str, PublicKey]:
    """kid → public key from a JWK Set; the kid is recomputed, so a wrong label is refused.

    Raises ValueError for a key that is not a valid Ed25519 or P-256 JWK.
    """
    trusted: dict[str, PublicKey] = {}
    for jwk in document["keys"]:
        try:
            public = _jwk_key(jwk)
        except CheckpointError as error:
            raise ValueError(error.message) from None
        if jwk.get("kid") != key_id(public):
            raise ValueError(f"JWK kid {jwk.get('kid')!r} is not the key's id {key_id(public)}")
        trusted[key_id(public)] = public
    return trusted


def _jwk_key(jwk: dict[str, Any]) -> PublicKey:
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return Ed25519PublicKey.from_public_bytes(_b64url_decode(jwk.get("x"), "JWK x"))
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        x, y = (int.from_bytes(_b64url_decode(jwk.get(c), f"JWK {c}"), "big") for c in "xy")
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    raise ValueError(f"unsupported JWK {jwk.get('kty')}/{jwk.get('crv')}: use Ed25519 or P-256")


# --- payload and signing --------------------------------------------------------------


def make_payload(
    version: int,
    sequence: int,
    issued: datetime,
    expires: datetime,
    indexes: dict[str, str],
    development: bool,
) -> dict[str, Any]:
    """The checkpoint content; `indexes` maps a target path to the sha256 hex of its bytes."""
    if version < 0 or sequence < 0:
        raise ValueError("version and sequence are never negative")
    issued_at, expires_at = rfc3339(issued), rfc3339(expires)  # refuses naive datetimes
    if expires <= issued:
        raise ValueError("a checkpoint must expire after it is issued")
    for path, digest in indexes.items():
        if not _SHA256_HEX.fullmatch(digest):
            raise ValueError(f"{path}: {digest!r} is not a lowercase sha256 hex digest")
    return {
        "typ": TYP,
        "feed": FEED,
        "version": version,
        "sequence": sequence,
        "issued_at": issued_at,
        "expires_at": expires_at,
        "indexes": dict(sorted(indexes.items())),
        "development": development,
    }


def _signing_input(protected: str, payload: str) -> bytes:
    return f"{protected}.{payload}".encode("ascii")


def _sign_bytes(key: PrivateKey, data: bytes) -> bytes:
    """EdDSA, or ES256 as the 64-byte R||S of RFC 7518 (not DER), deterministic (RFC 6979)."""
    if isinstance(key, Ed25519PrivateKey):
        return key.sign(data)
    _alg_of(key)  # refuses any curve but P-256
    der = key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign(payload: dict[str, Any], keys: list[tuple[str, PrivateKey]]) -> dict[str, Any]:
    """General JSON Serialization with one signature per (kid, key), same bytes every time."""
    if not keys:
        raise ValueError("a checkpoint needs at least one signing key")
    encoded = b64url(canonical_json(payload))
    signatures = []
    for kid, key in keys:
        header = {"alg": _alg_of(key), "kid": kid, "typ": HEADER_TYP}
        protected = b64url(canonical_json(header))
        signature = _sign_bytes(key, _signing_input(protected, encoded))
        signatures.append({"protected": protected, "signature": b64url(signature)})
    return {"payload": encoded, "signatures": signatures}


def dumps(jws: dict[str, Any]) -> bytes:
    """The published file: readable JSON; the signatures cover the base64url strings inside."""
    return json.dumps(jws, indent=2, sort_keys=True).encode("ascii") + b"\n"


# --- the four checks ------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    protected: str
    signature: bytes
    header: dict[str, Any]


def _envelope(jws: dict[str, Any] | bytes) -> tuple[str, list[_Entry]]:
    """The payload text and the decoded signature entries; any shape problem is `malformed`."""
    document = _parse_json(jws, "the checkpoint") if isinstance(jws, bytes) else jws
    if not isinstance(document, dict) or not isinstance(document.get("signatures"), list):
        raise CheckpointError(MALFORMED, "the checkpoint is not a JWS in General JSON "
                                         f"Serialization (payload, signatures). {_KEEP}.")
    payload = document.get("payload")
    if not isinstance(payload, str):
        raise CheckpointError(MALFORMED, f"the checkpoint has no payload text. {_KEEP}.")
    _b64url_decode(payload, "payload")
    entries = []
    for item in document["signatures"]:
        if not isinstance(item, dict):
            raise CheckpointError(MALFORMED, f"a signature entry is not an object. {_KEEP}.")
        header = _parse_json(_b64url_decode(item.get("protected"), "protected"), "a header")
        if not isinstance(header, dict):
            raise CheckpointError(MALFORMED, f"a protected header is not an object. {_KEEP}.")
        signature = _b64url_decode(item.get("signature"), "signature")
        entries.append(_Entry(item["protected"], signature, header))
    return payload, entries


def _refusal(entry: _Entry, trusted: dict[str, PublicKey], payload: str) -> str | None:
    """Why this signature does not count (None: it verifies under a trusted key)."""
    alg, kid = entry.header.get("alg"), entry.header.get("kid")
    if alg not in ("EdDSA", "ES256"):
        return f"alg {alg!r} is never accepted (only EdDSA and ES256)"
    if entry.header.get("typ") != HEADER_TYP or "crit" in entry.header:
        return f"kid {kid!r}: header typ must be {HEADER_TYP!r}, without crit"
    key = trusted.get(kid) if isinstance(kid, str) else None
    if key is None:
        return f"kid {kid!r} is not a trusted key"
    if _alg_of(key) != alg:
        return f"kid {kid!r} is a {_alg_of(key)} key, the header's alg {alg!r} is refused"
    data = _signing_input(entry.protected, payload)
    try:
        if isinstance(key, Ed25519PublicKey):
            key.verify(entry.signature, data)
        elif len(entry.signature) != 64:
            return f"kid {kid!r}: an ES256 signature is 64 bytes R||S"
        else:
            r, s = (int.from_bytes(entry.signature[i:i + 32], "big") for i in (0, 32))
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return f"kid {kid!r}: the signature does not verify"
    return None


def check_signatures(jws: dict[str, Any] | bytes, trusted: dict[str, PublicKey]) -> bytes:
    """Check 1: at least one signature by a trusted key verifies; returns the signed payload."""
    payload, entries = _envelope(jws)
    reasons = []
    for entry in entries:
        reason = _refusal(entry, trusted, payload)
        if reason is None:
            return _b64url_decode(payload, "payload")
        reasons.append(reason)
    raise CheckpointError(BAD_SIGNATURE, "no signature by a trusted key verifies ("
                          + ("; ".join(reasons) or "no signatures") + f"). {_KEEP}; retry later. "
                          "If it persists, compare your pinned keys with checkpoint-keys.json "
                          "obtained over a trusted channel and alert the publisher.")


def _checked_payload(data: bytes) -> dict[str, Any]:
    payload = _parse_json(data, "the payload")
    shape = {"typ": str, "feed": str, "version": int, "sequence": int,
             "issued_at": str, "expires_at": str, "indexes": dict, "development": bool}
    if not isinstance(payload, dict) or any(
        type(payload.get(name)) is not kind for name, kind in shape.items()
    ):
        raise CheckpointError(MALFORMED, f"the payload lacks a field of {sorted(shape)} or has "
                                         f"one of the wrong type. {_KEEP}.")
    if payload["typ"] != TYP or payload["feed"] != FEED:
        raise CheckpointError(MALFORMED, f"the payload is a {payload['typ']!r} for "
                                         f"{payload['feed']!r}, not a {TYP!r} for {FEED!r}.")
    if payload["version"] < 0 or payload["sequence"] < 0:
        raise CheckpointError(MALFORMED, f"version and sequence are never negative. {_KEEP}.")
    hashes_ = payload["indexes"].values()
    if not all(isinstance(v, str) and _SHA256_HEX.fullmatch(v) for v in hashes_):
        raise CheckpointError(MALFORMED, f"an index hash is not sha256 hex. {_KEEP}.")
    return payload


def check_times(payload: dict[str, Any], now: datetime, skew: timedelta = SKEW) -> None:
    """Check 2: not expired, and not issued in the future (beyond a small clock skew)."""
    issued = _parse_time(payload["issued_at"], "issued_at")
    expires = _parse_time(payload["expires_at"], "expires_at")
    if expires <= now:
        raise CheckpointError(EXPIRED, f"the checkpoint expired at {payload['expires_at']} "
                              f"(now {rfc3339(now)}): a server, mirror or cache serves a stale "
                              f"state. {_KEEP}; retry later and alert the publisher if it "
                              "persists. Check your clock too.")
    if issued > now + skew:
        raise CheckpointError(NOT_YET_VALID, f"the checkpoint is issued at {payload['issued_at']}"
                              f", after now ({rfc3339(now)}): your clock is probably wrong. "
                              f"{_KEEP}; set the clock right (NTP) and retry.")


def check_rollback(payload: dict[str, Any], last_seen: tuple[int, int] | None) -> None:
    """Check 3: version and sequence are not lower than the last accepted ones (equal is fine)."""
    if last_seen is None:
        return
    version, sequence = last_seen
    if payload["version"] < version or payload["sequence"] < sequence:
        raise CheckpointError(ROLLBACK, f"the checkpoint (version {payload['version']}, sequence "
                              f"{payload['sequence']}) is older than the last one you accepted "
                              f"(version {version}, sequence {sequence}): an old state is being "
                              f"replayed. {_KEEP}, never lower your stored marks; retry later "
                              "and alert the publisher if it persists.")


def verify(
    jws: dict[str, Any] | bytes,
    trusted: dict[str, PublicKey],
    now: datetime,
    last_seen: tuple[int, int] | None,
    skew: timedelta = SKEW,
) -> dict[str, Any]:
    """Checks 1–3 in order; returns the payload, whose version and sequence the caller stores.

    Check 4 is `check_file`, once per index downloaded after this succeeded.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    payload = _checked_payload(check_signatures(jws, trusted))
    check_times(payload, now, skew)
    check_rollback(payload, last_seen)
    return payload


def check_file(payload: dict[str, Any], path: str, data: bytes) -> None:
    """Check 4: the downloaded bytes of `path` have exactly the sha256 the checkpoint pins."""
    expected = payload["indexes"].get(path)
    if expected is None:
        raise CheckpointError(UNPINNED_FILE, f"{path} is not pinned by the checkpoint: do not "
                              "use it; take the file names from the checkpoint's indexes.")
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise CheckpointError(HASH_MISMATCH, f"{path}: sha256 {actual} is not the pinned "
                              f"{expected}: the file is tampered, truncated or from another "
                              f"version. {_KEEP}; download it again, retry later.")


# --- test vectors ---------------------------------------------------------------------

_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_LAST_SEEN = {"version": 12, "sequence": 340}
_VECTOR_README = """\
Test vectors for the tthc checkpoint (docs/checkpoint.md). Load keys.json as your trusted
keys, then verify each file with the `now` and `last_seen` given here (last_seen is the
version and sequence your portal accepted last). `expect` is "ok" or the code of the check
that must refuse it; an implementation that accepts any vector whose `expect` is not "ok"
is unsafe. The `files` entries exercise check 4: the sha256 of `file` compared with the
hash that valid.json pins for `path`. The keys here are public test keys derived from
fixed labels: anyone can sign with them, so never trust them outside these tests.
"""


def vector_keys(label: str) -> list[tuple[str, PrivateKey]]:
    """Fixed, PUBLIC (kid, key) pairs derived from `label`: for test vectors only, never trust."""
    seed = hashlib.sha256(f"tthc checkpoint test vectors: {label}: Ed25519".encode()).digest()
    ed25519 = Ed25519PrivateKey.from_private_bytes(seed)
    digest = hashlib.sha256(f"tthc checkpoint test vectors: {label}: P-256".encode()).digest()
    p256 = ec.derive_private_key(int.from_bytes(digest, "big") % (_P256_ORDER - 1) + 1,
                                 ec.SECP256R1())
    return [(key_id(ed25519), ed25519), (key_id(p256), p256)]


def _vector_payload(now: datetime, version: int, sequence: int, issued: timedelta,
                    lifetime: timedelta, index_all: bytes) -> dict[str, Any]:
    indexes = {
        "index/all.json": hashlib.sha256(index_all).hexdigest(),
        "index/bo-cong-an.json": hashlib.sha256(b'{"scope":"bo-cong-an"}\n').hexdigest(),
        f"changes/{sequence // 500:06d}.json": hashlib.sha256(b'{"entries":[]}\n').hexdigest(),
    }
    return make_payload(version, sequence, now + issued, now + issued + lifetime, indexes, False)


def _forged_signature(payload: str, header: dict[str, Any], mac_key: bytes) -> dict[str, str]:
    """An entry whose header claims a refused alg; HS256 keyed with a public key if `mac_key`."""
    protected = b64url(canonical_json(header))
    data = _signing_input(protected, payload)
    signature = hmac.new(mac_key, data, hashlib.sha256).digest() if mac_key else b""
    return {"protected": protected, "signature": b64url(signature)}


def _vectors(now: datetime, keys: list[tuple[str, PrivateKey]],
             wrong_keys: list[tuple[str, PrivateKey]], index_all: tuple[bytes, bytes],
             ) -> list[tuple[str, dict[str, Any], str, int | None, str]]:
    """(file, jws, expected code or "ok", check that refuses it, description) per vector."""
    hour, day = timedelta(hours=1), timedelta(days=1)
    current = _vector_payload(now, 12, 340, -hour, 7 * day, index_all[0])
    valid = sign(current, keys)
    tampered = {**valid, "payload": b64url(canonical_json(
        {**current, "indexes": {**current["indexes"],
                                "index/all.json": hashlib.sha256(index_all[1]).hexdigest()}}))}
    trusted_kid, trusted_key = next((k, v) for k, v in keys if _alg_of(v) == "ES256")
    der = trusted_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"kid": trusted_kid, "typ": HEADER_TYP}
    return [
        ("valid.json", valid, "ok", None, "current, signed by both trusted keys; equal last_seen"),
        ("tampered.json", tampered, BAD_SIGNATURE, 1,
         "valid.json with index/all.json's hash changed after signing"),
        ("wrong-key.json", sign(current, wrong_keys), BAD_SIGNATURE, 1,
         "valid content signed only by keys that are not in keys.json (their own kids)"),
        ("spoofed-kid.json", sign(current, [(kid, w) for (kid, _), (_, w) in
                                            zip(keys, wrong_keys, strict=True)]),
         BAD_SIGNATURE, 1, "signed by untrusted keys that claim the trusted kids"),
        ("alg-none.json", {"payload": valid["payload"], "signatures": [
            _forged_signature(valid["payload"], {**header, "alg": "none"}, b"")]},
         BAD_SIGNATURE, 1, "header alg none with an empty signature: refuse"),
        ("alg-hs256.json", {"payload": valid["payload"], "signatures": [
            _forged_signature(valid["payload"], {**header, "alg": "HS256"}, der)]},
         BAD_SIGNATURE, 1, "HS256 keyed with the trusted P-256 key's DER bytes: refuse"),
        ("expired.json", sign(_vector_payload(now, 12, 340, -8 * day, 7 * day, index_all[0]),
                              keys), EXPIRED, 2, "validly signed, expired a day before now"),
        ("issued-in-future.json",
         sign(_vector_payload(now, 12, 340, hour, 7 * day, index_all[0]), keys),
         NOT_YET_VALID, 2, "validly signed, issued an hour after now (beyond the skew)"),
        ("rolled-back.json", sign(_vector_payload(now, 11, 310, -day, 7 * day, index_all[0]),
                                  keys), ROLLBACK, 3,
         "validly signed, unexpired, version 11 / sequence 310 < last_seen"),
    ]


def write_test_vectors(
    folder: Path,
    now: datetime,
    keys: list[tuple[str, PrivateKey]] | None = None,
    wrong_keys: list[tuple[str, PrivateKey]] | None = None,
) -> list[Path]:
    """Write the vectors, `keys.json` and `vectors.json` into `folder`; same inputs, same bytes.

    Keys default to the public `vector_keys("trusted")` / `vector_keys("untrusted")`, never
    the production keys: a production-signed "valid" vector would be a replayable checkpoint.
    """
    keys = keys if keys is not None else vector_keys("trusted")
    wrong_keys = wrong_keys if wrong_keys is not None else vector_keys("untrusted")
    index_all = (b'{"scope":"all","records":[]}\n', b'{"scope":"all","records":["evil"]}\n')
    files: dict[str, bytes] = {"index-all.json": index_all[0],
                               "index-all-tampered.json": index_all[1],
                               "keys.json": dumps(jwks([key for _, key in keys]))}
    described = []
    for name, jws, expect, check, description in _vectors(now, keys, wrong_keys, index_all):
        files[name] = dumps(jws)
        described.append({"file": name, "expect": expect, "check": check, "now": rfc3339(now),
                          "last_seen": _LAST_SEEN, "description": description})
    files["vectors.json"] = dumps({
        "README": _VECTOR_README, "keys": "keys.json", "skew_seconds": int(SKEW.total_seconds()),
        "vectors": described,
        "files": [{"file": "index-all.json", "checkpoint": "valid.json",
                   "path": "index/all.json", "expect": "ok", "check": 4},
                  {"file": "index-all-tampered.json", "checkpoint": "valid.json",
                   "path": "index/all.json", "expect": HASH_MISMATCH, "check": 4}],
    })
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(files.items()):
        (folder / name).write_bytes(data)
    return [folder / name for name in sorted(files)]
