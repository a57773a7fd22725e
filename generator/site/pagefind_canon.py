"""Make a pagefind bundle a pure function of its input.

pagefind (1.5) writes each filter index from a hash map with a per-process random seed, so
two runs over the same pages list a filter's values in different orders (pagefind issue
#638). The filter files therefore get different bytes and names, and so do the language's
meta file (it names the filter files, in hash-map order too) and `pagefind-entry.json`
(it names the meta file). Fragments and word indexes are already stable.

`canonicalise(bundle)` rewrites, for every language of the bundle:

* each `filter/<lang>_<hash>.pf_filter`, its values sorted by value and each value's page
  list sorted numerically, named like pagefind names it: `<lang>_` and the first 7
  characters of pagefind's hash of the CBOR body;
* `pagefind.<lang>_<hash>.pf_meta`, only its filter names (sorted by filter name) and its
  sort orders (sorted by sort name) changed, named with `len(lang) + 8` hash characters;
* the language's `hash` in `pagefind-entry.json`, the rest of that file kept byte for byte.

The format, read off pagefind's source and its output: every `.pf_*` file is gzip of the
ASCII signature `pagefind_dcd` and a body; the body of a filter, word index or meta file is
one CBOR item (definite lengths, shortest heads, as minicbor writes them; fragments are
JSON). A filter file is `[filter, [[value, [page, ...]], ...]]`. A meta
file is `[version, pages, index_chunks, filters, sorts, meta_fields]` with
`filters = [[filter, hash], ...]` and `sorts = [[sort, [page, ...]], ...]`. pagefind's hash
of a body is SHA-1 written as hex *without zero padding* (each byte formatted `{:x}`).
pagefind.js loads every filter file the meta names and reports values in its own (sorted)
order, so the new order changes nothing a reader sees; page lists were already ascending.

The codec refuses a file that it does not read back to the same bytes, so a format change
in a later pagefind fails the build instead of producing a broken index.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import TypeAlias

SIGNATURE = b"pagefind_dcd"
FILTER_HASH_CHARS = 7             # pagefind: `<lang>_` + 7 characters of the hash

Cbor: TypeAlias = "int | bool | bytes | str | list[Cbor] | dict[Cbor, Cbor] | None"


class CborError(ValueError):
    """Bytes that are not the CBOR subset pagefind writes."""


# ---------------------------------------------------------------- CBOR (RFC 8949 subset)

def _head(major: int, argument: int) -> bytes:
    """The shortest head for a major type and its argument."""
    if argument < 0:
        raise CborError(f"negative CBOR argument {argument}")
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise CborError(f"integer {argument} does not fit in 64 bits")


def encode(value: Cbor) -> bytes:
    """Encode with definite lengths and the shortest form of every head."""
    out = bytearray()
    _encode_into(value, out)
    return bytes(out)


def _encode_into(value: Cbor, out: bytearray) -> None:
    if value is False:
        out.append(0xF4)
    elif value is True:
        out.append(0xF5)
    elif value is None:
        out.append(0xF6)
    elif isinstance(value, int):
        out += _head(0, value) if value >= 0 else _head(1, -1 - value)
    elif isinstance(value, bytes):
        out += _head(2, len(value)) + value
    elif isinstance(value, str):
        data = value.encode("utf-8")
        out += _head(3, len(data)) + data
    elif isinstance(value, list):
        out += _head(4, len(value))
        for item in value:
            _encode_into(item, out)
    elif isinstance(value, dict):
        out += _head(5, len(value))
        for key, item in value.items():
            _encode_into(key, out)
            _encode_into(item, out)
    else:
        raise CborError(f"cannot encode {type(value).__name__} as CBOR")


def decode(data: bytes) -> Cbor:
    """Decode exactly one CBOR item that fills `data`."""
    value, end = _decode_at(memoryview(data), 0)
    if end != len(data):
        raise CborError(f"{len(data) - end} bytes after the CBOR item")
    return value


def _decode_at(data: memoryview, pos: int) -> tuple[Cbor, int]:
    if pos >= len(data):
        raise CborError("CBOR item cut short")
    initial = data[pos]
    major, info = initial >> 5, initial & 0x1F
    pos += 1
    if major == 7:
        simple: dict[int, Cbor] = {20: False, 21: True, 22: None}
        if info not in simple:
            raise CborError(f"unsupported CBOR simple value or float (0x{initial:02x})")
        return simple[info], pos
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        if pos + size > len(data):
            raise CborError("CBOR head cut short")
        argument = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise CborError(f"unsupported CBOR head 0x{initial:02x} (indefinite length?)")
    if major == 0:
        return argument, pos
    if major == 1:
        return -1 - argument, pos
    if major in (2, 3):
        if pos + argument > len(data):
            raise CborError("CBOR string cut short")
        chunk = bytes(data[pos:pos + argument])
        try:
            return (chunk if major == 2 else chunk.decode("utf-8")), pos + argument
        except UnicodeDecodeError as error:
            raise CborError(f"CBOR text is not UTF-8: {error}") from None
    if major == 4:
        items: list[Cbor] = []
        for _ in range(argument):
            item, pos = _decode_at(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        mapping: dict[Cbor, Cbor] = {}
        for _ in range(argument):
            key, pos = _decode_at(data, pos)
            if isinstance(key, list | dict):
                raise CborError("unsupported CBOR map key (array or map)")
            item, pos = _decode_at(data, pos)
            mapping[key] = item
        return mapping, pos
    raise CborError(f"unsupported CBOR tag (0x{initial:02x})")


# ---------------------------------------------------------------- pagefind files

def pagefind_hash(body: bytes) -> str:
    """pagefind's `full_hash`: SHA-1, each byte as hex without zero padding."""
    return "".join(format(byte, "x") for byte in hashlib.sha1(body).digest())


def read_file(path: Path) -> Cbor:
    """The CBOR item of a gzip-compressed pagefind file, checked to re-encode exactly."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise CborError(f"{path}: no pagefind signature")
    body = raw[len(SIGNATURE):]
    value = decode(body)
    if encode(value) != body:
        raise CborError(f"{path}: CBOR not in the shortest form this module writes")
    return value


def pack(body: bytes) -> bytes:
    """A pagefind file's bytes: signature and body, gzip with fixed header and level."""
    return gzip.compress(SIGNATURE + body, compresslevel=9, mtime=0)


def _pairs(value: Cbor, what: str) -> list[list[Cbor]]:
    """`value` as a list of lists whose first item is a string (a name)."""
    if not isinstance(value, list) or not all(
            isinstance(item, list) and item and isinstance(item[0], str) for item in value):
        raise CborError(f"unexpected pagefind layout: {what}")
    return [item for item in value if isinstance(item, list)]


def _page_list(value: Cbor, what: str) -> list[Cbor]:
    """A list of page numbers, sorted."""
    if not isinstance(value, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in value):
        raise CborError(f"unexpected pagefind layout: {what}")
    pages: list[Cbor] = []
    pages.extend(sorted(p for p in value if isinstance(p, int)))
    return pages


def _name_key(item: list[Cbor]) -> str:
    name = item[0]
    assert isinstance(name, str)
    return name


def canonical_filter(value: Cbor, name: str) -> Cbor:
    """A filter index with its values sorted by value and its pages sorted."""
    if not (isinstance(value, list) and len(value) == 2 and value[0] == name):
        raise CborError(f"unexpected pagefind layout: filter file of {name!r}")
    entries = _pairs(value[1], f"values of filter {name!r}")
    if len({_name_key(e) for e in entries}) != len(entries):
        raise CborError(f"filter {name!r} lists a value twice")
    out: list[Cbor] = []
    for entry in sorted(entries, key=_name_key):
        if len(entry) != 2:
            raise CborError(f"unexpected pagefind layout: a value of filter {name!r}")
        out.append([entry[0], _page_list(entry[1], f"pages of filter {name!r}")])
    return [name, out]


def canonicalise(bundle: Path) -> None:
    """Rewrite pagefind's output directory `bundle` (the one holding
    `pagefind-entry.json`) so its bytes depend only on the indexed pages."""
    entry_path = bundle / "pagefind-entry.json"
    entry_text = entry_path.read_bytes().decode("utf-8")
    languages = json.loads(entry_text)["languages"]
    writes: dict[Path, bytes] = {}
    removals: set[Path] = set()
    taken: set[str] = set()       # filter names given so far (all languages share filter/)
    for language in sorted(languages):
        old_meta_hash = languages[language]["hash"]
        meta_path = bundle / f"pagefind.{old_meta_hash}.pf_meta"
        meta = read_file(meta_path)
        if not (isinstance(meta, list) and len(meta) >= 5 and isinstance(meta[0], str)):
            raise CborError(f"unexpected pagefind layout: {meta_path}")
        named_filters = sorted(_pairs(meta[3], "meta filters"), key=_name_key)
        if len({_name_key(item) for item in named_filters}) != len(named_filters):
            raise CborError(f"{meta_path}: a filter listed twice")
        filters: list[Cbor] = []
        for item in named_filters:
            name, old_hash = _name_key(item), item[1] if len(item) == 2 else None
            if not isinstance(old_hash, str):
                raise CborError(f"unexpected pagefind layout: meta entry of filter {name!r}")
            old_path = bundle / "filter" / f"{old_hash}.pf_filter"
            body = encode(canonical_filter(read_file(old_path), name))
            full = f"{language}_{pagefind_hash(body)}"
            short = full[:len(language) + 1 + FILTER_HASH_CHARS]
            while short in taken and len(short) < len(full):
                short = full[:len(short) + 1]       # a collision: lengthen, as pagefind does
            if short in taken:                      # the same name and content twice
                raise CborError(f"{meta_path}: filter {name!r} written twice")
            taken.add(short)
            removals.add(old_path)
            writes[bundle / "filter" / f"{short}.pf_filter"] = pack(body)
            filters.append([name, short])
        meta[3] = filters
        named_sorts = sorted(_pairs(meta[4], "meta sorts"), key=_name_key)
        sorts: list[Cbor] = []
        sorts.extend(named_sorts)       # each sort's page order is meaningful: kept
        meta[4] = sorts
        body = encode(meta)
        new_meta_hash = f"{language}_{pagefind_hash(body)[:len(language) + 8]}"
        removals.add(meta_path)
        writes[bundle / f"pagefind.{new_meta_hash}.pf_meta"] = pack(body)
        entry_text = _replace_once(entry_text, f'"hash":"{old_meta_hash}"',
                                   f'"hash":"{new_meta_hash}"')
        if json.loads(entry_text)["languages"][language]["hash"] != new_meta_hash:
            raise CborError(f"pagefind-entry.json: could not set the hash of {language}")
    for path in sorted(removals):
        path.unlink()
    for path, data in sorted(writes.items()):
        path.write_bytes(data)
    entry_path.write_bytes(entry_text.encode("utf-8"))


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise CborError(f"pagefind-entry.json: expected {old} exactly once")
    return text.replace(old, new)
