"""Substitution resolution over a parsed HOCON tree, as Typesafe config's ``ResolveContext`` does it.

* Substitutions look forward: a path is looked up in the whole (merged) configuration, from the root; a
  substitution from an included file is looked up at its prefixed path first, then as written.
* Self-references look back: while a value of a merge stack (``Merge``) is resolved, lookups that reach
  that stack see only the values below it; while a substitution or concatenation is resolved, lookups that
  reach it see nothing (``a = ${a}`` with no earlier ``a`` is undefined, ``a = ${?a}x`` is ``x``).
* Merge stacks resolve from the top down and stop at the first value that is not an object, so a
  substitution hidden by a later plain value is never evaluated (and never reported).
* A lookup that needs a whole object or array while it is being resolved is a cycle (``a = { b = ${a} }``).
* A path not found in the configuration: Typesafe config then reads the environment (single-element paths:
  ``${HOME}``). emslint never does: such a value is ``Unknown("set from the environment variable HOME")``.
  A multi-element path not found is an error for ``${..}`` and nothing for ``${?..}``.

Every result is memoised per node, so each node is resolved once. Work is capped: the nesting of
resolutions (``MAX_RESOLVE_DEPTH``), the lookup steps (``MAX_STEPS``) and the size of what concatenations
and copies build (``MAX_EXPANSION``: string characters plus array elements plus object members); past a
cap the value is ``Unknown`` and one issue says so. No recursion is deeper than the caps allow.
"""

from __future__ import annotations

from collections.abc import Callable

from emslint.read.hocon_nodes import (
    MAX_HEIGHT,
    Arr,
    Concat,
    Merge,
    Node,
    Obj,
    Scalar,
    Subst,
    Unknown,
    height,
    merge_resolved,
)
from emslint.read.hocon_parser import is_cannot, join, show_path

MAX_RESOLVE_DEPTH = 100
MAX_STEPS = 1_000_000
MAX_EXPANSION = 1_000_000

Report = Callable[[str, str, int, int, tuple[str, ...]], None]  # code, message, offset, src, key path


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


_NOTHING = _Marker("nothing")  # replacement: no earlier value
_MISSING = _Marker("missing")  # lookup: path not in the configuration
_CYCLE = _Marker("cycle")  # lookup: needs a value that is being resolved
_UNSET = _Marker("unset")

Result = Node | None  # None: an optional substitution that is undefined (the field is not created)


class Resolver:
    def __init__(self, root: Obj, report: Report) -> None:
        self.root = root
        self.report = report
        self.memo: dict[int, Result | _Marker] = {}
        self.busy: set[int] = set()
        self.replaced: dict[int, Node | _Marker] = {}
        self.lookbacks: dict[tuple[int, int], Node | _Marker] = {}
        self.alive: list[Node] = []  # nodes made here: keeps their ids unique while ids are memo keys
        self.frames: list[int | None] = []  # ids of substitutions, concatenations, merges being resolved;
        # None marks where a lookup started (a self-reference is a hit on a frame above the last None)
        self.depth = 0
        self.steps = 0
        self.budget = MAX_EXPANSION
        self.capped: set[str] = set()

    def run(self) -> Result:
        result = self.resolve(self.root)
        return None if isinstance(result, _Marker) else result

    # ------------------------------------------------------------------------------------------ core

    def resolve(self, node: Node) -> Result | _Marker:
        """The value of ``node`` with its substitutions resolved (memoised; a cycle or an unresolvable reference is
        a marker, not an exception)."""
        if isinstance(node, (Scalar, Unknown)):
            return node
        key = id(node)
        done = self.memo.get(key, _UNSET)
        if done is not _UNSET:
            return done
        if key in self.busy:
            return _CYCLE
        if self.depth >= MAX_RESOLVE_DEPTH:
            return self.cap(node, "depth", f"substitutions nested more than {MAX_RESOLVE_DEPTH} levels deep")
        self.busy.add(key)
        self.depth += 1
        framed = isinstance(node, (Subst, Concat, Merge))
        if framed:
            self.frames.append(key)
        try:
            if isinstance(node, Obj):
                result: Result | _Marker = self._object(node)
            elif isinstance(node, Arr):
                result = self._array(node)
            elif isinstance(node, Subst):
                result = self._substitution(node)
            elif isinstance(node, Concat):
                result = self._concatenation(node)
            else:
                assert isinstance(node, Merge)
                result = self._merge(node)
        finally:
            if framed:
                self.frames.pop()
            self.depth -= 1
            self.busy.discard(key)
        self.memo[key] = result
        return result

    def cap(self, node: Node, which: str, what: str) -> Unknown:
        if which not in self.capped:
            self.capped.add(which)
            self.report(
                "hocon-substitution-too-large", f"{what}; the values involved are not read", node.off, node.src, ()
            )
        return Unknown(node.off, node.src, what)

    def spend(self, node: Node, amount: int) -> bool:
        self.budget -= amount
        return self.budget >= 0

    # -------------------------------------------------------------------------------------- lookups

    def view(self, node: Node) -> Result | _Marker:
        """What a lookup sees at ``node``: its look-back replacement, the node itself if it can be walked
        without resolving it (a parsed object) or is a value, else its resolution."""
        while True:
            replacement = self.replaced.get(id(node))
            if replacement is None:
                break
            if isinstance(replacement, _Marker):
                return _MISSING if self.own(id(node)) else _CYCLE
            node = replacement
        if isinstance(node, (Obj, Arr, Scalar, Unknown)):
            return node
        return self.resolve(node)

    def own(self, key: int) -> bool:
        """Is ``key`` the value being defined by the substitution that started the current lookup (a
        self-reference, which looks back), rather than one further up a chain of lookups (a cycle)?"""
        boundaries = 0
        for frame in reversed(self.frames):
            if frame is None:
                boundaries += 1  # the first is the current lookup; the second the one before it
                if boundaries == 2:
                    return False
            elif frame == key:
                return True
        return False

    def lookup(self, path: tuple[str, ...]) -> Result | _Marker:
        self.frames.append(None)
        try:
            return self._lookup(path)
        finally:
            self.frames.pop()

    def _lookup(self, path: tuple[str, ...]) -> Result | _Marker:
        node: Node = self.root
        for key in path:
            self.steps += 1
            if self.steps > MAX_STEPS:
                return self.cap(self.root, "steps", f"more than {MAX_STEPS} substitution lookups")
            seen = self.view(node)
            if seen is None or seen is _MISSING:
                return _MISSING
            if isinstance(seen, (_Marker, Unknown)):
                return seen
            if not isinstance(seen, Obj):
                return _MISSING
            child = seen.fields.get(key)
            if child is None:
                return _MISSING
            node = child
        seen = self.view(node)
        if seen is None:
            return _MISSING
        if isinstance(seen, _Marker):
            return seen
        return self.resolve(seen)

    # ---------------------------------------------------------------------------------------- kinds

    def _object(self, obj: Obj) -> Result:
        # A copy is made only when a child changed; each parsed object is resolved once, so copies cost no
        # more than the parsed text. Growth comes from concatenations (budgeted) and from shared values
        # (capped when converted to plain data).
        fields: dict[str, Node] = {}
        changed = False
        for key, value in obj.fields.items():
            got = self.resolve(value)
            if isinstance(got, _Marker):  # cannot happen for a child; be safe
                got = Unknown(value.off, value.src, "a substitution cycle")
            if got is None:
                changed = True
                continue
            fields[key] = got
            changed = changed or got is not value
        if not changed:
            return obj
        out = Obj(obj.off, obj.src)
        out.fields = fields
        out.keys = {k: obj.keys[k] for k in fields}
        out.height = 1 + max((height(v) for v in fields.values()), default=0)
        self.alive.append(out)
        return self._checked(out)

    def _array(self, arr: Arr) -> Result:
        items: list[Node] = []
        changed = False
        for value in arr.items:
            got = self.resolve(value)
            if isinstance(got, _Marker):
                got = Unknown(value.off, value.src, "a substitution cycle")
            if got is None:
                changed = True
                continue
            items.append(got)
            changed = changed or got is not value
        if not changed:
            return arr
        out = Arr(arr.off, arr.src, items)
        self.alive.append(out)
        return self._checked(out)

    def _checked(self, node: Obj | Arr) -> Node:
        if node.height > MAX_HEIGHT:
            return self.cap(node, "height", f"substitutions build values nested more than {MAX_HEIGHT} levels deep")
        return node

    def _substitution(self, subst: Subst) -> Result:
        key = id(subst)
        self.replaced[key] = _NOTHING
        try:
            found = self.lookup(subst.path)
            if found is _MISSING and subst.base_len:
                found = self.lookup(subst.path[subst.base_len :])
        finally:
            del self.replaced[key]
        if found is _CYCLE:
            if subst.optional:
                found = _MISSING
            else:
                self.report(
                    "hocon-substitution-cycle",
                    f"${{{_dotted(subst)}}} in {show_path(subst.field)} is part of a substitution cycle "
                    "(Typesafe config refuses the file)",
                    subst.off,
                    subst.src,
                    subst.field,
                )
                return Unknown(subst.off, subst.src, "part of a substitution cycle")
        if found is _MISSING:
            return self._outside(subst)
        assert not isinstance(found, _Marker)
        return found

    def _outside(self, subst: Subst) -> Result:
        """A path not defined in the configuration: the environment, or an error."""
        original = subst.path[subst.base_len :]
        if not subst.env:
            return None
        if len(original) == 1:
            name = original[0]
            when = " if it is set" if subst.optional else ""
            self.report(
                "hocon-env-substitution",
                f"{show_path(subst.field)} takes ${{{_dotted(subst)}}} from the environment variable "
                f"{show_path(original)}{when}; emslint does not read the environment, so the value is unknown",
                subst.off,
                subst.src,
                subst.field,
            )
            return Unknown(subst.off, subst.src, f"set from the environment variable {name}{when}")
        if subst.optional:
            return None
        self.report(
            "hocon-unresolved-substitution",
            f"${{{_dotted(subst)}}} in {show_path(subst.field)} is not defined in the configuration; Typesafe "
            "config refuses to start unless a Java system property or the application's reference.conf sets it",
            subst.off,
            subst.src,
            subst.field,
        )
        return Unknown(subst.off, subst.src, f"refers to {show_path(original)}, which is not set in the file")

    def _concatenation(self, concat: Concat) -> Result:
        """A value concatenation (strings, arrays or objects next to each other) resolved piece by piece."""
        key = id(concat)
        self.replaced[key] = _NOTHING
        try:
            pieces: list[Node] = []
            for part in concat.parts:
                got = self.resolve(part)
                if isinstance(got, _Marker):
                    got = Unknown(part.off, part.src, "a substitution cycle")
                if got is not None:
                    pieces.append(got)
        finally:
            del self.replaced[key]
        out: list[Node] = []
        for piece in pieces:
            if not out:
                out.append(piece)
                continue
            joined = join(out[-1], piece, merge_resolved)
            if joined is None or is_cannot(joined):
                field = _field_of(concat)
                self.report(
                    "hocon-type-mismatch",
                    f"cannot concatenate an object or array with a string in {show_path(field)}",
                    piece.off,
                    piece.src,
                    field,
                )
                return Unknown(concat.off, concat.src, "an invalid concatenation")
            if not self.spend(joined, _size(joined)):
                return self.cap(
                    concat, "size", f"substitutions expand to more than {MAX_EXPANSION} characters and values"
                )
            self.alive.append(joined)
            out[-1] = joined
        if not out:
            return None
        return self._checked(out[0]) if isinstance(out[0], (Obj, Arr)) else out[0]

    def _merge(self, merge: Merge) -> Result:
        key = id(merge)
        result: Node | None = None
        try:
            for i, item in enumerate(merge.stack):
                self.replaced[key] = self._lookback(merge, i + 1)
                got = self.resolve(item)
                if isinstance(got, _Marker):
                    got = Unknown(item.off, item.src, "a substitution cycle")
                if got is None:
                    continue
                result = got if result is None else merge_resolved(result, got)
                if not isinstance(result, Obj):
                    break
        finally:
            self.replaced.pop(key, None)
        return result

    def _lookback(self, merge: Merge, i: int) -> Node | _Marker:
        stack = merge.stack
        if i >= len(stack):
            return _NOTHING
        if i == len(stack) - 1:
            return stack[i]
        key = (id(merge), i)
        below = self.lookbacks.get(key)
        if below is None:
            below = Merge(stack[i:])
            self.alive.append(below)
            self.lookbacks[key] = below
        return below


def _dotted(subst: Subst) -> str:
    return show_path(subst.path[subst.base_len :]).strip("'")


def _field_of(concat: Concat) -> tuple[str, ...]:
    for part in concat.parts:
        if isinstance(part, Subst):
            return part.field
    return ()


def _size(node: Node) -> int:
    if isinstance(node, Scalar):
        return len(node.text)
    if isinstance(node, Arr):
        return len(node.items)
    if isinstance(node, Obj):
        return len(node.fields)
    return 1
