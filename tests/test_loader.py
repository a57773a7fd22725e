"""The loader: exact values, exact positions, and no silent changes."""

from __future__ import annotations

import unicodedata

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.loader import LoadError, load_bytes

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
SCALARS = st.none() | st.booleans() | st.integers(-10**12, 10**12) | TEXT.map(
    lambda s: unicodedata.normalize("NFC", s))
DATA = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(TEXT.map(lambda s: unicodedata.normalize("NFC", s)),
                                      inner, max_size=4), max_leaves=20)


def codes(source: str) -> list[str]:
    return [p.code for p in load_bytes(source.encode(), "t.yaml").problems]


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_round_trip_through_pyyaml_dump(data: object) -> None:
    """Whatever PyYAML writes safely, the loader reads back unchanged and without problems."""
    text = yaml.safe_dump({"x": data}, allow_unicode=True)
    document = load_bytes(text.encode(), "t.yaml")
    assert document.problems == []
    assert document.data == {"x": data}


@settings(max_examples=200, deadline=None)
@given(DATA)
def test_same_values_as_pyyaml_safe_loader(data: object) -> None:
    text = yaml.safe_dump({"x": data}, allow_unicode=True, default_flow_style=True)
    assert load_bytes(text.encode(), "t.yaml").data == yaml.load(text, Loader=yaml.CSafeLoader)


def test_core_scalars() -> None:
    data = load_bytes(b"a: 12\nb: -3\nc: 0x1f\nd: 1.5\ne: true\nf: No\ng: ~\nh: '07'\n", "t").data
    assert data == {"a": 12, "b": -3, "c": 31, "d": 1.5, "e": True, "f": False, "g": None,
                    "h": "07"}


def test_dates_stay_text() -> None:
    assert load_bytes(b"d: 2020-08-03\n", "t").data == {"d": "2020-08-03"}


def test_unquoted_code_is_kept_as_written_for_the_error_message() -> None:
    document = load_bytes(b"ma: 2.000100\n", "t")
    assert document.data == {"ma": 2.0001}  # what YAML means …
    assert document.scalar_source(("ma",)) == "2.000100"  # … and what the official wrote


def test_positions_of_values_and_keys() -> None:
    source = b"a: 1\nb:\n  - x\n  - c: 2\n    d: [3, 4]\n"
    document = load_bytes(source, "t")
    assert document.position(("b", 1, "c")) == (4, 8)
    assert document.position(("b", 1, "d"), key=True) == (5, 5)
    assert document.position(("b", 1, "d", 1)) == (5, 12)
    assert document.position(("b", 7)) == (3, 3)  # nearest existing ancestor
    assert document.position(()) == (1, 1)


def test_duplicate_key_points_at_second_occurrence() -> None:
    document = load_bytes(b"a: 1\nb:\n  c: 1\n  c: 2\n", "t")
    assert [(p.code, p.line, p.column) for p in document.problems] == [("duplicate-key", 4, 3)]


def test_nfd_text_is_reported_with_position() -> None:
    nfd = unicodedata.normalize("NFD", "ten: Tiếng Việt\n")
    document = load_bytes(("a: ok\n" + nfd).encode(), "t")
    assert [(p.code, p.line) for p in document.problems] == [("not-nfc", 2)]


def test_small_aliases_are_fine_but_bombs_are_not() -> None:
    assert load_bytes(b"a: &x [1, 2]\nb: *x\n", "t").data == {"a": [1, 2], "b": [1, 2]}
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    for i, name in enumerate("bcdefg"):
        prev = "abcdefg"[i]
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    with pytest.raises(LoadError) as caught:
        load_bytes(bomb.encode(), "t")
    assert [p.code for p in caught.value.problems] == ["yaml-alias-limit"]


def test_recursive_alias_is_bounded() -> None:
    with pytest.raises(LoadError) as caught:
        load_bytes(b"a: &a [*a]\n", "t")
    assert caught.value.problems[0].code in ("yaml-alias-limit", "yaml-too-deep")


@pytest.mark.parametrize("source", ["a: !!python/object:os.system x\n", "a: !custom 1\n",
                                    "<<: {a: 1}\n", "a: !!binary aGk=\n", "a: !!set {x}\n"])
def test_only_core_tags(source: str) -> None:
    assert codes(source) == ["yaml-tag"]


def test_syntax_errors_are_located() -> None:
    with pytest.raises(LoadError) as caught:
        load_bytes(b"a: 1\nb: [1, 2\nc: 3\n", "t")
    problem = caught.value.problems[0]
    assert problem.code == "yaml-syntax" and problem.line >= 2 and problem.hint


def test_tab_indentation_gets_a_specific_hint() -> None:
    with pytest.raises(LoadError) as caught:
        load_bytes(b"a:\n\tb: 1\n", "t")
    assert "Tab" in caught.value.problems[0].hint


def test_invalid_utf8_position() -> None:
    with pytest.raises(LoadError) as caught:
        load_bytes(b"a: ok\nb: Vi" + b"\xea\xa3t\n", "t")
    problem = caught.value.problems[0]
    assert (problem.code, problem.line, problem.column) == ("not-utf8", 2, 6)
