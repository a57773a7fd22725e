"""pagefind bundles made deterministic (generator/site/pagefind_canon.py).

The CBOR codec against RFC 8949's examples and a round-trip property; the real pagefind
binary run twice over one small Vietnamese site, both bundles canonicalised and compared
byte for byte; and the canonical bundle searched with pagefind.js under Node, filters
included, against the raw bundle and against the pages' own data.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from static_server import serve

from generator.site.pagefind_canon import (
    SIGNATURE,
    Cbor,
    CborError,
    canonicalise,
    decode,
    encode,
    pagefind_hash,
    read_file,
)

# ---------------------------------------------------------------- CBOR codec

RFC_8949_APPENDIX_A: list[tuple[Cbor, str]] = [
    (0, "00"), (1, "01"), (10, "0a"), (23, "17"), (24, "1818"), (25, "1819"),
    (100, "1864"), (1000, "1903e8"), (1000000, "1a000f4240"),
    (1000000000000, "1b000000e8d4a51000"), (18446744073709551615, "1bffffffffffffffff"),
    (-18446744073709551616, "3bffffffffffffffff"), (-1, "20"), (-10, "29"),
    (-100, "3863"), (-1000, "3903e7"),
    (False, "f4"), (True, "f5"), (None, "f6"),
    (b"", "40"), (b"\x01\x02\x03\x04", "4401020304"),
    ("", "60"), ("a", "6161"), ("IETF", "6449455446"), ('"\\', "62225c"),
    ("\u00fc", "62c3bc"), ("\u6c34", "63e6b0b4"), ("\U00010151", "64f0908591"),
    ([], "80"), ([1, 2, 3], "83010203"), ([1, [2, 3], [4, 5]], "8301820203820405"),
    (list(range(1, 26)),
     "98190102030405060708090a0b0c0d0e0f101112131415161718181819"),
    ({}, "a0"), ({1: 2, 3: 4}, "a201020304"), ({"a": 1, "b": [2, 3]}, "a26161016162820203"),
    (["a", {"b": "c"}], "826161a161626163"),
]


@pytest.mark.parametrize(("value", "hex_"), RFC_8949_APPENDIX_A)
def test_rfc_8949_examples(value: Cbor, hex_: str) -> None:
    assert encode(value).hex() == hex_
    assert decode(bytes.fromhex(hex_)) == value


def test_head_boundaries_use_the_shortest_form() -> None:
    for n, size in [(23, 1), (24, 2), (255, 2), (256, 3), (65535, 3), (65536, 5),
                    (2**32 - 1, 5), (2**32, 9)]:
        assert len(encode(n)) == size, n
        assert len(encode(-1 - n)) == size, -1 - n
        if n <= 65536:
            assert len(encode("x" * n)) == size + n
            assert len(encode([0] * n)) == size + n


@pytest.mark.parametrize("hex_", ["9f01ff", "5f40ff", "fb3ff0000000000000", "c11a514b67b0",
                                  "1c", "18", "62c3", "8301", "0000", "62c328"])
def test_decode_refuses_what_pagefind_never_writes(hex_: str) -> None:
    with pytest.raises(CborError):
        decode(bytes.fromhex(hex_))


def test_encode_refuses_out_of_range_values() -> None:
    for bad in (2**64, -(2**64) - 1):
        with pytest.raises(CborError):
            encode(bad)
    with pytest.raises(CborError):
        encode(1.5)  # type: ignore[arg-type]


_ints = st.integers(min_value=-(2**64), max_value=2**64 - 1)
_leaves = _ints | st.text() | st.binary() | st.booleans() | st.none()
_values = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=6)
    | st.dictionaries(st.text(max_size=5) | _ints, inner, max_size=4),
    max_leaves=40,
)


@given(_values)
def test_round_trip(value: Cbor) -> None:
    data = encode(value)
    assert decode(data) == value
    assert encode(decode(data)) == data


def test_pagefind_hash_drops_leading_zeros_of_each_byte() -> None:
    # SHA-1("abc") = a9993e36 4706816a ...: pagefind writes the byte 06 as "6".
    assert pagefind_hash(b"abc") == "a9993e36476816aba3e25717850c26c9cd0d89d"


# ---------------------------------------------------------------- the real pagefind

LEVELS = ["Cấp tỉnh", "Cấp huyện", "Cấp xã", "Cấp bộ"]
FIELDS = ["Hộ tịch", "Đất đai", "Xây dựng", "Thuế", "Giáo dục", "Y tế"]
ONLINE = ["Toàn trình", "Một phần", "Không trực tuyến"]
WORDS = ["thủ", "tục", "hành", "chính", "giấy", "phép", "kinh", "doanh", "đăng", "ký", "kiểm",
         "đang", "dạng", "dáng", "hồ", "sơ", "lệ", "phí", "thời", "hạn", "giải", "quyết", "cơ",
         "quan", "thực", "hiện", "nộp", "trực", "tiếp", "công", "dân", "tổ", "chức"]
MARKER = "bưu"  # only on the pages `_pages` marks; no other word starts with it


def _pages() -> list[dict[str, Any]]:
    rnd = random.Random(638)
    pages = []
    for i in range(30):
        pages.append({
            "url": f"/thu-tuc/{i}/",
            "filters": {"Cấp thực hiện": sorted(rnd.sample(LEVELS, rnd.randint(1, 3))),
                        "Lĩnh vực": [rnd.choice(FIELDS)],
                        "Trực tuyến": [rnd.choice(ONLINE)]},
            "marker": i % 3 == 0,
            "text": " ".join(rnd.choice(WORDS) for _ in range(60)),
        })
    return pages


def _write_site(root: Path, pages: list[dict[str, Any]]) -> None:
    for page in pages:
        spans = "".join(f'<span data-pagefind-filter="{name}">{value}</span>'
                        for name, values in page["filters"].items() for value in values)
        marker = f"<p>Dịch vụ {MARKER} chính công.</p>" if page["marker"] else ""
        path = root / page["url"].strip("/") / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>Thủ tục {page['url']}</title></head><body><main data-pagefind-body>"
            f"<h1>Thủ tục số {page['url']}</h1>{spans}<p>{page['text']}</p>{marker}"
            "</main></body></html>", "utf-8")


def _pagefind(site: Path, out: Path) -> None:
    from pagefind.service import get_executable

    binary = get_executable()
    assert binary is not None, "pagefind[bin] is not installed"
    subprocess.run([str(binary), "--site", str(site), "--output-path", str(out),
                    "--force-language", "vi", "--quiet"], check=True, capture_output=True)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """One site indexed three times: a raw bundle and two canonicalised ones."""
    root = tmp_path_factory.mktemp("pagefind-canon")
    _write_site(root / "site", _pages())
    raw, first, second = root / "raw", root / "first", root / "second"
    for out in (raw, first, second):
        _pagefind(root / "site", out)
    canonicalise(first)
    canonicalise(second)
    return raw, first, second


def test_pagefind_names_files_by_the_hash_this_module_computes(
        bundles: tuple[Path, Path, Path]) -> None:
    raw, _, _ = bundles
    files = [*raw.glob("filter/*.pf_filter"), *raw.glob("index/*.pf_index"),
             *raw.glob("fragment/*.pf_fragment")]
    assert len(files) > 30
    for path in files:
        body = gzip.decompress(path.read_bytes())
        assert body.startswith(SIGNATURE)
        assert path.stem == "vi_" + pagefind_hash(body[len(SIGNATURE):])[:7]
    [meta] = raw.glob("pagefind.*.pf_meta")
    body = gzip.decompress(meta.read_bytes())[len(SIGNATURE):]
    assert meta.name == f"pagefind.vi_{pagefind_hash(body)[:10]}.pf_meta"


def test_two_runs_give_the_same_bytes(bundles: tuple[Path, Path, Path]) -> None:
    _, first, second = bundles
    one, two = _tree(first), _tree(second)
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_canonicalising_again_changes_nothing(
        bundles: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, first, _ = bundles
    again = tmp_path / "again"
    shutil.copytree(first, again)
    canonicalise(again)
    assert _tree(again) == _tree(first)


def test_canonical_layout(bundles: tuple[Path, Path, Path]) -> None:
    raw, first, _ = bundles
    entry = (first / "pagefind-entry.json").read_bytes()
    raw_entry = json.loads((raw / "pagefind-entry.json").read_bytes())
    meta_hash = json.loads(entry)["languages"]["vi"]["hash"]
    # the entry file keeps pagefind's compact form: only the hash differs
    assert entry == (raw / "pagefind-entry.json").read_bytes().replace(
        raw_entry["languages"]["vi"]["hash"].encode(), meta_hash.encode())
    assert [p.name for p in first.glob("*.pf_meta")] == [f"pagefind.{meta_hash}.pf_meta"]
    meta: Any = read_file(first / f"pagefind.{meta_hash}.pf_meta")
    names = [name for name, _ in meta[3]]
    assert names == sorted(names) == ["Cấp thực hiện", "Lĩnh vực", "Trực tuyến"]
    assert sorted(hash_ for _, hash_ in meta[3]) == sorted(
        p.stem for p in first.glob("filter/*.pf_filter"))
    for name, hash_ in meta[3]:
        content: Any = read_file(first / "filter" / f"{hash_}.pf_filter")
        assert content[0] == name
        values = [value for value, _ in content[1]]
        assert values == sorted(values)
        assert all(pages == sorted(pages) for _, pages in content[1])
    # fragments, word indexes and the rest are pagefind's own bytes
    same = {k: v for k, v in _tree(raw).items()
            if not k.startswith("filter/") and not k.endswith(".pf_meta")
            and k != "pagefind-entry.json"}
    assert {k: v for k, v in _tree(first).items() if k in same} == same


def test_a_meta_file_with_an_unknown_layout_is_refused(
        bundles: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, first, _ = bundles
    broken = tmp_path / "broken"
    shutil.copytree(first, broken)
    [meta] = broken.glob("*.pf_meta")
    meta.write_bytes(gzip.compress(SIGNATURE + encode(["1.5.2", [], [], "filters", []])))
    with pytest.raises(CborError):
        canonicalise(broken)


# ---------------------------------------------------------------- search still works

NODE_QUERY = """
const base = process.argv[2];
const pagefind = await import(base + "pagefind.js");
await pagefind.options({ basePath: base });
const urls = async (r) => (await Promise.all(r.results.map((x) => x.data()))).map((d) => d.url);
const out = {
  filters: await pagefind.filters(),
  level: await urls(await pagefind.search(null, { filters: { "Cấp thực hiện": "Cấp xã" } })),
  marker: await urls(await pagefind.search(process.argv[3], {})),
  markerField: await urls(await pagefind.search(process.argv[3],
                                                { filters: { "Lĩnh vực": process.argv[4] } })),
  both: await urls(await pagefind.search(null, { filters: {
    "Cấp thực hiện": { all: ["Cấp tỉnh", "Cấp huyện"] },
    "Trực tuyến": { any: ["Toàn trình", "Một phần"] },
  } })),
};
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def server(bundles: tuple[Path, Path, Path]) -> Iterator[str]:
    """Base URL of a static server for the bundles' folder on 127.0.0.1."""
    with serve(bundles[0].parent, "pagefind-server") as url:
        yield url


def _node() -> str:
    node = shutil.which("node") or "/usr/bin/node"
    if not os.access(node, os.X_OK):
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail("Node.js is needed to run pagefind.js in this test", pytrace=False)
        pytest.skip("Node.js is needed to run pagefind.js in this test")
    return node


def _query(base: str, field: str, tmp_path: Path) -> dict[str, Any]:
    script = tmp_path / "query.mjs"
    script.write_text(NODE_QUERY, "utf-8")
    done = subprocess.run(
        [_node(), "--experimental-network-imports", str(script), base, MARKER, field],
        capture_output=True, text=True, timeout=120, check=False)
    noise = ("ExperimentalWarning", "node --trace-warnings")
    errors = [line for line in done.stderr.splitlines() if not any(n in line for n in noise)]
    assert done.returncode == 0 and errors == [], done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    for key in ("level", "marker", "markerField", "both"):
        result[key] = sorted(result[key])
    return result


def test_search_and_filters_still_work(
        bundles: tuple[Path, Path, Path], server: str, tmp_path: Path) -> None:
    raw, first, _ = bundles
    pages = _pages()
    field = next(p["filters"]["Lĩnh vực"][0] for p in pages if p["marker"])
    canonical = _query(f"{server}{first.name}/", field, tmp_path)

    counts: dict[str, dict[str, int]] = {}
    for page in pages:
        for name, values in page["filters"].items():
            for value in values:
                counts.setdefault(name, {}).setdefault(value, 0)
                counts[name][value] += 1
    assert canonical["filters"] == counts

    def urls(keep: Any) -> list[str]:
        return sorted(p["url"] for p in pages if keep(p))

    assert canonical["level"] == urls(lambda p: "Cấp xã" in p["filters"]["Cấp thực hiện"])
    assert canonical["marker"] == urls(lambda p: p["marker"])
    assert canonical["markerField"] == urls(
        lambda p: p["marker"] and p["filters"]["Lĩnh vực"] == [field])
    assert canonical["both"] == urls(
        lambda p: {"Cấp tỉnh", "Cấp huyện"} <= set(p["filters"]["Cấp thực hiện"])
        and p["filters"]["Trực tuyến"][0] in {"Toàn trình", "Một phần"})
    assert all(canonical[k] for k in ("level", "marker", "markerField", "both"))
    # and exactly what pagefind's own bundle answers
    assert _query(f"{server}{raw.name}/", field, tmp_path) == canonical
