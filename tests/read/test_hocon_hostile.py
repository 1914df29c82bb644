"""Hostile HOCON: deep nesting, substitution bombs, huge files, NUL bytes, unterminated strings, include
cycles. Every check is structural or counts work (function calls, callback calls); none uses a timer."""

from __future__ import annotations

import sys
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from emslint.read import hocon_resolve
from emslint.read.hocon_reader import MAX_INCLUDE_DEPTH, MAX_ISSUES, IncludeResult, read_hocon


def calls(fn: Callable[[], object]) -> int:
    """Python and builtin function calls made by ``fn`` (a work count that does not depend on the clock)."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


def assert_linear(make: Callable[[int], str], n: int = 2000) -> None:
    """Doubling the input at most doubles the work (plus 15 % slack for constant costs)."""
    small = calls(lambda: read_hocon(make(n)))
    large = calls(lambda: read_hocon(make(2 * n)))
    assert large <= 2.15 * small, (small, large)


def codes(result) -> set[str]:
    return {i.code for i in result.issues}


def test_deep_nesting_is_capped_without_recursion_errors() -> None:
    for head, opener, closer in (("", "a {", "}"), ("a = ", "[", "]"), ("a = ", "{ b: ", "}"), ("", "{ a: ", "}")):
        text = head + opener * 100_000 + closer * 100_000
        result = read_hocon(text)
        assert "hocon-too-deep" in codes(result)
    result = read_hocon("a = " + "[" * 100_000)  # never closed either
    assert "hocon-too-deep" in codes(result)


def test_substitution_string_bomb_is_capped() -> None:
    lines = ['a0 = "' + "x" * 64 + '"'] + [f"a{i} = ${{a{i - 1}}}${{a{i - 1}}}" for i in range(1, 60)]
    result = read_hocon("\n".join(lines))
    assert "hocon-substitution-too-large" in codes(result)
    assert "/a59" in result.unknown
    assert result.data["a10"] == "x" * 64 * 1024  # below the cap, values are exact


def test_substitution_array_and_object_bombs_are_capped() -> None:
    arrays = ["a0 = [1, 2, 3, 4]"] + [f"a{i} = ${{a{i - 1}}} ${{a{i - 1}}}" for i in range(1, 60)]
    assert "hocon-substitution-too-large" in codes(read_hocon("\n".join(arrays)))
    objects = ["o0 = {x: 1, y: 2}"] + [f"o{i} = {{l: ${{o{i - 1}}}, r: ${{o{i - 1}}}}}" for i in range(1, 40)]
    result = read_hocon("\n".join(objects))
    assert "hocon-substitution-too-large" in codes(result)


def test_long_substitution_chains() -> None:
    forward = "\n".join(["a0 = 1"] + [f"a{i} = ${{a{i - 1}}}" for i in range(1, 5000)])
    assert read_hocon(forward).data["a4999"] == 1  # resolved in order, each once
    backward = "\n".join([f"a{i} = ${{a{i + 1}}}" for i in range(5000)] + ["a5000 = 1"])
    result = read_hocon(backward)
    assert "hocon-substitution-too-large" in codes(result)  # nested more than MAX_RESOLVE_DEPTH
    assert result.data["a4999"] == 1


def test_lookup_steps_are_capped(monkeypatch) -> None:
    monkeypatch.setattr(hocon_resolve, "MAX_STEPS", 100)
    text = "\n".join(["a.b.c.d = 1"] + [f"x{i} = ${{a.b.c.d}}" for i in range(100)])
    result = read_hocon(text)
    assert "hocon-substitution-too-large" in codes(result)


def test_huge_inputs_take_linear_work() -> None:
    assert_linear(lambda n: "".join(f"key{i} = value{i}\n" for i in range(n)))
    assert_linear(lambda n: "".join(f"a.k{i} = {i}\n" for i in range(n)))  # merges into one object
    assert_linear(lambda n: "a = " + "word " * n)
    assert_linear(lambda n: 'a = "' + "\\n\\u0041" * n + '"')
    assert_linear(lambda n: "a = [" + ", ".join(str(i) for i in range(n)) + "]")
    assert_linear(lambda n: "a = 1\n" + "".join(f"a = ${{a}} {i}\n" for i in range(n // 20)), n=400)
    assert_linear(lambda n: "x = " + "?" * n)
    assert_linear(lambda n: "}\n" * n)


def test_many_problems_are_listed_once_each_up_to_a_cap() -> None:
    result = read_hocon("?\n" * 5000)
    assert len(result.issues) == MAX_ISSUES + 1
    assert result.issues[-1].message.startswith("... and ")


def test_nul_and_control_characters() -> None:
    result = read_hocon('a = "x\x00y"\nb = c\x00d\n\x00 = 1')
    assert result.data["b"] == "c\x00d"  # unquoted text may hold control characters (spec)
    assert "hocon-syntax-error" in codes(result)  # not in a quoted string


def test_unterminated_strings_and_substitutions() -> None:
    result = read_hocon('a = "never closed\nb = 1')
    assert result.data == {"a": "never closed", "b": 1}
    result = read_hocon('a = """never closed\nb = 1')
    assert "hocon-syntax-error" in codes(result)
    assert result.data == {"a": "never closed\nb = 1"}
    result = read_hocon("a = ${never.closed")
    assert "hocon-syntax-error" in codes(result)


def test_include_cycles_and_depth() -> None:
    asked: list[str] = []

    def cyclic(name: str) -> IncludeResult:
        asked.append(name)
        other = "b.conf" if name == "a.conf" else "a.conf"
        return IncludeResult(text=f'include "{other}"\n{name[0]} = 1', name=name)

    result = read_hocon('include "a.conf"', include=cyclic)
    assert "hocon-include-cycle" in codes(result)
    assert result.data == {"a": 1, "b": 1}
    assert len(asked) == 3  # a, b, then a again (refused as a cycle)

    asked.clear()

    def chain(name: str) -> IncludeResult:
        asked.append(name)
        n = int(name.split(".")[0][1:])
        return IncludeResult(text=f'include "f{n + 1}.conf"\nk{n} = {n}', name=name)

    result = read_hocon('include "f0.conf"', include=chain)
    assert "hocon-include-refused" in codes(result)
    assert len(asked) == MAX_INCLUDE_DEPTH
    assert result.data == {f"k{i}": i for i in range(MAX_INCLUDE_DEPTH)}


def test_include_fan_out_is_bounded_by_size() -> None:
    """Each file includes the next twice: the work is bounded by the total size cap and the depth cap."""
    asked: list[str] = []

    def fan(name: str) -> IncludeResult:
        asked.append(name)
        n = int(name[1:])
        return IncludeResult(text=f'include "f{n + 1}"\ninclude "f{n + 1}"\nv{n} = {n}', name=name)

    read_hocon('include "f0"', include=fan)
    assert len(asked) <= 2 ** (MAX_INCLUDE_DEPTH + 1)


def test_callback_errors_do_not_crash() -> None:
    def broken(name: str) -> IncludeResult:
        raise OSError("boom")

    result = read_hocon('include "x.conf"\na = 1', include=broken)
    assert result.data == {"a": 1}
    assert codes(result) == {"hocon-include-refused"}


HOCON_CHARS = '{}[]:=+,$?"\\#/.- \n\tab1e0.ntruefalsel\x00\u00a0'


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=HOCON_CHARS, max_size=80) | st.text(max_size=40))
def test_any_text_reads_without_exceptions(text: str) -> None:
    result = read_hocon(text, include=lambda name: IncludeResult(text=text[:20], name=name))
    assert isinstance(result.issues, list)
    assert result.fatal == (result.data is None)
    for issue in result.issues:
        assert issue.line >= 1 and issue.column >= 1
