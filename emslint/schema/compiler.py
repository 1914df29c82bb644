"""A JSON Schema 2020-12 subset, compiled once into Python closures.

Why not ``jsonschema``: it is about 400x slower per validation and costs ~90 ms of import (see
docs/decisions/0002-schema-validator.md). ``jsonschema`` stays the test oracle
(tests/schema/test_compiler.py).

Every schema node becomes a pair of closures: ``valid(x) -> bool`` (short-circuits, allocates nothing) and
``collect(x, path, schema_path, out)``, which is only called on a node whose ``valid`` returned False and
appends every error beneath it. So ``errors()`` on a valid document costs one ``is_valid``.

Supported keywords are listed in ``SUPPORTED``; annotations (``ANNOTATIONS`` and any ``x-*``) are ignored;
any other keyword raises :class:`SchemaCompileError` at compile time, so that no schema is silently
half-checked. JSON semantics: ``true``/``false`` are not numbers, ``1.0`` is an integer, ``1 == 1.0``.

Error messages never contain the instance value (it could be a secret): they name the expected type, the
allowed values, the limit or the pattern instead. Where errors are reported mirrors ``jsonschema``'s
``iter_errors``: one error per failing leaf keyword; ``anyOf``/``oneOf``/``not``/``contains`` report one error
at the instance itself; ``allOf``/``$ref``/``if``-``then``-``else`` report the errors of their subschemas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

from emslint.pointers import escape_token, unescape_token

Path = tuple[str | int, ...]
Check = Callable[[Any], bool]
Search = Callable[[str], "re.Match[str] | None"]  # a compiled pattern's ``search``
Collect = Callable[[Any, Path, Path, list["SchemaError"]], None]

SUPPORTED = frozenset(
    (
        "type",
        "const",
        "enum",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "multipleOf",
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
        "items",
        "prefixItems",
        "contains",
        "minContains",
        "maxContains",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "dependentRequired",
        "not",
        "anyOf",
        "allOf",
        "oneOf",
        "if",
        "then",
        "else",
        "$ref",
        "$defs",
    )
)
ANNOTATIONS = frozenset(
    ("title", "description", "default", "examples", "deprecated", "$schema", "$id", "$comment")
)
DRAFT_2020_12 = (
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2020-12/schema#",
)
TYPE_NAMES = ("null", "boolean", "object", "array", "number", "string", "integer")


class SchemaCompileError(ValueError):
    """The schema uses a keyword this compiler does not support, or a keyword has an invalid value."""


@dataclass(frozen=True, slots=True)
class SchemaError:
    path: Path  # instance location (keys and array indexes)
    keyword: str  # the failing keyword ("false" for a false schema)
    message: str  # never contains the instance value
    schema_path: Path  # keywords from the schema root; "$ref" marks where a reference was followed
    key: str | None = None  # the property concerned (required, additionalProperties, dependentRequired)


class Validator:
    """A compiled schema. Thread-safe and reusable; compile once, validate many times."""

    __slots__ = ("_node", "schema")

    def __init__(self, node: _Node, schema: Any) -> None:
        self._node = node
        self.schema = schema

    def is_valid(self, instance: Any) -> bool:
        return self._node.valid(instance)

    def errors(self, instance: Any) -> list[SchemaError]:
        node = self._node
        if node.valid(instance):
            return []
        out: list[SchemaError] = []
        node.collect(instance, (), (), out)
        return out


def compile_schema(schema: dict[str, Any] | bool, *, root: dict[str, Any] | None = None) -> Validator:
    """Compile ``schema``; ``$ref``s resolve against ``root`` (default: ``schema`` itself)."""
    ctx = _Context(schema if root is None else root)
    prefix = "" if root is None or root is schema else "entry:"
    node = ctx.compile(schema, prefix)
    return Validator(node, schema)


# --------------------------------------------------------------------------------------------- JSON helpers


def _is_number(x: Any) -> bool:
    cls = x.__class__
    if cls is int or cls is float:
        return True
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:
    cls = x.__class__
    if cls is int:
        return True
    if cls is bool:
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


_TYPE_CHECKS: dict[str, Check] = {
    "null": lambda x: x is None,
    "boolean": lambda x: isinstance(x, bool),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "number": _is_number,
    "integer": _is_integer,
}


def json_type(x: Any) -> str:
    """The JSON type name of a Python value (integers that are floats, like 1.0, say "number")."""
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "boolean"
    if isinstance(x, int):
        return "integer"
    if isinstance(x, float):
        return "number"
    if isinstance(x, str):
        return "string"
    if isinstance(x, list):
        return "array"
    if isinstance(x, dict):
        return "object"
    return type(x).__name__


def json_equal(a: object, b: object) -> bool:
    """Equality in the JSON sense: ``True != 1``, ``1 == 1.0``, recursively."""
    if a is b:
        return True
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return len(a) == len(b) and all(k in b and json_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        return False
    return a == b


def _freeze(x: Any) -> Any:
    """A hashable form in which two values are equal iff they are JSON-equal."""
    if isinstance(x, bool):
        return ("b", x)
    if isinstance(x, (int, float)):
        return ("n", x)
    if isinstance(x, str):
        return ("s", x)
    if x is None:
        return ("z",)
    if isinstance(x, list):
        return ("a", tuple(_freeze(i) for i in x))
    if isinstance(x, dict):
        return ("o", frozenset((k, _freeze(v)) for k, v in x.items()))
    return ("?", id(x))


def _unique(items: list[Any]) -> bool:
    seen: set[Any] = set()
    for item in items:
        frozen = _freeze(item)
        if frozen in seen:
            return False
        seen.add(frozen)
    return True


def _show(value: Any, limit: int = 40) -> str:
    """A schema value (never an instance value) for a message."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show_key(key: Any) -> str:
    return repr(_show(str(key), 60))


# ------------------------------------------------------------------------------------------- compile context


class _Node:
    __slots__ = ("collect", "valid")

    def __init__(self) -> None:
        self.valid: Check = _true
        self.collect: Collect = _collect_nothing


def _true(_x: Any) -> bool:
    return True


def _collect_nothing(_x: Any, _p: Path, _s: Path, _out: list[SchemaError]) -> None:
    return None


class _Kw:
    """One compiled keyword: ``ok`` decides, ``collect`` (called only when ``ok`` failed) reports."""

    __slots__ = ("collect", "group", "ok", "types")

    def __init__(self, group: str, ok: Check, collect: Collect) -> None:
        self.group = group  # "any" | "str" | "num" | "arr" | "obj": which instances the keyword applies to
        self.ok = ok
        self.collect = collect
        self.types: tuple[str, ...] = ()  # for ``type``: the allowed type names


class _Context:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.nodes: dict[tuple[int, str], _Node] = {}
        self.pending: set[int] = set()  # ids of nodes being compiled (a $ref to one of them is recursive)

    def compile(self, schema: Any, ptr: str) -> _Node:
        key = (id(schema), ptr)
        cached = self.nodes.get(key)
        if cached is not None:
            return cached
        node = _Node()
        self.nodes[key] = node
        self.pending.add(id(node))
        if schema is True or schema is False:
            _fill_boolean(node, schema)
        elif isinstance(schema, dict):
            _fill(node, schema, self, ptr)
        else:
            raise SchemaCompileError(f"{ptr or '#'}: a schema must be an object or a boolean")
        self.pending.discard(id(node))
        return node

    def sub(self, schema: Any, ptr: str) -> _Node:
        if not (isinstance(schema, dict) or schema is True or schema is False):
            raise SchemaCompileError(f"{ptr}: a schema must be an object or a boolean")
        return self.compile(schema, ptr)

    def ref(self, ref: str, ptr: str) -> _Node:
        if ref == "#":
            return self.compile(self.root, "")
        if not ref.startswith("#/"):
            raise SchemaCompileError(f"{ptr}: only local references ('#', '#/...') are supported: {ref!r}")
        target: Any = self.root
        for raw in ref[2:].split("/"):
            token = unescape_token(unquote(raw))
            if isinstance(target, dict) and token in target:
                target = target[token]
            elif isinstance(target, list) and token.isdigit() and int(token) < len(target):
                target = target[int(token)]
            else:
                raise SchemaCompileError(f"{ptr}: $ref {ref!r} does not resolve")
        return self.sub(target, ref[1:])


def _fill_boolean(node: _Node, value: bool) -> None:
    if value:
        return

    def collect(x: Any, path: Path, spath: Path, out: list[SchemaError]) -> None:
        out.append(SchemaError(path, "false", "no value is allowed here", spath))

    node.valid = lambda _x: False
    node.collect = collect


def _fill(node: _Node, schema: dict[str, Any], ctx: _Context, ptr: str) -> None:
    for name in schema:
        if name in SUPPORTED or name in ANNOTATIONS or name.startswith("x-"):
            continue
        raise SchemaCompileError(f"{ptr or '#'}: unsupported keyword {name!r}")
    _check_annotations(schema, ptr)
    kws: list[_Kw] = []
    for index in sorted({_BUILDER_OF[name] for name in schema if name in _BUILDER_OF}):
        kws.extend(_BUILDERS[index][1](schema, ctx, ptr))
    if isinstance(schema.get("$defs"), dict):
        for dname, sub in schema["$defs"].items():
            ctx.sub(sub, f"{ptr}/$defs/{escape_token(dname)}")
    elif "$defs" in schema:
        raise SchemaCompileError(f"{ptr}/$defs: must be an object of schemas")
    node.valid, node.collect = _assemble(kws)
    fused = _fuse_scalar(schema)
    if fused is not None:
        node.valid = fused


def _check_annotations(schema: dict[str, Any], ptr: str) -> None:
    if "$schema" in schema and schema["$schema"] not in DRAFT_2020_12:
        found = schema["$schema"]
        raise SchemaCompileError(f"{ptr or '#'}: only JSON Schema 2020-12 is supported, not {found!r}")
    if "$id" in schema and ptr not in ("", "entry:"):
        raise SchemaCompileError(f"{ptr}: $id is only supported at the root (it changes $ref resolution)")



# --------------------------------------------------------------------------------------------- assembling

_SCALAR_KEYWORDS = frozenset(
    (
        "type",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
    )
)
_SCALAR_TYPE_TESTS = {
    "integer": "(x.__class__ is int or _is_integer(x))",
    "number": "(x.__class__ is int or x.__class__ is float or _is_number(x))",
    "string": "(x.__class__ is str or isinstance(x, str))",
    "boolean": "(x is True or x is False)",
}
_NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_STRING_KEYWORDS = ("minLength", "maxLength", "pattern")
_SCALAR_TESTS = {
    "minimum": "x >= {}",
    "maximum": "x <= {}",
    "exclusiveMinimum": "x > {}",
    "exclusiveMaximum": "x < {}",
    "minLength": "len(x) >= {}",
    "maxLength": "len(x) <= {}",
    "pattern": "{}(x) is not None",
}


def _fuse_scalar(schema: dict[str, Any]) -> Check | None:
    """One closure for the common leaf ``{"type": T, <bounds>, <pattern>}`` (T a single scalar type).

    Equivalent to the assembled checks (the type test guarantees the bounds apply), but one call instead of
    three or four; this is most nodes of a config schema. Only validated constants enter the namespace.
    """
    keywords = {k for k in schema if k in SUPPORTED}
    kind = schema.get("type")
    if not isinstance(kind, str) or kind not in _SCALAR_TYPE_TESTS or not keywords <= _SCALAR_KEYWORDS:
        return None
    if keywords == {"type"}:
        return None
    terms = [_SCALAR_TYPE_TESTS[kind]]
    constants: list[Any] = []
    applicable = (
        _NUMBER_KEYWORDS if kind in ("integer", "number") else _STRING_KEYWORDS if kind == "string" else ()
    )
    for index, keyword in enumerate(sorted(keywords & frozenset(applicable))):  # others never apply to T
        constants.append(re.compile(schema[keyword]).search if keyword == "pattern" else schema[keyword])
        terms.append(_SCALAR_TESTS[keyword].format(f"c{index}"))
    return _scalar_factory(" and ".join(terms), len(constants))(*constants)


@cache
def _scalar_factory(expression: str, count: int) -> Callable[..., Check]:
    """``expression`` comes from the fixed templates above; the constants are bound as closure arguments."""
    params = "".join(f", c{i}" for i in range(count))
    make = eval(f"lambda _is_integer, _is_number{params}: lambda x: {expression}")
    return lambda *constants: make(_is_integer, _is_number, *constants)


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _true
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda x: a(x) and b(x)
    tup = tuple(checks)

    def all_ok(x: Any) -> bool:
        for check in tup:
            if not check(x):
                return False
        return True

    return all_ok


def _assemble(kws: list[_Kw]) -> tuple[Check, Collect]:
    """One check function from a schema's keywords, grouped by the JSON type they apply to."""
    groups: dict[str, list[_Kw]] = {g: [] for g in ("any", "str", "num", "arr", "obj")}
    for kw in kws:
        groups[kw.group].append(kw)
    any_ok = _all([k.ok for k in groups["any"]])
    str_ok = _all([k.ok for k in groups["str"]])
    num_ok = _all([k.ok for k in groups["num"]])
    arr_ok = _all([k.ok for k in groups["arr"]])
    obj_ok = _all([k.ok for k in groups["obj"]])
    typed = any(groups[g] for g in ("str", "num", "arr", "obj"))
    single = _single_type_group(groups["any"])

    if not typed:
        valid = any_ok
    elif single is not None:  # "type" admits one group only: no dispatch on the instance's type needed
        group_ok = {"str": str_ok, "num": num_ok, "arr": arr_ok, "obj": obj_ok}.get(single)
        valid = any_ok if group_ok is None or not groups.get(single) else _all([any_ok, group_ok])
    else:

        def valid(x: Any) -> bool:
            if not any_ok(x):
                return False
            if isinstance(x, str):
                return str_ok(x)
            if isinstance(x, dict):
                return obj_ok(x)
            if isinstance(x, list):
                return arr_ok(x)
            if isinstance(x, (int, float)) and not isinstance(x, bool):
                return num_ok(x)
            return True

    any_kws = tuple(groups["any"])
    by_type = {
        "str": tuple(groups["str"]),
        "num": tuple(groups["num"]),
        "arr": tuple(groups["arr"]),
        "obj": tuple(groups["obj"]),
    }

    def collect(x: Any, path: Path, spath: Path, out: list[SchemaError]) -> None:
        for kw in any_kws:
            if not kw.ok(x):
                kw.collect(x, path, spath, out)
        for kw in by_type.get(_group_of(x), ()):
            if not kw.ok(x):
                kw.collect(x, path, spath, out)

    return valid, collect


_GROUP_OF_TYPE = {
    "string": "str",
    "integer": "num",
    "number": "num",
    "array": "arr",
    "object": "obj",
    "boolean": "",
    "null": "",
}


def _single_type_group(any_kws: list[_Kw]) -> str | None:
    """The instance group a ``type`` keyword restricts to ("" = none of the typed groups), or None."""
    for kw in any_kws:
        groups = {_GROUP_OF_TYPE[t] for t in kw.types}
        if len(groups) == 1:
            return groups.pop()
    return None


def _group_of(x: Any) -> str:
    if isinstance(x, str):
        return "str"
    if isinstance(x, dict):
        return "obj"
    if isinstance(x, list):
        return "arr"
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return "num"
    return ""


def _leaf(group: str, keyword: str, ok: Check, message: str | Callable[[Any], str]) -> _Kw:
    """A keyword that reports one error at the instance itself."""

    def collect(x: Any, path: Path, spath: Path, out: list[SchemaError]) -> None:
        text = message(x) if callable(message) else message
        out.append(SchemaError(path, keyword, text, (*spath, keyword)))

    return _Kw(group, ok, collect)


# ------------------------------------------------------------------------------------- value validation


def _need(cond: bool, ptr: str, keyword: str, what: str) -> None:
    if not cond:
        raise SchemaCompileError(f"{ptr}/{keyword}: must be {what}")


def _number(schema: dict[str, Any], ptr: str, keyword: str) -> float:
    value: float = schema[keyword]
    _need(_is_number(value), ptr, keyword, "a number")
    return value


def _count(schema: dict[str, Any], ptr: str, keyword: str) -> int:
    value = schema[keyword]
    _need(_is_integer(value) and value >= 0, ptr, keyword, "a non-negative integer")
    return int(value)


def _regex(pattern: Any, ptr: str, keyword: str) -> re.Pattern[str]:
    _need(isinstance(pattern, str), ptr, keyword, "a string")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SchemaCompileError(f"{ptr}/{keyword}: invalid regular expression {pattern!r}: {exc}") from None


def _schema_list(schema: dict[str, Any], ptr: str, keyword: str) -> list[Any]:
    value: list[Any] = schema[keyword]
    _need(isinstance(value, list) and len(value) > 0, ptr, keyword, "a non-empty array of schemas")
    return value


def _strings(value: Any, ptr: str, keyword: str) -> list[str]:
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value) and len(set(value)) == len(value)
    _need(ok, ptr, keyword, "an array of unique strings")
    strings: list[str] = value
    return strings


# ------------------------------------------------------------------------------------------ any-type keywords


def _build_type(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    value = schema["type"]
    names = [value] if isinstance(value, str) else value
    ok_names = isinstance(names, list) and names and all(n in TYPE_NAMES for n in names)
    _need(bool(ok_names) and len(set(names)) == len(names), ptr, "type", "a type name or an array of them")
    checks = [_TYPE_CHECKS[n] for n in names]
    if len(checks) == 1:
        ok = checks[0]
    else:
        tup = tuple(checks)

        def ok(x: Any) -> bool:
            return any(check(x) for check in tup)

    expected = " or ".join(names)
    kw = _leaf("any", "type", ok, lambda x: f"expected {expected}, got {json_type(x)}")
    kw.types = tuple(names)
    return [kw]


def _build_enum(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    values = schema["enum"]
    _need(isinstance(values, list), ptr, "enum", "an array")
    ok = _member_check(values)
    shown = ", ".join(_show(v) for v in values[:12]) + (", …" if len(values) > 12 else "")
    return [_leaf("any", "enum", ok, f"not one of: {shown}")]


def _build_const(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    value = schema["const"]
    ok = _member_check([value])
    shown = _show(json.dumps(value, ensure_ascii=False, default=str), 60)
    return [_leaf("any", "const", ok, f"must be {shown}")]


def _member_check(values: list[Any]) -> Check:
    strings = frozenset(v for v in values if isinstance(v, str))
    others = tuple(v for v in values if not isinstance(v, str))

    def ok(x: Any) -> bool:
        if isinstance(x, str):
            return x in strings
        return any(json_equal(x, v) for v in others)

    return ok


def _build_ref(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    ref = schema["$ref"]
    _need(isinstance(ref, str), ptr, "$ref", "a string")
    target = ctx.ref(ref, f"{ptr}/$ref")
    ok: Check
    if id(target) in ctx.pending:  # recursive schema: the target's ``valid`` is not final yet, bind late

        def late(x: Any) -> bool:
            return target.valid(x)

        ok = late
    else:
        ok = target.valid

    def collect(x: Any, path: Path, spath: Path, out: list[SchemaError]) -> None:
        target.collect(x, path, (*spath, "$ref"), out)

    return [_Kw("any", ok, collect)]


def _build_not(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    inner = ctx.sub(schema["not"], f"{ptr}/not")
    return [_leaf("any", "not", lambda x: not inner.valid(x), "must not match the 'not' schema")]


def _build_all_of(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    subs = _schema_list(schema, ptr, "allOf")
    nodes = [ctx.sub(s, f"{ptr}/allOf/{i}") for i, s in enumerate(subs)]
    ok = _all([n.valid for n in nodes])

    def collect(x: Any, path: Path, spath: Path, out: list[SchemaError]) -> None:
        for i, n in enumerate(nodes):
            if not n.valid(x):
                n.collect(x, path, (*spath, "allOf", i), out)

    return [_Kw("any", ok, collect)]


def _build_any_of(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    subs = _schema_list(schema, ptr, "anyOf")
    checks = tuple(ctx.sub(s, f"{ptr}/anyOf/{i}").valid for i, s in enumerate(subs))

    def ok(x: Any) -> bool:
        for check in checks:
            if check(x):
                return True
        return False

    return [_leaf("any", "anyOf", ok, "does not match any of the 'anyOf' schemas")]


def _build_one_of(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    subs = _schema_list(schema, ptr, "oneOf")
    checks = tuple(ctx.sub(s, f"{ptr}/oneOf/{i}").valid for i, s in enumerate(subs))

    def matches(x: Any) -> int:
        count = 0
        for check in checks:
            if check(x):
                count += 1
                if count > 1:
                    break
        return count

    def message(x: Any) -> str:
        if matches(x) == 0:
            return "does not match any of the 'oneOf' schemas"
        return "matches more than one of the 'oneOf' schemas"

    return [_leaf("any", "oneOf", lambda x: matches(x) == 1, message)]


def _build_if(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    """if/then/else; ``then``/``else`` without ``if`` have no effect (2020-12) but are still compiled."""
    then = ctx.sub(schema["then"], f"{ptr}/then") if "then" in schema else None
    else_ = ctx.sub(schema["else"], f"{ptr}/else") if "else" in schema else None
    if "if" not in schema:
        return []
    cond = ctx.sub(schema["if"], f"{ptr}/if").valid
    if then is None and else_ is None:
        return []

    def ok(x: Any) -> bool:
        branch = then if cond(x) else else_
        return branch is None or branch.valid(x)

    def collect(x: Any, path: Path, spath: Path, out: list[SchemaError]) -> None:
        if cond(x):
            if then is not None:
                then.collect(x, path, (*spath, "then"), out)
        elif else_ is not None:
            else_.collect(x, path, (*spath, "else"), out)

    return [_Kw("any", ok, collect)]


# ----------------------------------------------------------------------------------------- string keywords


def _build_pattern(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    search = _regex(schema["pattern"], ptr, "pattern").search
    text = _show(schema["pattern"], 80)
    return [_leaf("str", "pattern", lambda x: search(x) is not None, f"does not match the pattern {text}")]


def _build_min_length(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    n = _count(schema, ptr, "minLength")
    msg = "must not be empty" if n == 1 else f"shorter than {n} characters"
    return [_leaf("str", "minLength", lambda x: len(x) >= n, msg)]


def _build_max_length(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    n = _count(schema, ptr, "maxLength")
    return [_leaf("str", "maxLength", lambda x: len(x) <= n, f"longer than {n} characters")]


# ----------------------------------------------------------------------------------------- number keywords


def _build_minimum(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    m = _number(schema, ptr, "minimum")
    return [_leaf("num", "minimum", lambda x: x >= m, f"below minimum {_show(m)}")]


def _build_minimum_alone(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    return [] if "maximum" in schema else _build_minimum(schema, ctx, ptr)


def _build_maximum(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    m = _number(schema, ptr, "maximum")
    kw = _leaf("num", "maximum", lambda x: x <= m, f"above maximum {_show(m)}")
    if "minimum" in schema:  # the usual pair: one closure decides both (``collect`` stays per keyword)
        low = schema["minimum"]
        minimum = _build_minimum(schema, ctx, ptr)[0]
        both = _Kw("num", lambda x: low <= x <= m, _both(minimum, kw))
        return [both]
    return [kw]


def _both(first: _Kw, second: _Kw) -> Collect:
    def collect(x: Any, path: Path, spath: Path, out: list[SchemaError]) -> None:
        for kw in (first, second):
            if not kw.ok(x):
                kw.collect(x, path, spath, out)

    return collect


def _build_exclusive_minimum(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    m = _number(schema, ptr, "exclusiveMinimum")
    return [_leaf("num", "exclusiveMinimum", lambda x: x > m, f"must be above {_show(m)}")]


def _build_exclusive_maximum(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    m = _number(schema, ptr, "exclusiveMaximum")
    return [_leaf("num", "exclusiveMaximum", lambda x: x < m, f"must be below {_show(m)}")]


def _build_multiple_of(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    d = _number(schema, ptr, "multipleOf")
    _need(d > 0, ptr, "multipleOf", "a number above 0")

    def ok(x: Any) -> bool:
        if isinstance(d, float):  # same arithmetic as jsonschema, so both agree on float edge cases
            try:
                quotient: float = x / d
                return int(quotient) == quotient
            except OverflowError:
                from fractions import Fraction  # rare: a huge quotient; exact arithmetic like jsonschema

                return (Fraction(x) / Fraction(d)).denominator == 1
        return not (x % d)

    return [_leaf("num", "multipleOf", ok, f"not a multiple of {_show(d)}")]


# ------------------------------------------------------------------------------------------ array keywords


def _build_items(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    """The array keywords: prefixItems, items, contains with its bounds, minItems/maxItems, uniqueItems."""
    raw_prefix = _schema_list(schema, ptr, "prefixItems") if "prefixItems" in schema else []
    prefix = [ctx.sub(s, f"{ptr}/prefixItems/{i}") for i, s in enumerate(raw_prefix)]
    items_schema = schema.get("items", True)
    rest = None if items_schema is True else ctx.sub(items_schema, f"{ptr}/items")
    forbid_rest = items_schema is False
    n_prefix = len(prefix)
    prefix_checks = tuple(n.valid for n in prefix)
    rest_check = rest.valid if rest is not None else None

    def ok(x: list[Any]) -> bool:
        for i, item in enumerate(x):
            if i < n_prefix:
                if not prefix_checks[i](item):
                    return False
            elif forbid_rest or (rest_check is not None and not rest_check(item)):
                return False
        return True

    def collect(x: list[Any], path: Path, spath: Path, out: list[SchemaError]) -> None:
        for i, (item, node) in enumerate(zip(x, prefix, strict=False)):
            if not node.valid(item):
                node.collect(item, (*path, i), (*spath, "prefixItems", i), out)
        if len(x) <= n_prefix:
            return
        if forbid_rest:
            out.append(SchemaError(path, "items", f"more than {n_prefix} items", (*spath, "items")))
        elif rest is not None:
            for i in range(n_prefix, len(x)):
                if not rest.valid(x[i]):
                    rest.collect(x[i], (*path, i), (*spath, "items"), out)

    return [_Kw("arr", ok, collect)]


def _build_contains(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    """contains/minContains/maxContains; the limits alone have no effect (their values are checked)."""
    low = _count(schema, ptr, "minContains") if "minContains" in schema else 1
    high = _count(schema, ptr, "maxContains") if "maxContains" in schema else None
    if "contains" not in schema:
        return []
    check = ctx.sub(schema["contains"], f"{ptr}/contains").valid

    def matches(x: list[Any]) -> int:
        count = 0
        for item in x:
            if check(item):
                count += 1
                if high is not None and count > high:
                    break
        return count

    def ok(x: list[Any]) -> bool:
        count = matches(x)
        return count >= low and (high is None or count <= high)

    def collect(x: list[Any], path: Path, spath: Path, out: list[SchemaError]) -> None:
        count = matches(x)
        where = (*spath, "contains")
        if high is not None and count > high:
            out.append(SchemaError(path, "maxContains", f"more than {high} items match 'contains'", where))
        elif count == 0:
            out.append(SchemaError(path, "contains", "no item matches 'contains'", where))
        else:
            out.append(SchemaError(path, "minContains", f"fewer than {low} items match 'contains'", where))

    return [_Kw("arr", ok, collect)]


def _build_min_items(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    n = _count(schema, ptr, "minItems")
    return [_leaf("arr", "minItems", lambda x: len(x) >= n, f"fewer than {n} items")]


def _build_max_items(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    n = _count(schema, ptr, "maxItems")
    return [_leaf("arr", "maxItems", lambda x: len(x) <= n, f"more than {n} items")]


def _build_unique_items(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    value = schema["uniqueItems"]
    _need(isinstance(value, bool), ptr, "uniqueItems", "a boolean")
    return [_leaf("arr", "uniqueItems", _unique, "items are not unique")] if value else []


# ----------------------------------------------------------------------------------------- object keywords


def _build_members(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    """properties + patternProperties + additionalProperties, checked in one pass over the instance."""
    raw_props = schema.get("properties", {})
    _need(isinstance(raw_props, dict), ptr, "properties", "an object of schemas")
    props = {k: ctx.sub(s, f"{ptr}/properties/{escape_token(k)}") for k, s in raw_props.items()}
    raw_patterns = schema.get("patternProperties", {})
    _need(isinstance(raw_patterns, dict), ptr, "patternProperties", "an object of schemas")
    patterns = [
        (p, _regex(p, ptr, "patternProperties").search, ctx.sub(s, f"{ptr}/patternProperties/{escape_token(p)}"))
        for p, s in raw_patterns.items()
    ]
    additional = schema.get("additionalProperties", True)
    add_node = None if isinstance(additional, bool) else ctx.sub(additional, f"{ptr}/additionalProperties")
    forbid = additional is False
    if not props and not patterns and add_node is None and not forbid:
        return []
    ok = _members_ok(
        {k: n.valid for k, n in props.items()},
        tuple((search, node.valid) for _, search, node in patterns),
        add_node.valid if add_node is not None else None,
        forbid,
    )

    def is_extra(key: str) -> bool:
        return key not in props and not any(search(key) for _, search, _ in patterns)

    def collect(x: dict[str, Any], path: Path, spath: Path, out: list[SchemaError]) -> None:
        for k, node in props.items():
            if k in x and not node.valid(x[k]):
                node.collect(x[k], (*path, k), (*spath, "properties", k), out)
        for p, search, node in patterns:
            for k, v in x.items():
                if search(k) and not node.valid(v):
                    node.collect(v, (*path, k), (*spath, "patternProperties", p), out)
        if forbid:
            for k in sorted((k for k in x if is_extra(k)), key=str):
                out.append(
                    SchemaError(
                        path,
                        "additionalProperties",
                        f"unknown property {_show_key(k)}",
                        (*spath, "additionalProperties"),
                        key=k,
                    )
                )
        elif add_node is not None:
            for k, v in x.items():
                if is_extra(k) and not add_node.valid(v):
                    add_node.collect(v, (*path, k), (*spath, "additionalProperties"), out)

    return [_Kw("obj", ok, collect)]


def _members_ok(
    props: dict[str, Check], patterns: tuple[tuple[Search, Check], ...], add_check: Check | None, forbid: bool
) -> Check:
    """The check of an object's members against properties, patternProperties and additionalProperties."""
    get = props.get
    if not patterns:

        def simple(x: dict[str, Any]) -> bool:
            for k, v in x.items():
                check = get(k)
                if check is None:
                    if forbid or (add_check is not None and not add_check(v)):
                        return False
                elif not check(v):
                    return False
            return True

        return simple

    def full(x: dict[str, Any]) -> bool:
        for k, v in x.items():
            check = get(k)
            if check is not None and not check(v):
                return False
            matched = False
            for search, pcheck in patterns:
                if search(k):
                    matched = True
                    if not pcheck(v):
                        return False
            if check is None and not matched and (forbid or (add_check is not None and not add_check(v))):
                return False
        return True

    return full


def _build_property_names(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    node = ctx.sub(schema["propertyNames"], f"{ptr}/propertyNames")

    def ok(x: dict[str, Any]) -> bool:
        for k in x:
            if not node.valid(k):
                return False
        return True

    def collect(x: dict[str, Any], path: Path, spath: Path, out: list[SchemaError]) -> None:
        for k in x:
            if not node.valid(k):
                node.collect(k, path, (*spath, "propertyNames"), out)  # like jsonschema: at the object

    return [_Kw("obj", ok, collect)]


def _build_required(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    names = tuple(_strings(schema["required"], ptr, "required"))
    if not names:
        return []

    def ok(x: dict[str, Any]) -> bool:
        for name in names:
            if name not in x:
                return False
        return True

    def collect(x: dict[str, Any], path: Path, spath: Path, out: list[SchemaError]) -> None:
        for name in names:
            if name not in x:
                out.append(
                    SchemaError(
                        path,
                        "required",
                        f"missing required property {_show_key(name)}",
                        (*spath, "required"),
                        key=name,
                    )
                )

    return [_Kw("obj", ok, collect)]


def _build_dependent_required(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    value = schema["dependentRequired"]
    _need(isinstance(value, dict), ptr, "dependentRequired", "an object of string arrays")
    deps = tuple((k, tuple(_strings(v, ptr, "dependentRequired"))) for k, v in value.items())

    def ok(x: dict[str, Any]) -> bool:
        for k, needed in deps:
            if k in x:
                for name in needed:
                    if name not in x:
                        return False
        return True

    def collect(x: dict[str, Any], path: Path, spath: Path, out: list[SchemaError]) -> None:
        for k, needed in deps:
            if k in x:
                for name in needed:
                    if name not in x:
                        text = f"property {_show_key(k)} requires property {_show_key(name)}"
                        out.append(
                            SchemaError(
                                path, "dependentRequired", text, (*spath, "dependentRequired"), key=name
                            )
                        )

    return [_Kw("obj", ok, collect)]


def _build_min_properties(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    n = _count(schema, ptr, "minProperties")
    return [_leaf("obj", "minProperties", lambda x: len(x) >= n, f"fewer than {n} properties")]


def _build_max_properties(schema: dict[str, Any], ctx: _Context, ptr: str) -> list[_Kw]:
    n = _count(schema, ptr, "maxProperties")
    return [_leaf("obj", "maxProperties", lambda x: len(x) <= n, f"more than {n} properties")]


# Order: cheap checks first within each group (``valid`` stops at the first failure). A builder runs once
# when any of its keywords is present (some keywords only make sense together).
_BUILDERS: tuple[tuple[tuple[str, ...], Callable[[dict[str, Any], _Context, str], list[_Kw]]], ...] = (
    (("type",), _build_type),
    (("const",), _build_const),
    (("enum",), _build_enum),
    (("minLength",), _build_min_length),
    (("maxLength",), _build_max_length),
    (("pattern",), _build_pattern),
    (("maximum",), _build_maximum),  # also decides "minimum" when both are present
    (("minimum",), _build_minimum_alone),
    (("exclusiveMinimum",), _build_exclusive_minimum),
    (("exclusiveMaximum",), _build_exclusive_maximum),
    (("multipleOf",), _build_multiple_of),
    (("minItems",), _build_min_items),
    (("maxItems",), _build_max_items),
    (("items", "prefixItems"), _build_items),
    (("contains", "minContains", "maxContains"), _build_contains),
    (("uniqueItems",), _build_unique_items),
    (("required",), _build_required),
    (("minProperties",), _build_min_properties),
    (("maxProperties",), _build_max_properties),
    (("dependentRequired",), _build_dependent_required),
    (("properties", "patternProperties", "additionalProperties"), _build_members),
    (("propertyNames",), _build_property_names),
    (("$ref",), _build_ref),
    (("allOf",), _build_all_of),
    (("anyOf",), _build_any_of),
    (("oneOf",), _build_one_of),
    (("not",), _build_not),
    (("if", "then", "else"), _build_if),
)
_BUILDER_OF = {name: index for index, (names, _build) in enumerate(_BUILDERS) for name in names}
