"""The checkpoint for portals without a TUF client: real signatures, the four checks, the
vectors, and a JDK verifier proving that a non-Python stack accepts and refuses the same files.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.feeds import checkpoint as cp

NOW = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
KEYS = cp.vector_keys("tests")
OTHER_KEYS = cp.vector_keys("tests: attacker")
TRUSTED = {kid: key.public_key() for kid, key in KEYS}
ED_KID, ES_KID = (kid for kid, _ in KEYS)
INDEX_ALL = b'{"scope":"all"}\n'
JAVA_VERIFIER = Path(__file__).parent / "jws" / "VerifyCheckpoint.java"
# The source launcher compiles the file on each run; C1 only and the serial GC halve that.
JAVA_FAST_START = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def _payload(version: int = 12, sequence: int = 340, issued: timedelta = timedelta(hours=-1),
             lifetime: timedelta = timedelta(days=1)) -> dict[str, Any]:
    indexes = {"index/all.json": hashlib.sha256(INDEX_ALL).hexdigest(),
               "index/bo-cong-an.json": "0" * 64, "changes/000012.json": "f" * 64}
    return cp.make_payload(version, sequence, NOW + issued, NOW + issued + lifetime, indexes,
                           development=True)


def _refused(jws: dict[str, Any] | bytes, code: str, now: datetime = NOW,
             last_seen: tuple[int, int] | None = None) -> str:
    with pytest.raises(cp.CheckpointError) as caught:
        cp.verify(jws, TRUSTED, now, last_seen)
    assert caught.value.code == code, caught.value
    return caught.value.message


def _forged(jws: dict[str, Any], header: dict[str, Any], signature: bytes) -> dict[str, Any]:
    protected = cp.b64url(cp.canonical_json(header))
    return {"payload": jws["payload"],
            "signatures": [{"protected": protected, "signature": cp.b64url(signature)}]}


def _signing_input(jws: dict[str, Any], header: dict[str, Any]) -> bytes:
    return f"{cp.b64url(cp.canonical_json(header))}.{jws['payload']}".encode("ascii")


# --- payload, signing, round trip -----------------------------------------------------


def test_payload_has_the_documented_fields_and_utc_times() -> None:
    payload = _payload()
    assert sorted(payload) == ["development", "expires_at", "feed", "indexes", "issued_at",
                               "sequence", "typ", "version"]
    assert (payload["typ"], payload["feed"]) == ("tthc-checkpoint", "api/v1")
    assert payload["issued_at"] == "2025-07-01T07:00:00Z"
    assert payload["expires_at"] == "2025-07-02T07:00:00Z"
    with pytest.raises(ValueError):
        cp.make_payload(1, 1, NOW, NOW - timedelta(seconds=1), {}, False)
    with pytest.raises(ValueError):
        cp.make_payload(1, 1, NOW.replace(tzinfo=None), NOW + timedelta(1), {}, False)


def test_round_trip_as_dict_and_as_published_bytes() -> None:
    jws = cp.sign(_payload(), KEYS)
    assert cp.verify(jws, TRUSTED, NOW, None) == _payload()
    assert cp.verify(cp.dumps(jws), TRUSTED, NOW, (12, 340)) == _payload()
    headers = [json.loads(base64.urlsafe_b64decode(s["protected"] + "==")) for s in
               jws["signatures"]]
    assert headers == [{"alg": "EdDSA", "kid": ED_KID, "typ": "tthc-checkpoint+jws"},
                       {"alg": "ES256", "kid": ES_KID, "typ": "tthc-checkpoint+jws"}]
    payload_bytes = base64.urlsafe_b64decode(jws["payload"] + "==")
    assert payload_bytes == json.dumps(_payload(), sort_keys=True, separators=(",", ":")).encode()


@pytest.mark.parametrize("kid", [ED_KID, ES_KID], ids=["EdDSA only", "ES256 only (.NET)"])
def test_one_trusted_key_suffices(kid: str) -> None:
    jws = cp.sign(_payload(), KEYS)
    assert cp.verify(jws, {kid: TRUSTED[kid]}, NOW, None)["version"] == 12


def test_unknown_kids_are_ignored_when_a_trusted_signature_verifies() -> None:
    jws = cp.sign(_payload(), OTHER_KEYS + KEYS[1:])
    assert cp.verify(jws, TRUSTED, NOW, None)["sequence"] == 340


def test_es256_signature_is_64_bytes_r_s_and_signing_is_deterministic() -> None:
    first, second = cp.sign(_payload(), KEYS), cp.sign(_payload(), KEYS)
    assert first == second
    assert [len(base64.urlsafe_b64decode(s["signature"] + "==")) for s in first["signatures"]] \
        == [64, 64]


@settings(max_examples=25, deadline=None)
@given(version=st.integers(0, 2**53), sequence=st.integers(0, 2**53),
       indexes=st.dictionaries(st.text(min_size=1, max_size=30),
                               st.binary(max_size=20).map(lambda b: hashlib.sha256(b).hexdigest()),
                               max_size=4))
def test_sign_then_verify_gives_the_payload_back(version: int, sequence: int,
                                                 indexes: dict[str, str]) -> None:
    payload = cp.make_payload(version, sequence, NOW, NOW + timedelta(hours=1), indexes, False)
    assert cp.verify(cp.dumps(cp.sign(payload, KEYS)), TRUSTED, NOW, (version, sequence)) == payload


def test_jwks_round_trip_and_a_mislabelled_kid_is_refused() -> None:
    document = cp.jwks([key for _, key in KEYS])
    assert [(k["kty"], k["crv"], k["kid"]) for k in document["keys"]] == [
        ("OKP", "Ed25519", ED_KID), ("EC", "P-256", ES_KID)]
    assert cp.load_jwks(document).keys() == TRUSTED.keys()
    document["keys"][0]["kid"] = ES_KID
    with pytest.raises(ValueError, match="not the key's id"):
        cp.load_jwks(document)


def test_kid_is_sha256_of_the_der_public_key() -> None:
    key = KEYS[0][1].public_key()
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    assert cp.key_id(key) == hashlib.sha256(der).hexdigest()[:16] == ED_KID


# --- the four checks, each with its own code -------------------------------------------


def test_check_1_tampered_payload_is_refused() -> None:
    jws = cp.sign(_payload(), KEYS)
    jws["payload"] = cp.b64url(cp.canonical_json(_payload(version=13)))
    message = _refused(jws, cp.BAD_SIGNATURE)
    assert "does not verify" in message and "Keep your current data" in message


def test_check_1_untrusted_keys_are_refused() -> None:
    assert "not a trusted key" in _refused(cp.sign(_payload(), OTHER_KEYS), cp.BAD_SIGNATURE)


def test_check_1_untrusted_keys_claiming_trusted_kids_are_refused() -> None:
    spoofed = [(kid, other) for (kid, _), (_, other) in zip(KEYS, OTHER_KEYS, strict=True)]
    assert "does not verify" in _refused(cp.sign(_payload(), spoofed), cp.BAD_SIGNATURE)


def test_check_2_expired_is_refused_also_at_the_expiry_second() -> None:
    jws = cp.sign(_payload(lifetime=timedelta(hours=1)), KEYS)
    assert "expired at 2025-07-01T08:00:00Z" in _refused(jws, cp.EXPIRED)
    assert cp.verify(jws, TRUSTED, NOW - timedelta(seconds=1), None)


def test_check_2_issued_in_the_future_is_refused_beyond_the_skew() -> None:
    assert "clock" in _refused(cp.sign(_payload(issued=timedelta(minutes=6)), KEYS),
                               cp.NOT_YET_VALID)
    assert cp.verify(cp.sign(_payload(issued=timedelta(minutes=4)), KEYS), TRUSTED, NOW, None)


@pytest.mark.parametrize("last_seen", [(13, 340), (12, 341), (99, 0)])
def test_check_3_rollback_is_refused(last_seen: tuple[int, int]) -> None:
    message = _refused(cp.sign(_payload(), KEYS), cp.ROLLBACK, last_seen=last_seen)
    assert "never lower your stored marks" in message


@pytest.mark.parametrize("last_seen", [None, (12, 340), (11, 339), (0, 0)])
def test_check_3_equal_or_newer_is_accepted(last_seen: tuple[int, int] | None) -> None:
    assert cp.verify(cp.sign(_payload(), KEYS), TRUSTED, NOW, last_seen)["version"] == 12


def test_check_4_each_index_must_match_its_pinned_hash() -> None:
    payload = cp.verify(cp.sign(_payload(), KEYS), TRUSTED, NOW, None)
    cp.check_file(payload, "index/all.json", INDEX_ALL)
    with pytest.raises(cp.CheckpointError) as caught:
        cp.check_file(payload, "index/all.json", INDEX_ALL[:-1])
    assert caught.value.code == cp.HASH_MISMATCH and "download it again" in caught.value.message
    with pytest.raises(cp.CheckpointError) as caught:
        cp.check_file(payload, "index/bo-tai-chinh.json", b"{}")
    assert caught.value.code == cp.UNPINNED_FILE


def test_the_checks_run_in_order_signature_first() -> None:
    expired_and_old = cp.sign(_payload(version=1, lifetime=timedelta(minutes=1)), OTHER_KEYS)
    _refused(expired_and_old, cp.BAD_SIGNATURE, last_seen=(12, 340))
    _refused(cp.sign(_payload(version=1, lifetime=timedelta(minutes=1)), KEYS), cp.EXPIRED,
             last_seen=(12, 340))


# --- algorithm confusion ----------------------------------------------------------------


def _hs256_with_public_key(jws: dict[str, Any]) -> dict[str, Any]:
    header = {"alg": "HS256", "kid": ES_KID, "typ": "tthc-checkpoint+jws"}
    der = TRUSTED[ES_KID].public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    return _forged(jws, header, hmac.new(der, _signing_input(jws, header), "sha256").digest())


def _none(jws: dict[str, Any]) -> dict[str, Any]:
    return _forged(jws, {"alg": "none", "kid": ED_KID, "typ": "tthc-checkpoint+jws"}, b"")


def _eddsa_on_the_p256_key(jws: dict[str, Any]) -> dict[str, Any]:
    header = {"alg": "EdDSA", "kid": ES_KID, "typ": "tthc-checkpoint+jws"}
    ed_key = KEYS[0][1]
    assert isinstance(ed_key, Ed25519PrivateKey)
    return _forged(jws, header, ed_key.sign(_signing_input(jws, header)))


def _es256_on_the_ed25519_key(jws: dict[str, Any]) -> dict[str, Any]:
    header = {"alg": "ES256", "kid": ED_KID, "typ": "tthc-checkpoint+jws"}
    es_key = KEYS[1][1]
    assert isinstance(es_key, ec.EllipticCurvePrivateKey)
    signed = cp.sign(_payload(), [(ED_KID, es_key)])  # a genuine ES256 signature, wrong kid
    assert json.loads(base64.urlsafe_b64decode(signed["signatures"][0]["protected"] + "==")) \
        == header
    return signed


def _wrong_typ(jws: dict[str, Any]) -> dict[str, Any]:
    header = {"alg": "EdDSA", "kid": ED_KID, "typ": "JWT"}
    ed_key = KEYS[0][1]
    assert isinstance(ed_key, Ed25519PrivateKey)
    return _forged(jws, header, ed_key.sign(_signing_input(jws, header)))


@pytest.mark.parametrize("forge", [_hs256_with_public_key, _none, _eddsa_on_the_p256_key,
                                   _es256_on_the_ed25519_key, _wrong_typ])
def test_alg_confusion_is_refused(forge: Any) -> None:
    message = _refused(forge(cp.sign(_payload(), KEYS)), cp.BAD_SIGNATURE)
    assert "never accepted" in message or "refused" in message or "typ must be" in message


@pytest.mark.parametrize("signature", [b"", b"\0" * 63, b"\0" * 64, b"\xff" * 64, b"\0" * 65],
                         ids=["empty", "short", "zeros", "r-s-out-of-range", "long"])
def test_degenerate_signatures_are_refused(signature: bytes) -> None:
    jws = cp.sign(_payload(), KEYS)
    jws["signatures"] = [{**entry, "signature": cp.b64url(signature)}
                         for entry in jws["signatures"]]
    _refused(jws, cp.BAD_SIGNATURE)


# --- malformed input ------------------------------------------------------------------


def _with(jws: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**jws, **changes}


@pytest.mark.parametrize("damage", [
    lambda jws: cp.dumps(jws)[:-10],                                   # truncated download
    lambda jws: {"payload": jws["payload"]},                           # no signatures
    lambda jws: _with(jws, payload=jws["payload"] + "="),              # padding
    lambda jws: _with(jws, payload=jws["payload"].replace("e", "+")),  # another alphabet
    lambda jws: _with(jws, signatures=["x"]),                          # entry not an object
])
def test_malformed_checkpoints_are_refused(damage: Any) -> None:
    _refused(damage(cp.sign(_payload(), KEYS)), cp.MALFORMED)


def test_a_signed_payload_of_the_wrong_shape_is_malformed() -> None:
    wrong = {**_payload(), "version": "12"}
    _refused(cp.sign(wrong, KEYS), cp.MALFORMED)
    _refused(cp.sign({**_payload(), "feed": "api/v2"}, KEYS), cp.MALFORMED)


# --- test vectors ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("vectors")
    cp.write_test_vectors(folder, NOW)
    return folder


def _described(folder: Path) -> dict[str, Any]:
    described: dict[str, Any] = json.loads((folder / "vectors.json").read_text("utf-8"))
    return described


def test_the_vectors_named_in_the_brief_are_there(vectors: Path) -> None:
    described = {v["file"]: v["expect"] for v in _described(vectors)["vectors"]}
    assert {name: described[name] for name in ["valid.json", "tampered.json",
                                               "rolled-back.json", "expired.json",
                                               "wrong-key.json"]} == {
        "valid.json": "ok", "tampered.json": cp.BAD_SIGNATURE, "rolled-back.json": cp.ROLLBACK,
        "expired.json": cp.EXPIRED, "wrong-key.json": cp.BAD_SIGNATURE}
    assert "never trust them" in _described(vectors)["README"]


def test_the_vectors_behave_as_described(vectors: Path) -> None:
    described = _described(vectors)
    trusted = cp.load_jwks(json.loads((vectors / described["keys"]).read_text("utf-8")))
    outcomes = {}
    for vector in described["vectors"]:
        last = vector["last_seen"]
        now = datetime.strptime(vector["now"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        try:
            cp.verify((vectors / vector["file"]).read_bytes(), trusted, now,
                      (last["version"], last["sequence"]))
            outcomes[vector["file"]] = "ok"
        except cp.CheckpointError as error:
            outcomes[vector["file"]] = error.code
    assert outcomes == {v["file"]: v["expect"] for v in described["vectors"]}


def test_the_file_vectors_behave_as_described(vectors: Path) -> None:
    trusted = cp.load_jwks(json.loads((vectors / "keys.json").read_text("utf-8")))
    for case in _described(vectors)["files"]:
        payload = cp.verify((vectors / case["checkpoint"]).read_bytes(), trusted, NOW, None)
        try:
            cp.check_file(payload, case["path"], (vectors / case["file"]).read_bytes())
            outcome = "ok"
        except cp.CheckpointError as error:
            outcome = error.code
        assert outcome == case["expect"], case


def test_vectors_are_the_same_bytes_every_time(vectors: Path, tmp_path: Path) -> None:
    written = cp.write_test_vectors(tmp_path, NOW)
    assert [p.name for p in written] == sorted(p.name for p in vectors.iterdir())
    assert all(p.read_bytes() == (vectors / p.name).read_bytes() for p in written)
    other = cp.write_test_vectors(tmp_path / "later", NOW + timedelta(days=1))
    assert (tmp_path / "later" / "valid.json").read_bytes() != (vectors / "valid.json").read_bytes()
    assert len(other) == len(written)


# --- a non-Python verifier: the JDK ---------------------------------------------------


def _java(args: list[str]) -> tuple[int, str]:
    command = ["java", *JAVA_FAST_START, str(JAVA_VERIFIER), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    return done.returncode, done.stdout.strip() + done.stderr.strip()


@pytest.fixture(scope="module")
def java_outcomes(vectors: Path) -> dict[str, tuple[int, str]]:
    """Every vector (and file check) through `java VerifyCheckpoint.java`, run in parallel."""
    if shutil.which("java") is None:
        pytest.skip("no `java` on PATH: the JDK 17 verifier (tests/jws/) cannot run here")
    described = _described(vectors)
    runs: dict[str, list[str]] = {}
    for vector in described["vectors"]:
        last = vector["last_seen"]
        runs[vector["file"]] = [str(vectors / vector["file"]), str(vectors / described["keys"]),
                                vector["now"], "--last", str(last["version"]),
                                str(last["sequence"])]
    for case in described["files"]:
        runs[case["file"]] = [str(vectors / case["checkpoint"]), str(vectors / "keys.json"),
                              cp.rfc3339(NOW), "--file", case["path"], str(vectors / case["file"])]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(runs, pool.map(_java, runs.values()), strict=True))


def test_java_verifier_agrees_with_every_vector(
    vectors: Path, java_outcomes: dict[str, tuple[int, str]]
) -> None:
    described = _described(vectors)
    expected = {case["file"]: case["expect"] for case in described["vectors"] + described["files"]}
    actual = {}
    for name, (code, output) in java_outcomes.items():
        assert code in (0, 1), f"{name}: java exited {code}: {output}"
        actual[name] = "ok" if code == 0 and output.startswith("OK ") else \
            output.removeprefix("FAIL ").split(":")[0]
    assert actual == expected
    assert java_outcomes["valid.json"][1] == "OK version=12 sequence=340"
