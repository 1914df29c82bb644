"""Tolerant, exact reader for HOCON (Typesafe config) files: ``emessage.conf``, ``cxserver.conf``.

``read_hocon(text, include=...)`` returns the configuration as Typesafe config's ``ConfigFactory.parse*``
then ``resolve()`` would see it, as plain data with a position for every value, and reader issues. It is
pure: it opens nothing. An include statement is followed only through the ``include`` callback, which the
caller restricts to files inside the scanned folder; ``url(..)``, ``classpath(..)`` and URL-looking names
are refused with an issue; so is everything when no callback is given.

What follows Typesafe config (lexing ``hocon_lexer``, parsing ``hocon_parser``, merging ``hocon_nodes``,
substitutions ``hocon_resolve``): optional root braces, ``=``/``:``/``+=``/``key {``, path keys and quoted
keys (``"a.b"`` is one key), ``//`` and ``#`` comments, quoted, unquoted and triple-quoted strings, value
concatenation (unquoted text keeps its inner whitespace; numbers keep their written form), array and object
concatenation, object merging (later wins; objects merge key by key; a non-object replaces), ``null``,
numbers (a long, else a double; ``192.168.1.1`` is a string), ``true``/``false`` (``yes``/``on`` stay
strings, as Typesafe config keeps them until an application asks for a boolean), durations and sizes kept
as written (see ``hocon_units``), includes merged at their place and relativized, substitutions looked up
forward, self-references looking back.

The environment: a substitution not defined in the file(s) is resolved by Typesafe config from the
environment (or a Java system property). emslint never reads the environment: such a value is absent from
``data`` and ``unknown[pointer] = "set from the environment variable X"``, with a ``hocon-env-substitution``
issue.

Output conventions (``ReadResult``): RFC 6901 pointers (``/cx-server/transport/websockets/app-key``),
0-based array indices; ``positions``/``key_positions`` are 1-based (line, column) in code points of the
winning definition; when that definition is in an included file, ``origins[pointer]`` names the file (as
the include callback named it) and the position is in that file. ``comments`` are those of the file read.
Issues (messages name keys and positions, never a value): ``hocon-syntax-error``, ``hocon-invalid-escape``,
``hocon-duplicate-key``, ``hocon-too-deep``, ``hocon-type-mismatch``, ``hocon-env-substitution``,
``hocon-unresolved-substitution``, ``hocon-substitution-cycle``, ``hocon-substitution-too-large``,
``hocon-include-refused``, ``hocon-include-not-found``, ``hocon-include-cycle``. An issue inside an
included file is reported at the include statement of the file read, its own place named in the message.
At most ``MAX_ISSUES`` are listed, then one "... and N more". ``fatal`` when syntax errors left nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from emslint.read.hocon_lexer import tokenize
from emslint.read.hocon_nodes import Arr, Concat, Merge, Node, Obj, Subst, Unknown
from emslint.read.hocon_parser import IncludeRequest, ParseContext, Parser
from emslint.read.hocon_resolve import Resolver
from emslint.read.hocon_units import parse_duration, parse_size
from emslint.read.result import ReadIssue, ReadResult, join_pointer

__all__ = ["IncludeResult", "parse_duration", "parse_size", "read_hocon"]

MAX_ISSUES = 50
MAX_INCLUDE_DEPTH = 8
MAX_TOTAL_CHARS = 16 * 1024 * 1024  # all included files together
MAX_OUTPUT_VALUES = 1_000_000


@dataclass(slots=True)
class IncludeResult:
    """What the include callback found for a name.

    ``status``: ``ok`` (``text`` is the file's text), ``not-found``, ``refused`` (e.g. outside the scanned
    folder) or ``error`` (unreadable); ``message`` says why, without file content. ``name`` is how the file
    is shown (``origins``, messages). ``include`` resolves the includes written inside this file (relative
    to its folder); None: the same callback.
    """

    text: str | None = None
    name: str = ""
    status: str = "ok"
    message: str = ""
    include: Callable[[str], IncludeResult] | None = None


@dataclass(slots=True)
class _Source:
    name: str
    text: str
    anchor: int  # offset in the file read of the include statement that brought this file in (0: itself)
    starts: list[int] = field(default_factory=list)


def read_hocon(text: str, *, include: Callable[[str], IncludeResult] | None = None) -> ReadResult:
    """Read a HOCON file's text (decoded, see ``source.decode_text``) into a ``ReadResult``."""
    return _Reader(include).read(text)


class _Reader:
    def __init__(self, include: Callable[[str], IncludeResult] | None) -> None:
        self.sources: list[_Source] = []
        self.issues: list[tuple[int, int, str, str, tuple[str, ...]]] = []  # anchor, n, code, message, path
        self.callbacks: list[Callable[[str], IncludeResult] | None] = [include]
        self.chain: list[str] = []
        self.total = 0
        self.lexed_comments: list[tuple[int, str]] = []
        self.ctx = ParseContext(self.report, self.follow, self.line_of)

    # ----------------------------------------------------------------------------------- positions

    def line_starts(self, src: int) -> list[int]:
        source = self.sources[src]
        if not source.starts:
            s = source.text
            starts = [0]
            i = s.find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = s.find("\n", i + 1)
            source.starts = starts
        return source.starts

    def line_col(self, src: int, off: int) -> tuple[int, int]:
        starts = self.line_starts(src)
        line = bisect_right(starts, off)
        return line, off - starts[line - 1] + 1

    def line_of(self, src: int, off: int) -> int:
        return self.line_col(src, off)[0]

    # -------------------------------------------------------------------------------------- issues

    def report(self, code: str, message: str, off: int, src: int, path: tuple[str, ...]) -> None:
        source = self.sources[src]
        if src:
            line, col = self.line_col(src, off)
            message = f"in included file {_show_name(source.name)}, line {line}, column {col}: {message}"
            off = source.anchor
        self.issues.append((off, len(self.issues), code, message, path))

    # ------------------------------------------------------------------------------------- reading

    def read(self, text: str) -> ReadResult:
        self.sources.append(_Source("", text, 0))
        root, errors, fields = self.parse(0)
        comments = [(self.line_of(0, off), body) for off, body in self.lexed_comments]
        holder = Obj(0, 0)
        if isinstance(root, Obj):
            holder = root
        else:
            holder.fields["root"] = root
            holder.keys["root"] = (0, 0)
        resolved = Resolver(holder, self.report).run()
        if not isinstance(root, Obj) and isinstance(resolved, Obj):
            resolved = resolved.fields.get("root")
        result = ReadResult(comments=comments)
        result.data = self.convert(resolved, result)
        empty = not result.data and not result.unknown
        result.fatal = bool(errors) and fields == 0 and empty
        if result.fatal:
            result.data = None
        result.issues = self.read_issues()
        return result

    def parse(self, src: int) -> tuple[Node, int, int]:
        lexed = tokenize(self.sources[src].text)
        if src == 0:
            self.lexed_comments = lexed.comments
        for issue in lexed.issues:
            self.report(issue.code, issue.message, issue.offset, src, ())
        parser = Parser(lexed, src, self.ctx)
        root = parser.parse_root()
        return root, parser.errors + len(lexed.issues), parser.fields_read

    def follow(self, request: IncludeRequest, prefix: tuple[str, ...]) -> Obj | None:
        """Follow an include statement through the callback; the included root object, relativized."""
        callback = self.callbacks[-1]
        shown = _show_name(request.name)
        here = (request.offset, request.src, prefix)
        if callback is None:
            self.report("hocon-include-refused", f"include of {shown} is not followed (no include resolver)", *here)
            return None
        if len(self.chain) >= MAX_INCLUDE_DEPTH:
            self.report(
                "hocon-include-refused",
                f"include of {shown} is not followed: includes nested more than {MAX_INCLUDE_DEPTH} deep",
                *here,
            )
            return None
        try:
            found = callback(request.name)
        except Exception:  # the caller's callback must not crash the reader
            self.report("hocon-include-refused", f"include of {shown} could not be followed", *here)
            return None
        if found.status == "not-found" or (found.status == "ok" and found.text is None):
            if request.required:
                message = f"required include {shown} is not found; Typesafe config refuses to start"
            else:
                message = (
                    f"include {shown} is not found; Typesafe config ignores it (or reads a classpath "
                    "resource of that name)"
                )
            self.report("hocon-include-not-found", message, *here)
            return None
        if found.status != "ok":
            why = f": {found.message}" if found.message else ""
            self.report("hocon-include-refused", f"include of {shown} is not followed{why}", *here)
            return None
        name = found.name or request.name
        if name in self.chain or (name == self.sources[0].name and name):
            self.report(
                "hocon-include-cycle", f"include of {shown} is a cycle (it includes itself); not followed", *here
            )
            return None
        assert found.text is not None
        self.total += len(found.text)
        if self.total > MAX_TOTAL_CHARS:
            self.report(
                "hocon-include-refused",
                f"include of {shown} is not followed: included files exceed {MAX_TOTAL_CHARS} characters",
                *here,
            )
            return None
        anchor = self.sources[request.src].anchor if request.src else request.offset
        self.sources.append(_Source(name, found.text, anchor))
        src = len(self.sources) - 1
        self.chain.append(name)
        self.callbacks.append(found.include or callback)
        try:
            root, _, _ = self.parse(src)
        finally:
            self.chain.pop()
            self.callbacks.pop()
        if not isinstance(root, Obj):  # its parser reported the array root
            return None
        if prefix:
            _relativize(root, prefix)
        return root

    # ---------------------------------------------------------------------------------- conversion

    def convert(self, root: Node | None, result: ReadResult) -> object:
        """Resolved tree -> plain data, filling positions, key positions, origins and unknown."""
        if root is None:
            return {}
        pos: dict[str, tuple[int, int]] = {}
        keypos: dict[str, tuple[int, int]] = {}
        origins: dict[str, str] = {}
        unknown: dict[str, str] = {}

        def place(node: Node, ptr: str) -> None:
            pos[ptr] = self.line_col(node.src, node.off)
            if node.src:
                origins[ptr] = self.sources[node.src].name

        def shell(node: Node) -> object:
            if isinstance(node, Obj):
                return {}
            if isinstance(node, Arr):
                return []
            # A resolved tree holds only Obj, Arr, Unknown and Scalar: no isinstance per scalar to prove it.
            return None if isinstance(node, Unknown) else node.value  # type: ignore[attr-defined]

        top = shell(root)
        place(root, "")
        if isinstance(root, Unknown):
            unknown[""] = root.reason
        todo: list[tuple[Node, str, object]] = [(root, "", top)]
        budget = MAX_OUTPUT_VALUES
        while todo:
            node, ptr, out = todo.pop()
            if isinstance(node, Obj):
                assert isinstance(out, dict)
                children = [(k, v, join_pointer(ptr, k)) for k, v in node.fields.items()]
                for key, _value, cptr in children:
                    key_off, key_src = node.keys[key]
                    keypos[cptr] = self.line_col(key_src, key_off)
            elif isinstance(node, Arr):
                assert isinstance(out, list)
                children = [(str(i), v, f"{ptr}/{i}") for i, v in enumerate(node.items)]
            else:
                continue
            budget -= len(children)
            if budget < 0:
                self.report(
                    "hocon-substitution-too-large",
                    f"the configuration expands to more than {MAX_OUTPUT_VALUES} values; the rest is not read",
                    root.off,
                    root.src,
                    (),
                )
                break
            for key, value, cptr in children:
                place(value, cptr)
                if isinstance(value, Unknown):
                    unknown[cptr] = value.reason
                    if isinstance(out, list):
                        out.append(None)
                    continue
                child = shell(value)
                if isinstance(out, dict):
                    out[key] = child
                else:
                    out.append(child)
                if isinstance(value, (Obj, Arr)):
                    todo.append((value, cptr, child))
        result.positions = pos
        result.key_positions = keypos
        result.unknown = unknown
        result.origins = origins
        return top

    def read_issues(self) -> list[ReadIssue]:
        ordered = sorted(self.issues)
        shown = ordered[:MAX_ISSUES]
        out = [
            ReadIssue(code, message, *self.line_col(0, off), _pointer(path)) for off, _, code, message, path in shown
        ]
        if len(ordered) > MAX_ISSUES:
            off = ordered[MAX_ISSUES][0]
            more = f"... and {len(ordered) - MAX_ISSUES} more problems (not listed)"
            out.append(ReadIssue("hocon-syntax-error", more, *self.line_col(0, off)))
        return out


def _relativize(root: Obj, prefix: tuple[str, ...]) -> None:
    """Substitutions of an included file refer to its own root: prefix them with where it is included."""
    todo: list[Node] = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, Subst):
            node.path = (*prefix, *node.path)
            node.base_len += len(prefix)
            node.field = (*prefix, *node.field)
        elif isinstance(node, Obj):
            todo.extend(node.fields.values())
        elif isinstance(node, Arr):
            todo.extend(node.items)
        elif isinstance(node, Concat):
            todo.extend(node.parts)
        elif isinstance(node, Merge):
            todo.extend(node.stack)


def _pointer(path: tuple[str, ...]) -> str:
    ptr = ""
    for element in path:
        ptr = join_pointer(ptr, element)
    return ptr


def _show_name(name: str) -> str:
    text = name if len(name) <= 80 else "..." + name[-77:]
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return f"'{text}'"
