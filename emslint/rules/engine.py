"""Evaluate declarative rules over a facts document and turn matches into located findings."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from emslint.model import Finding
from emslint.pointers import Path, dotted, select, split
from emslint.pointers import join as join_pointer
from emslint.printable import escape_unsafe
from emslint.read.sources import SourceFile, Sources
from emslint.rules.model import Match, Rule

Predicate = Callable[[Any], bool]


class _Compiled:
    """A match made ready to run. Its conditions are compiled on first use (most never run in a one-folder
    run: ~30 ms for all of them), once per process, and inherited by forked workers (see precompile)."""

    __slots__ = ("_value", "_when", "index_key", "match", "null_matters", "quick", "rejects", "tokens", "when_quick")

    def __init__(self, match: Match) -> None:
        self.match = match  # held, so that the id() key below is never reused while the entry lives
        self.null_matters = _mentions_null(match.schema)  # is the condition explicitly about null?
        self.tokens = tuple(split(match.pointer))
        self.quick = _quick(match.schema)
        self.rejects = self.quick.rejects if self.quick is not None else None
        self.when_quick = _quick(match.when) if match.when else None
        # a wildcard over items that the condition wants with given values of one member (a role): an index of
        # the selection by that member skips the others without testing each (see _Index)
        self.index_key = _index_key(self.quick) if "*" in self.tokens else None
        self._value: Predicate | None = None
        self._when: Predicate | None = None

    def value_check(self, value: Any) -> bool:
        if self._value is None:
            from emslint.schema.compiler import compile_schema

            self._value = compile_schema(self.match.schema).is_valid
        return self._value(value)

    def when_check(self, doc: Any) -> bool:
        if not self.match.when:
            return True
        if self._when is None:
            from emslint.schema.compiler import compile_schema

            self._when = compile_schema(self.match.when).is_valid
        return self._when(doc)


_compiled: dict[int, _Compiled] = {}


def _compile(match: Match) -> _Compiled:
    found = _compiled.get(id(match))
    if found is None or found.match is not match:
        found = _compiled[id(match)] = _Compiled(match)
    return found


def precompile(rules: list[Rule]) -> None:
    """Compile every condition now (before forking workers, so that they inherit the compiled closures).

    Raises :class:`emslint.schema.compiler.SchemaCompileError` for a condition that does not compile.
    """
    for rule in rules:
        for match in rule.matches:
            compiled = _compile(match)
            compiled.value_check(None)
            compiled.when_check(None)


# JSON type -> Python classes an instance of it can be; numbers are lenient (``True`` passes as a number)
_TYPE_CLASSES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
    "number": (int, float),
    "integer": (int, float),
}


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


class _Quick:
    """Necessary conditions read off a schema's conjoined keywords: const, enum, type, required, minimum,
    maximum (and the exclusive ones), ``not`` of exactly a const, an enum or a required list, and, for
    members, properties (recursively). A value that fails one cannot match, so the validator (and its
    compilation, ~0.3 ms a condition) is skipped for it: most ``/files/*`` items, for a rule about one role
    or about certificates only. Positive value tests use Python ``in``, at least as lenient as JSON equality
    (``1 == True``); ``not`` uses the validator's own JSON equality; the classes above are at least as lenient
    as JSON types. So nothing that could match is ever rejected (tests/test_speed.py checks it)."""

    __slots__ = ("bounds", "classes", "member_classes", "member_values", "members", "not_required", "not_values",
                 "required", "values")

    def __init__(self, schema: dict[str, Any]) -> None:
        """Read off ``schema`` the cheap necessary conditions (const, enum, type, required, bounds) that reject
        most values early."""
        self.values: tuple[Any, ...] | None = None
        if "const" in schema:
            self.values = (schema["const"],)
        elif isinstance(schema.get("enum"), list):
            self.values = tuple(schema["enum"])
        types = [schema["type"]] if isinstance(schema.get("type"), str) else schema.get("type")
        self.classes: tuple[type, ...] | None = None
        if isinstance(types, list) and types and all(t in _TYPE_CLASSES for t in types):
            self.classes = tuple(c for t in types for c in _TYPE_CLASSES[t])
        required = schema.get("required")
        self.required = tuple(r for r in required if isinstance(r, str)) if isinstance(required, list) else ()
        self.bounds = tuple(
            (keyword, schema[keyword])
            for keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
            if _number(schema.get(keyword))
        )
        negated = schema.get("not")
        self.not_required: tuple[str, ...] | None = None
        self.not_values: tuple[Any, ...] | None = None
        if isinstance(negated, dict) and len(negated) == 1:
            if isinstance(negated.get("required"), list) and all(isinstance(r, str) for r in negated["required"]):
                self.not_required = tuple(negated["required"])
            elif "const" in negated:
                self.not_values = (negated["const"],)
            elif isinstance(negated.get("enum"), list):
                self.not_values = tuple(negated["enum"])
        properties = schema.get("properties")
        quicks = [
            (key, quick)
            for key, sub in (properties.items() if isinstance(properties, dict) else ())
            if isinstance(sub, dict) and (quick := _Quick(sub)).useful()
        ]
        # the common members (a const role, a certificate that must be an object) are checked inline
        self.member_values = tuple((k, q.values) for k, q in quicks if q.values is not None)
        self.member_classes = tuple((k, q.classes) for k, q in quicks if q.classes is not None)
        self.members = tuple((k, q) for k, q in quicks if q.beyond_scalar())

    def beyond_scalar(self) -> bool:
        return bool(
            self.required
            or self.members
            or self.member_values
            or self.member_classes
            or self.bounds
            or self.not_required is not None
            or self.not_values is not None
        )

    def useful(self) -> bool:
        return self.values is not None or self.classes is not None or self.beyond_scalar()

    def rejects(self, value: Any) -> bool:
        if self.values is not None and value not in self.values:
            return True
        if self.classes is not None and not isinstance(value, self.classes):
            return True
        if isinstance(value, dict):
            for key, values in self.member_values:
                if key in value and value[key] not in values:
                    return True
            for key, classes in self.member_classes:
                if key in value and not isinstance(value[key], classes):
                    return True
            for key in self.required:
                if key not in value:
                    return True
            if self.not_required is not None and all(key in value for key in self.not_required):
                return True
            for key, quick in self.members:
                if key in value and quick.rejects(value[key]):
                    return True
        elif self.bounds and _number(value):
            for keyword, bound in self.bounds:
                if not _BOUNDS[keyword](value, bound):
                    return True
        if self.not_values is not None:
            from emslint.schema.compiler import json_equal

            if any(json_equal(value, v) for v in self.not_values):
                return True
        return False


def _index_key(quick: _Quick | None) -> tuple[str, tuple[Any, ...]] | None:
    """(member, values) of the first member the quick check wants from a fixed set of hashable values, if any."""
    for key, values in quick.member_values if quick is not None else ():
        try:
            hash(values)
        except TypeError:
            continue
        return key, values
    return None


class _Index:
    """A selection grouped by one member of its items, to give the subset :meth:`_Quick.rejects` could keep
    without testing every item: the items whose member is one of the wanted values (dictionary lookup: hash and
    ``==``, as ``in`` on the values tuple for the JSON scalars a member holds), plus every item the member test
    cannot reject (not an object, without the member, or a member that cannot be hashed). Document order is
    kept. The full quick check still runs on the subset."""

    __slots__ = ("groups", "rest", "selected", "subsets")

    def __init__(self, selected: list[tuple[Path, Any]], key: str) -> None:
        self.selected = selected
        self.subsets: dict[tuple[Any, ...], list[tuple[Path, Any]]] = {}
        self.groups: dict[Any, list[int]] = {}
        self.rest: list[int] = []
        for position, (_, value) in enumerate(selected):
            if isinstance(value, dict) and key in value:
                try:
                    self.groups.setdefault(value[key], []).append(position)
                    continue
                except TypeError:
                    pass
            self.rest.append(position)

    def subset(self, wanted: tuple[Any, ...]) -> list[tuple[Path, Any]]:
        found = self.subsets.get(wanted)  # many matches want the same values (one role)
        if found is None:
            positions = set(self.rest)
            for value in wanted:
                positions.update(self.groups.get(value, ()))
            found = self.subsets[wanted] = [self.selected[p] for p in sorted(positions)]
        return found


_BOUNDS: dict[str, Callable[[Any, Any], bool]] = {
    "minimum": lambda x, b: x >= b,
    "maximum": lambda x, b: x <= b,
    "exclusiveMinimum": lambda x, b: x > b,
    "exclusiveMaximum": lambda x, b: x < b,
}


def _quick(schema: Any) -> _Quick | None:
    if not isinstance(schema, dict):
        return None
    quick = _Quick(schema)
    return quick if quick.useful() else None


def _mentions_null(schema: Any) -> bool:
    """Whether a condition is explicitly about null (otherwise a null fact, i.e. absent, never matches)."""
    text = json.dumps(schema)
    return '"null"' in text or '"const": null' in text


def _item_context(doc: Any, path: Sequence[str | int]) -> tuple[dict[str, Any] | None, str]:
    """The innermost object on `path` (the value included) with an "at" location, and the innermost "detail"."""
    best = None
    detail = ""
    node = doc
    for token in path:
        node = node[token]
        if isinstance(node, dict):
            if isinstance(node.get("at"), dict):
                best = node
            if isinstance(node.get("detail"), str):
                detail = node["detail"]
    return best, detail


_SOURCE_PREFIX = {
    "ems": ("ems", ""),
    "ems_raw": ("ems", ""),
    "lsr": ("lsr", "/scripts"),
    "lsr_raw": ("lsr", "/scripts"),
    "connector": ("connector", ""),
    "connector_raw": ("connector", ""),
}



class Locator:
    """Maps a concrete facts path to (file, pointer, line, column, exact): ``exact`` is False when the pointer is
    not in the file (a "not set" key) and the position is its nearest present parent's."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources

    def locate(
        self, doc: dict[str, Any], path: Sequence[str | int], item: dict[str, Any] | None
    ) -> tuple[str, str, int, int, bool]:
        if item is not None:
            at = item["at"]
            role = at.get("file", "ems")
            pointer = at.get("pointer", "")
            source = self.sources.get(role)  # a role, else a display path (a referenced file)
            display = source.display if source else str(role)
            if "line" in at and at.get("line"):
                return display, pointer, int(at["line"]), int(at.get("column") or 1), True
            line, column = source.position(pointer) if source else (1, 1)
            return display, pointer, line, column, _written(source, pointer)
        head = str(path[0]) if path else ""
        if head in _SOURCE_PREFIX:
            role, prefix = _SOURCE_PREFIX[head]
            pointer = prefix
            for token in path[1:]:
                pointer = join_pointer(pointer, token)
            source = self.sources.get(role)
            if source is not None:
                line, column = source.position(pointer)
                return source.display, pointer, line, column, _written(source, pointer)
        first = self.sources.first()
        return (first.display if first else ""), "", 1, 1, True


def _written(source: SourceFile | None, pointer: str) -> bool:
    """Whether ``pointer`` is written in the file (the whole file counts as written)."""
    return not pointer or (source is not None and source.result is not None and pointer in source.result.positions)


_Plan = list[tuple[Rule, list[tuple[Match, _Compiled]]]]
_plans: dict[tuple[str, tuple[int, ...]], tuple[list[Rule], _Plan]] = {}


def _plan(rules: list[Rule], profile: str) -> _Plan:
    """The rules of ``profile`` with their compiled matches, made once per rule list (a fleet reuses one)."""
    key = (profile, tuple(map(id, rules)))
    found = _plans.get(key)
    if found is None:
        if len(_plans) >= 16:
            _plans.clear()
        plan = [(rule, [(m, _compile(m)) for m in rule.matches]) for rule in rules if profile in rule.profiles]
        found = _plans[key] = (list(rules), plan)  # the list is held, so that no id() above is reused
    return found[1]


def evaluate(rules: list[Rule], doc: dict[str, Any], sources: Sources, *, profile: str) -> list[Finding]:
    """Every finding of ``rules`` on one facts document: each match's selection, schema and context condition,
    located in ``sources``."""
    locator = Locator(sources)
    findings: list[Finding] = []
    selections: dict[tuple[str, ...], list[tuple[Path, Any]]] = {}  # many rules look at the same places
    indexes: dict[tuple[tuple[str, ...], str], _Index] = {}
    for rule, matches in _plan(rules, profile):
        seen: set[tuple[str, str, int, int, int]] = set()
        for match, compiled in matches:
            tokens = compiled.tokens
            selected = selections.get(tokens)
            if selected is None:
                selected = selections[tokens] = select(doc, tokens)
            if not selected:
                continue
            rejects, null_matters = compiled.rejects, compiled.null_matters
            index_key = compiled.index_key
            if index_key is not None and len(selected) > 4:
                key, wanted = index_key
                index = indexes.get((tokens, key))
                if index is None:
                    index = indexes[(tokens, key)] = _Index(selected, key)
                selected = index.subset(wanted)
            if rejects is None:
                candidates = selected if null_matters else [pair for pair in selected if pair[1] is not None]
            elif null_matters:
                candidates = [pair for pair in selected if not rejects(pair[1])]
            else:
                candidates = [pair for pair in selected if pair[1] is not None and not rejects(pair[1])]
            if not candidates or (compiled.when_quick and compiled.when_quick.rejects(doc)):
                continue
            when_ok = None  # the context condition is checked once something matches (conditions are pure)
            for path, value in candidates:
                if not compiled.value_check(value):
                    continue
                if when_ok is None:
                    when_ok = compiled.when_check(doc)
                if not when_ok:
                    break
                item, detail = _item_context(doc, path)
                file, pointer, line, column, exact = locator.locate(doc, path, item)
                template = match.message or rule.message
                message = template.replace("{property}", dotted(pointer)).replace("{detail}", str(detail))
                if "{path}" in message or "{mode}" in message:  # a file item's display path and octal mode
                    mode = (item or {}).get("mode")
                    message = message.replace("{path}", str((item or {}).get("path") or "")).replace(
                        "{mode}", str(mode.get("octal") if isinstance(mode, dict) else ""))
                message = escape_unsafe(message)  # key names and words come from the config
                place = (file, pointer, line, column, id(item) if item is not None else 0)
                if place in seen:
                    continue  # one finding per rule, place and facts item, even when several matches agree
                seen.add(place)
                findings.append(
                    Finding(
                        rule=rule.id,
                        name=rule.name,
                        severity=rule.severity_for(profile),
                        message=message,
                        file=file,
                        line=line,
                        column=column,
                        pointer=pointer,
                        link=(item or {}).get("link") or match.link or rule.link,
                        caps=rule.caps,
                        related=list((item or {}).get("related") or []),
                        identity=str((item or {}).get("identity") or ""),
                        exact=exact,
                    )
                )
    return findings
