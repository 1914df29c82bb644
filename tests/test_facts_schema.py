"""The facts document is the rules' whole interface: schemas/facts.schema.json describes it, the facts of every
fixture validate against it, and every pointer and message placeholder of every rule exists in it."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from emslint.discover import discover
from emslint.facts.build import build_facts
from emslint.pipeline import read_target
from emslint.rules.catalogue import load_rules
from emslint.schema import load_schema, schema_dir
from emslint.schema.defaults import schema_members
from emslint.settings import SettingsResolver
from tests.fixture_runner import fixture_dirs, prepare

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
CONFIG_SECTIONS = {"ems": "ems", "ems_raw": "ems", "lsr": "lsr", "lsr_raw": "lsr", "connector": "connector",
                   "connector_raw": "connector"}


@cache
def facts_schema() -> dict:
    return json.loads((schema_dir() / "facts.schema.json").read_text(encoding="utf-8"))


@cache
def validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(facts_schema())
    return jsonschema.Draft202012Validator(facts_schema())


def _facts_of(folder: Path, options: dict) -> list[dict]:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        resolver = SettingsResolver(options, cwd=folder)
        targets, _ = discover(["."], include_templates=resolver.run.include_templates)
        out = []
        for target in targets:
            settings = resolver.for_target(target.root)
            out.append(build_facts(target, read_target(target, settings), settings, NOW))
        return out
    finally:
        os.chdir(cwd)


CASES = fixture_dirs("rules")


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_the_facts_of_every_fixture_validate(case: Path, tmp_path: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    options = {k: v for k, v in expected.get("options", {}).items() if k not in ("now", "inject_internal_error")}
    folder = prepare(case, tmp_path)
    for doc in _facts_of(folder, options):
        errors = sorted(validator().iter_errors(json.loads(json.dumps(doc, default=str))), key=str)
        assert not errors, "\n".join(f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])


def test_the_facts_of_the_examples_validate() -> None:
    for name in ("low", "medium", "high", "emessage/low", "emessage/medium", "emessage/high"):
        docs = _facts_of(ROOT / "examples" / name, {})
        assert docs
        for doc in docs:
            validator().validate(json.loads(json.dumps(doc, default=str)))
            if name.startswith("emessage"):
                assert doc["target"]["connector"] == "emessage-connector" and doc["connector"] is not None


def test_the_schema_rejects_what_it_does_not_describe() -> None:
    """A test that cannot fail is a defect: a new top-level key or a wrong type is refused."""
    doc = _facts_of(ROOT / "examples" / "high", {})[0]
    assert not validator().is_valid({**doc, "fips_build": None})
    assert not validator().is_valid({**doc, "target": {**doc["target"], "has_ems": "yes"}})
    assert not validator().is_valid({k: v for k, v in doc.items() if k != "derived"})


# ---- rule pointers and placeholders ----------------------------------------------------------------------


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _follow(schema: dict, root: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = root
        for token in schema["$ref"].removeprefix("#/").split("/"):
            node = node[_unescape(token)]
        schema = node
    if isinstance(schema, dict) and "anyOf" in schema:
        objects = [_follow(s, root) for s in schema["anyOf"] if _follow(s, root).get("type") != "null"]
        return objects[0] if objects else schema
    return schema


def _facts_path(tokens: list[str]) -> list[dict] | None:
    """The schema nodes along ``tokens`` in the facts schema, or None when a token names nothing there."""
    root = facts_schema()
    node = root
    nodes = []
    for token in tokens:
        node = _follow(node, root)
        if token == "*":
            child = node.get("items") or node.get("additionalProperties")
        else:
            child = (node.get("properties") or {}).get(_unescape(token))
        if not isinstance(child, dict):
            return None
        node = child
        nodes.append(_follow(node, root))
    return nodes


@cache
def _config_patterns(kind: str) -> frozenset[str]:
    return frozenset(m.pattern for m in schema_members(kind))


def _config_pointer_ok(section: str, tokens: list[str]) -> bool:
    kind = CONFIG_SECTIONS[section]
    if not tokens:
        return True
    pattern = "/" + "/".join(tokens)
    if kind == "lsr":
        pattern = "/scripts" + pattern
    if pattern in _config_patterns(kind):
        return True
    # a "*" of the rule may stand for an open object's members or array items the schema spells "*"
    return any(_matches(pattern, known) for known in _config_patterns(kind))


def _matches(pattern: str, known: str) -> bool:
    a, b = pattern.split("/"), known.split("/")
    return len(a) == len(b) and all(x == y or x == "*" or y == "*" for x, y in zip(a, b, strict=True))


RULES = sorted(load_rules(None).values(), key=lambda r: r.id)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_rule_pointer_exists(rule) -> None:
    for match in rule.matches:
        tokens = match.pointer.split("/")[1:]
        assert tokens and tokens[0] in facts_schema()["properties"], match.pointer
        if tokens[0] in CONFIG_SECTIONS:
            assert _config_pointer_ok(tokens[0], tokens[1:]), f"{rule.id}: {match.pointer} is in no config schema"
        else:
            assert _facts_path(tokens) is not None, f"{rule.id}: {match.pointer} is not in facts.schema.json"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_detail_placeholder_has_a_detail(rule) -> None:
    """``{detail}`` comes from the innermost object with a "detail" member on the matched path."""
    for match in rule.matches:
        template = match.message or rule.message
        if "{detail}" not in template:
            continue
        tokens = match.pointer.split("/")[1:]
        if tokens[0] in CONFIG_SECTIONS:
            pytest.fail(f"{rule.id}: {{detail}} over {match.pointer}, a config value, has no detail")
        nodes = _facts_path(tokens) or []
        assert any("detail" in (n.get("properties") or {}) for n in nodes), f"{rule.id}: {match.pointer}"


def test_the_config_schemas_are_the_ones_loaded() -> None:
    assert load_schema("ems")["title"] and load_schema("lsr")["title"] and load_schema("connector")["title"]
