"""No backtracking blow-up on untrusted text: every regex that sees config-derived text does linear work.

Audited: every ``pattern`` in ``rules/*.toml`` and ``schemas/*.json`` (the condition compiler runs them with
``re.search`` on config values), and every regex in ``emslint/`` applied to text from scanned files (found by
reading the modules: compiled patterns held by a module, and ``re.*(r"...")`` calls with a literal pattern),
except in the modules listed in TRUSTED_INPUT.

Work is counted with tests/hardening/regex_model.py (a step-counting model of ``re``'s backtracking, checked
against ``re.search`` on every string tried), never timed. For each pattern, pumped strings
``prefix + unit * n + suffix`` made of the pattern's own characters and words are ranked by their steps at a
small size; the costliest are grown (n, 2n) and must at most ~double their steps.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import json
import re
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hardening import ROOT
from tests.hardening.regex_model import Model, StepLimit, pattern_pieces

# Modules whose regexes only see trusted input (command line, settings, rule files, emslint's own text).
TRUSTED_INPUT = {
    "emslint/settings.py": "the settings file and command-line values are configuration, not scanned data",
    "emslint/rules/docs.py": "rule documentation (rule files are trusted configuration)",
    "emslint/rules/validate_file.py": "rule files",
    "emslint/schema/defaults.py": "--ems-version from the command line or settings",
    "emslint/cli.py": "command line",
    "emslint/cli_ciphers.py": "command line",
    "emslint/report/sarif.py": "display paths are matched only for a drive letter at the start (anchored)",
}
# The Lua reader is maintained elsewhere; its regexes are audited here too (read-only).
SMALL, GROWTH = 24, 2.3


def _rule_and_schema_patterns() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    found.append((where, value))
                elif key == "patternProperties" and isinstance(value, dict):
                    found.extend((where, p) for p in value)
                walk(value, where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    for path in sorted((ROOT / "rules").glob("*.toml")):
        walk(tomllib.loads(path.read_text(encoding="utf-8")), path.name)
    for path in sorted((ROOT / "schemas").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), path.name)
    return found


def _flags(node: ast.expr | None) -> int:
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
        return int(getattr(re, node.attr))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flags(node.left) | _flags(node.right)
    return 0


_ANCHORED_CALLS = ("match", "fullmatch")
_FLAGS_ARGUMENT = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2, "split": 3,
                   "sub": 4}


def _module_patterns() -> list[tuple[str, re.Pattern, bool]]:
    """(where, pattern, anchored): anchored when the module only ever applies it with match/fullmatch."""
    found: dict[tuple, tuple[str, re.Pattern, bool]] = {}
    for path in sorted((ROOT / "emslint").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in TRUSTED_INPUT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == "re"
                    and call.func.attr in ("compile", "search", "match", "fullmatch", "sub", "split", "findall",
                                           "finditer")
                    and call.args and isinstance(call.args[0], ast.Constant)):
                continue
            position = _FLAGS_ARGUMENT[call.func.attr]
            flag_arg = call.args[position] if len(call.args) > position else None
            flag_arg = next((kw.value for kw in call.keywords if kw.arg == "flags"), flag_arg)
            compiled = re.compile(call.args[0].value, _flags(flag_arg))
            if call.func.attr == "compile":
                continue  # a compiled pattern: how it is applied is read from the module attribute below
            anchored = call.func.attr in _ANCHORED_CALLS
            found.setdefault((compiled.pattern, compiled.flags), (f"{rel}:{call.lineno}", compiled, anchored))
        source = path.read_text(encoding="utf-8")
        module = importlib.import_module(rel[:-3].replace("/", "."))
        for name, value in vars(module).items():
            for candidate, method in _patterns_in(value):
                if method is None:  # the pattern object itself: how does the module apply it?
                    uses = set(re.findall(rf"\b{re.escape(name)}\.(\w+)\(", source))
                    anchored = bool(uses) and uses <= set(_ANCHORED_CALLS)
                else:
                    anchored = method in _ANCHORED_CALLS
                key = (candidate.pattern, candidate.flags)
                if key in found and found[key][2] and not anchored:
                    del found[key]  # also searched somewhere: audit it as a search
                found.setdefault(key, (f"{rel}:{name}", candidate, anchored))
    return list(found.values())


def _patterns_in(value) -> list[tuple[re.Pattern, str | None]]:
    """(pattern, bound method name or None) held by a module attribute."""
    if isinstance(value, re.Pattern):
        return [(value, None)]
    owner = getattr(value, "__self__", None)
    if isinstance(owner, re.Pattern):
        return [(owner, value.__name__)]
    if isinstance(value, dict):
        return [p for v in value.values() for p in _patterns_in(v)]
    if isinstance(value, (list, tuple)):
        return [p for v in value for p in _patterns_in(v)]
    return []


def _all_patterns() -> list[tuple[str, re.Pattern, bool]]:
    seen: dict[tuple, tuple[str, re.Pattern, bool]] = {}
    for where, text in _rule_and_schema_patterns():  # the condition compiler applies them with re.search
        compiled = re.compile(text)
        seen.setdefault((compiled.pattern, compiled.flags), (where, compiled, False))
    for where, compiled, anchored in _module_patterns():
        seen.setdefault((compiled.pattern, compiled.flags), (where, compiled, anchored))
    return sorted(seen.values(), key=lambda item: item[0])


PATTERNS = _all_patterns()


def _candidates(model: Model) -> list[tuple[str, str, str]]:
    chars, words = pattern_pieces(model)
    atoms = chars[:14]
    units = list(dict.fromkeys(
        atoms + words[:8] + [a + b for a, b in itertools.product(atoms[:7], repeat=2) if a != b]
        + [w + a for w in words[:4] for a in atoms[:4]]
    ))
    prefixes = ["", *words[:4], *(w + atoms[0] for w in words[:2])]
    suffixes = ["", "\x00", "!", *(a + "\x00" for a in atoms[:4])]
    return [(p, u, s) for p in prefixes for u in units for s in suffixes]


def _text(model: Model, prefix: str, unit: str, suffix: str, n: int):
    text = prefix + unit * n + suffix
    return text.encode("latin-1", "replace") if model.bytes else text


def _steps(model: Model, text, anchored: bool = False) -> int:
    matched, steps = model.search(text, anchored=anchored)
    oracle = model.compiled.match(text) if anchored else model.compiled.search(text)
    assert matched == bool(oracle), (model.source, text[:60])  # the model is re
    return steps


def test_every_pattern_is_audited():
    sources = {p.pattern for _, p, _ in PATTERNS}
    assert len(PATTERNS) > 60
    assert any("microserver" in str(s) for s in sources)  # EMS803
    assert any(b"BEGIN" in s for s in sources if isinstance(s, bytes))  # the PEM marker


@pytest.mark.parametrize(("where", "pattern", "anchored"), PATTERNS, ids=[w for w, _, _ in PATTERNS])
def test_pattern_work_is_linear(where, pattern, anchored):
    """Per application: a search over the whole text, or one match at a position (the reader loops that
    call match at successive positions are bounded by the reader's own tests)."""
    model = Model(pattern)
    try:
        ranked = sorted(
            ((_steps(model, _text(model, p, u, s, SMALL), anchored), p, u, s) for p, u, s in _candidates(model)),
            reverse=True,
        )
        for _, prefix, unit, suffix in ranked[:4]:
            small = _steps(model, _text(model, prefix, unit, suffix, 4 * SMALL), anchored)
            large = _steps(model, _text(model, prefix, unit, suffix, 8 * SMALL), anchored)
            assert large <= GROWTH * small + 64, (
                f"{where}: {pattern.pattern!r} on {prefix!r} + {unit!r} * n + {suffix!r}: "
                f"{small} steps at n={4 * SMALL}, {large} at n={8 * SMALL}"
            )
    except StepLimit:
        pytest.fail(f"{where}: {pattern.pattern!r} exceeded the step limit (exponential backtracking)")


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"(?i)^\s*(.*[/\\](etc|microserver)[/\\]*)\s*$", " " * 200 + "x"),  # EMS803 before: quadratic
        (r"(a+)+$", "a" * 16 + "!"),  # exponential
        (r"\s+$", " " * 200 + "x"),  # unanchored: quadratic
    ],
)
def test_the_check_catches_backtracking(pattern, text):
    """A check that cannot fail proves nothing: known quadratic and exponential patterns are caught."""
    model = Model(pattern)
    half = text[: len(text) // 2] + text[-1]
    try:
        small = model.search(half, limit=300_000)[1]
        large = model.search(text, limit=300_000)[1]
    except StepLimit:
        return
    assert large > GROWTH * small + 64


# EMS803 as it was before it judged normalised paths (emslint/facts/virtual_dirs.py): whatever it matched in a
# raw value, the rule still matches in the normalised one (normalising loses no case; it finds more, e.g. /a/..).
_EMS803_BEFORE = (
    r"(?i)^\s*([/\\]+|\.{1,2}[/\\]*|~[/\\]*|[a-z]:[/\\]*|[/\\]+(etc|root|proc|sys|boot|dev)([/\\].*)?|[/\\]+(home|usr"
    r"|var|opt|bin|sbin|lib|lib64|srv|mnt|media)[/\\]*|[/\\]+home[/\\]+[^/\\]+[/\\]*|[a-z]:[/\\]+(windows|program "
    r"files|program files \(x86\)|programdata)([/\\].*)?|[a-z]:[/\\]+users([/\\]+[^/\\]+)?[/\\]*|.*[/\\](etc|"
    r"microserver)[/\\]*|.*[/\\]microserver[/\\]+etc[/\\].*)\s*$"
)
_PATH_PIECES = [" ", "\t", "\n", "\r", "/", "\\", "etc", "microserver", "home", "Users", "c:", "D:", "windows",
                "program files", " (x86)", "programdata", ".", "..", "~", "x", "root", "usr", "lib64", "bob"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PATH_PIECES), max_size=12).map("".join))
def test_ems803_on_normalised_paths_misses_nothing_it_matched_before(text):
    from emslint.facts.virtual_dirs import normalise

    (after,) = [p for w, p, _ in PATTERNS if w.startswith("EMS803")]
    normalised = normalise(text)
    path = normalised["path"]
    if path.startswith("//"):
        return  # a UNC share (two backslashes, server, share): before, it was taken for a local root folder
    if not normalised["absolute"] and ".." in re.split(r"[/\\]+", text.strip()):
        # relative, with "..": "etc/../microserver" is the folder microserver/microserver, which the old pattern
        # took for the microserver folder because it read "/microserver" in the text
        return
    if re.search(_EMS803_BEFORE, text):
        assert after.search(path), (text, path)
