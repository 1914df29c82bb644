"""The schema compiler against its oracle, jsonschema's Draft202012Validator.

For every schema of a hand-written corpus (every supported keyword) and for the two config schemas, on
hand-picked and hypothesis-generated JSON values: ``is_valid`` agrees, and the set of (instance path,
keyword) of ``errors()`` equals that of jsonschema's ``iter_errors`` (top-level errors; ``anyOf``/``oneOf``/
``not``/``contains`` report one error at the instance in both, ``allOf``/``$ref``/``if`` report their
subschemas' errors in both).

Two documented differences are normalised, never hidden:

* A ``false`` subschema met directly by a descent that adds a path segment (``properties``,
  ``patternProperties``, ``additionalProperties``, ``items``, ``prefixItems``): jsonschema reports it at the
  parent instance (its ``descend`` yields a false-schema error before prepending the path segment), we report
  it at the child (RFC instance location). The oracle comparison drops our last segment for these.
* ``uniqueItems``: jsonschema's sort-based ``uniq`` misses a duplicate when nested ``true``/``1`` sort as
  equal between two equal items (``[[1], [true], [1]]`` passes). The oracle uses jsonschema's own pairwise
  ``equal`` for ``uniqueItems`` instead (``jsonschema.validators.extend``).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema._utils import equal as js_equal

from emslint.schema.compiler import SchemaCompileError, compile_schema

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
SETTINGS = settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _pairwise_unique(validator, unique, instance, schema):
    if unique and validator.is_type(instance, "array"):
        for i, a in enumerate(instance):
            for b in instance[i + 1 :]:
                if js_equal(a, b):
                    yield jsonschema.ValidationError("non-unique elements")
                    return


Oracle = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"uniqueItems": _pairwise_unique})

# --------------------------------------------------------------------------------------- schema corpus

CORPUS: dict[str, dict | bool] = {
    "true": True,
    "false": False,
    "empty": {},
    "type-single": {"type": "integer"},
    "type-list": {"type": ["string", "null", "boolean"]},
    "type-number": {"type": "number"},
    "type-object-array": {"type": ["object", "array"]},
    "const-scalar": {"const": 1},
    "const-bool": {"const": False},
    "const-structure": {"const": {"a": [1, True, None]}},
    "enum-mixed": {"enum": ["ssl", "none", 0, 1.5, True, None, [1], {"a": 1}]},
    "enum-strings": {"enum": ["ssl", "none"]},
    "string-bounds": {"type": "string", "minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$"},
    "pattern-search": {"pattern": "a+b"},
    "pattern-unicode": {"pattern": "^\\w*$", "minLength": 1},
    "number-bounds": {"minimum": -3, "maximum": 10.5, "exclusiveMinimum": -3.5, "exclusiveMaximum": 11},
    "fused-number": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10.5, "description": "d"},
    "fused-boolean-ignores-bounds": {"type": "boolean", "minimum": 1, "maxLength": 0},
    "fused-string-ignores-numbers": {"type": "string", "minimum": 3, "pattern": "b", "maxLength": 3},
    "fused-integer": {"type": "integer", "minimum": -1, "maximum": 3, "minLength": 9},
    "multiple-int": {"multipleOf": 3},
    "multiple-float": {"multipleOf": 0.5},
    "multiple-tiny": {"multipleOf": 0.0001},
    "object-closed": {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer", "minimum": 0}},
        "required": ["a"],
        "additionalProperties": False,
    },
    "object-additional-schema": {"properties": {"a": True}, "additionalProperties": {"type": "number"}},
    "object-pattern-props": {
        "patternProperties": {"^a": {"type": "string"}, "b$": {"maxLength": 1}},
        "additionalProperties": False,
    },
    "object-pattern-and-props": {
        "properties": {"ab": {"const": "x"}},
        "patternProperties": {"^a": {"type": "string"}},
        "additionalProperties": {"type": "null"},
    },
    "object-false-props": {"properties": {"a": False, "b": {"not": {}}}, "additionalProperties": False},
    "object-false-additional-schema": {
        "patternProperties": {"^x": False},
        "additionalProperties": {"$ref": "#/$defs/f"},
        "$defs": {"f": False},
    },
    "property-names": {"propertyNames": {"pattern": "^[a-c]+$", "maxLength": 2}},
    "property-names-false": {"propertyNames": False},
    "sizes": {"minProperties": 1, "maxProperties": 2, "minItems": 1, "maxItems": 3},
    "dependent-required": {"dependentRequired": {"a": ["b", "c"], "b": []}},
    "items": {"items": {"type": "integer"}, "minItems": 1},
    "items-false": {"items": False},
    "prefix-items": {"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False},
    "prefix-items-rest": {"prefixItems": [{"const": 1}], "items": {"type": "string"}},
    "prefix-only": {"prefixItems": [False, True]},
    "contains": {"contains": {"type": "integer"}},
    "contains-bounds": {"contains": {"type": "string"}, "minContains": 2, "maxContains": 3},
    "contains-zero": {"contains": {"const": 1}, "minContains": 0, "maxContains": 1},
    "unique": {"uniqueItems": True},
    "unique-false": {"uniqueItems": False, "items": {"type": "array"}},
    "not": {"not": {"type": "string"}},
    "any-of": {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "integer"}, {"required": ["a"]}]},
    "all-of": {"allOf": [{"type": "object"}, {"required": ["a"]}, {"properties": {"a": {"type": "string"}}}]},
    "one-of": {"oneOf": [{"type": "integer"}, {"minimum": 2}, {"type": "string"}]},
    "if-then-else": {
        "if": {"type": "integer"},
        "then": {"minimum": 3},
        "else": {"type": "string", "minLength": 1},
    },
    "if-then": {"if": {"required": ["a"]}, "then": {"required": ["b"]}},
    "if-else": {"if": {"type": "string"}, "else": {"type": "array", "items": {"type": "null"}}},
    "then-alone": {"then": False, "else": False},
    "ref-defs": {
        "$defs": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}},
        "properties": {"p": {"$ref": "#/$defs/port"}, "q": {"$ref": "#/$defs/port", "maximum": 100}},
    },
    "ref-pointer": {"properties": {"a": {"type": "string"}, "b": {"$ref": "#/properties/a"}}},
    "ref-escaped": {
        "$defs": {"a/b": {"type": "null"}, "c~d": {"type": "boolean"}, "e f": {"const": 1}},
        "items": {"anyOf": [{"$ref": "#/$defs/a~1b"}, {"$ref": "#/$defs/c~0d"}, {"$ref": "#/$defs/e%20f"}]},
    },
    "ref-recursive": {
        "type": ["object", "integer"],
        "properties": {"child": {"$ref": "#"}},
        "additionalProperties": {"type": "string"},
    },
    "ref-recursive-defs": {
        "$ref": "#/$defs/tree",
        "$defs": {
            "tree": {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"$ref": "#/$defs/tree"}]}}
        },
    },
    "annotations": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.invalid/s.json",
        "$comment": "c",
        "title": "t",
        "description": "d",
        "default": 1,
        "examples": [1],
        "deprecated": False,
        "x-emslint": {"secret": True},
        "type": "integer",
    },
    "nested-combinators": {
        "type": "object",
        "properties": {
            "list": {
                "type": "array",
                "items": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["n"]}]},
            },
            "deep": {"allOf": [{"$ref": "#/$defs/d"}, {"not": {"const": {}}}]},
        },
        "$defs": {"d": {"type": "object", "additionalProperties": {"type": "array", "maxItems": 1}}},
    },
}

HAND_INSTANCES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    1.0,
    1.5,
    -3,
    -3.25,
    2,
    3,
    4.5,
    10.5,
    11,
    12,
    100,
    65536,
    2**60,
    1e300,
    -0.0,
    "",
    "a",
    "ab",
    "abc",
    "abcde",
    "ssl",
    "none",
    "aab",
    "x y",
    "é",
    [],
    [1],
    [1, 1],
    [1, 1.0],
    [1, True],
    [0, False],
    [[1], [True]],
    [[1], [True], [1]],
    [{"a": 1}, {"a": 1.0}],
    ["x", "y"],
    ["x", "y", "z", "w"],
    ["s", 1, "t"],
    [1, "a", "b", "c", "d"],
    [None],
    [[]],
    {},
    {"a": "x"},
    {"a": 1},
    {"a": "x", "b": -1},
    {"a": "x", "b": 1, "c": 2},
    {"b": 1},
    {"ab": "x"},
    {"ab": "y"},
    {"ab": None},
    {"ba": "toolong"},
    {"x1": 1},
    {"z": None},
    {"d": 3},
    {"child": {"child": 3}},
    {"child": {"x": 1}},
    {"p": 0, "q": 200},
    {"p": 80, "q": 80},
    {"n": 1},
    {"list": ["a", {"n": 1}, {"m": 1}, 3], "deep": {"k": [1, 2]}},
    {"deep": {}},
    [1, [2, [3, "x"]]],
    {"a": [1, True, None]},
    {"a": 1, "b": 2, "c": 3},
]

KEYS = st.sampled_from(
    ["a", "b", "c", "ab", "ba", "x1", "xa", "n", "p", "q", "list", "deep", "child", ""]
) | st.text(max_size=3)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.5, 1.0, 3.0, -3.5, 10.5, 11.0, 65535, 65536, 1e-5])
    | st.text(max_size=5)
    | st.sampled_from(["ssl", "none", "ab", "aab", "abc", "x"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=20,
)


def _oracle_keys(schema: Any, instance: Any) -> set[tuple[tuple, str]]:
    return {(tuple(e.absolute_path), e.validator or "false") for e in Oracle(schema).iter_errors(instance)}


_PATH_ADDING = ("properties", "patternProperties", "prefixItems")


def _our_keys(validator: Any, instance: Any) -> set[tuple[tuple, str]]:
    keys = set()
    for error in validator.errors(instance):
        path = error.path
        spath = error.schema_path
        if (
            error.keyword == "false"
            and path
            and (
                (len(spath) >= 2 and spath[-2] in _PATH_ADDING)
                or (spath and spath[-1] in ("items", "additionalProperties"))
            )
        ):
            path = path[:-1]  # jsonschema reports a false subschema at the parent (see module docstring)
        keys.add((path, error.keyword))
    return keys


def _agree(schema: Any, instance: Any, validator: Any = None) -> None:
    validator = validator or compile_schema(schema)
    expected_valid = Oracle(schema).is_valid(instance)
    assert validator.is_valid(instance) is expected_valid, (schema, instance)
    assert (validator.errors(instance) == []) is expected_valid
    assert _our_keys(validator, instance) == _oracle_keys(schema, instance), (schema, instance)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_schemas_are_valid_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(CORPUS[name])


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hand_instances_agree_with_jsonschema(name: str) -> None:
    schema = CORPUS[name]
    validator = compile_schema(schema)
    for instance in HAND_INSTANCES:
        _agree(schema, instance, validator)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_generated_instances_agree_with_jsonschema(name: str) -> None:
    schema = CORPUS[name]
    validator = compile_schema(schema)

    @SETTINGS
    @given(JSON)
    def check(instance: Any) -> None:
        _agree(schema, instance, validator)

    check()


def test_every_supported_keyword_is_exercised() -> None:
    from emslint.schema.compiler import SUPPORTED

    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            used.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(list(CORPUS.values()))
    assert used >= SUPPORTED, sorted(SUPPORTED - used)


# ----------------------------------------------------------------------------------- the config schemas


def _config_schema(kind: str) -> dict:
    name = {"ems": "ems-config.schema.json", "lsr": "lsr-scripts.schema.json"}[kind]
    return json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*path, i)))
    return out


def _mutate(document: Any, data: st.DataObject) -> Any:
    doc = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 4))):
        paths = _paths(doc)
        path = data.draw(st.sampled_from(paths))
        if not path:
            continue
        parent = doc
        for token in path[:-1]:
            parent = parent[token]
        action = data.draw(st.sampled_from(["replace", "delete", "add", "rename"]))
        last = path[-1]
        if action == "replace":
            parent[last] = data.draw(JSON)
        elif action == "delete" and isinstance(parent, dict):
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(KEYS)] = data.draw(JSON)
        elif action == "rename" and isinstance(parent, dict):
            parent[str(last).upper()] = parent.pop(last)
    return doc


@pytest.mark.parametrize("kind", ["ems", "lsr"])
def test_config_schema_mutations_agree_with_jsonschema(kind: str) -> None:
    from tests.schema.test_config_schemas import COMPLETE_EMS_5410, COMPLETE_LSR_5410

    schema = _config_schema(kind)
    base = COMPLETE_EMS_5410 if kind == "ems" else COMPLETE_LSR_5410
    validator = compile_schema(schema)
    _agree(schema, base, validator)

    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data: st.DataObject) -> None:
        _agree(schema, _mutate(base, data), validator)

    check()


@pytest.mark.parametrize("kind", ["ems", "lsr"])
def test_config_schema_random_values_agree_with_jsonschema(kind: str) -> None:
    schema = _config_schema(kind)
    validator = compile_schema(schema)

    @SETTINGS
    @given(JSON)
    def check(instance: Any) -> None:
        wrapped = {"scripts": instance} if kind == "lsr" else instance
        _agree(schema, wrapped, validator)

    check()


# ----------------------------------------------------------------------------------------- semantics


def test_json_number_semantics() -> None:
    integer = compile_schema({"type": "integer"})
    assert integer.is_valid(1.0) and integer.is_valid(-0.0) and integer.is_valid(2**70)
    assert not integer.is_valid(True) and not integer.is_valid(1.5)
    number = compile_schema({"type": "number"})
    assert not number.is_valid(False)
    assert not compile_schema({"const": 1}).is_valid(True)
    assert compile_schema({"const": 1}).is_valid(1.0)
    assert not compile_schema({"enum": [0]}).is_valid(False)
    assert not compile_schema({"enum": [[0]]}).is_valid([False])
    assert compile_schema({"minimum": 1}).is_valid(True)  # numeric keywords ignore booleans
    assert not compile_schema({"uniqueItems": True}).is_valid([{"a": 1}, {"a": 1.0}])
    assert compile_schema({"uniqueItems": True}).is_valid([1, True, 0, False])


def test_error_fields() -> None:
    schema = {
        "properties": {"a": {"properties": {"b": {"$ref": "#/$defs/p"}}}},
        "required": ["z"],
        "$defs": {"p": {"maximum": 65535}},
    }
    errors = compile_schema(schema).errors({"a": {"b": 70000}})
    by_keyword = {e.keyword: e for e in errors}
    assert by_keyword["maximum"].path == ("a", "b")
    assert by_keyword["maximum"].schema_path == ("properties", "a", "properties", "b", "$ref", "maximum")
    assert by_keyword["maximum"].message == "above maximum 65535"
    assert by_keyword["required"].path == () and by_keyword["required"].key == "z"
    extra = compile_schema({"additionalProperties": False}).errors({"b": 1, "a": 2})
    assert [(e.path, e.keyword, e.key) for e in extra] == [
        ((), "additionalProperties", "a"),
        ((), "additionalProperties", "b"),
    ]


def test_messages_never_contain_the_instance_value() -> None:
    secret = "S3cr3t-e34dbaf2-0984-4bfb"
    schemas = [
        {"type": "integer"},
        {"enum": ["ssl", "none"]},
        {"const": "x"},
        {"pattern": "^a$"},
        {"maxLength": 3},
        {"not": {"type": "string"}},
        {"anyOf": [{"type": "null"}]},
        {"oneOf": [{"type": "string"}, {"type": "string"}]},
        {"propertyNames": {"maxLength": 2}},
        {"items": {"const": 1}},
        {"uniqueItems": True},
        {"contains": {"const": 1}},
        {"additionalProperties": False},
    ]
    for schema in schemas:
        for instance in (secret, [secret, secret], {secret[:5]: secret}):
            for error in compile_schema(schema).errors(instance):
                assert secret not in error.message, (schema, error)
    assert compile_schema({"enum": ["ssl", "none"]}).errors("x")[0].message == "not one of: ssl, none"
    assert compile_schema({"type": "boolean"}).errors("true")[0].message == "expected boolean, got string"


def test_valid_instance_has_no_errors_and_errors_are_complete() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"enum": [1]}},
        "required": ["c"],
    }
    v = compile_schema(schema)
    assert v.errors({"c": 1, "a": 2}) == []
    assert {e.keyword for e in v.errors({"a": "x", "b": 2})} == {"type", "enum", "required"}


def test_root_parameter_resolves_refs_of_a_subschema() -> None:
    root = {"$defs": {"p": {"type": "integer"}}, "properties": {"x": {"$ref": "#/$defs/p"}}}
    v = compile_schema(root["properties"]["x"], root=root)
    assert v.is_valid(3) and not v.is_valid("3")


# ------------------------------------------------------------------------------------ compile errors


@pytest.mark.parametrize(
    "schema",
    [
        {"format": "uri"},
        {"dependentSchemas": {"a": {}}},
        {"unevaluatedProperties": False},
        {"$dynamicRef": "#x"},
        {"$anchor": "x"},
        {"definitions": {}},
        {"properties": {"a": {"exclusiveMinimun": 1}}},  # a typo deep inside
        {"$defs": {"unused": {"contentMediaType": "text/plain"}}},  # even where nothing refers to it
        {"if": {"format": "date"}},
        {"then": {"readOnly": True}},
        {"$ref": "other.json#/a"},
        {"$ref": "#/$defs/missing"},
        {"$ref": "#anchor"},
        {"$schema": "http://json-schema.org/draft-07/schema#"},
        {"properties": {"a": {"$id": "x"}}},
        {"type": "int"},
        {"type": []},
        {"minimum": "3"},
        {"minimum": True},
        {"multipleOf": 0},
        {"minLength": -1},
        {"maxItems": 1.5},
        {"pattern": "("},
        {"patternProperties": {"[": {}}},
        {"required": "a"},
        {"required": ["a", "a"]},
        {"enum": "a"},
        {"uniqueItems": "yes"},
        {"allOf": []},
        {"anyOf": {}},
        {"items": 3},
        {"properties": []},
        {"dependentRequired": {"a": "b"}},
        {"minContains": -1},
        {"$defs": []},
        3,
        None,
    ],
)
def test_unsupported_or_invalid_schema_raises(schema: Any) -> None:
    with pytest.raises(SchemaCompileError):
        compile_schema(schema)
