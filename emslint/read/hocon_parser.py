"""HOCON tokens -> value tree (``hocon_nodes``), as Typesafe config's ``ConfigDocumentParser`` and
``ConfigParser`` build it, with includes merged in and tolerant recovery.

Grammar points that follow Typesafe config: root braces optional; ``:``, ``=``, ``+=`` or a key directly
followed by ``{``; newlines may stand between a key and its separator and between the separator and the
value; fields and elements are separated by a comma, one or more newlines, or both; one trailing comma is
allowed; a value is a concatenation of simple values (whitespace between them kept), of arrays or of
objects on one line; keys are path expressions (``a.b."c.d"``); ``include`` at the start of a key takes a
quoted name, ``file("..")``, ``url("..")``, ``classpath("..")``, optionally inside ``required(..)``.

Recovery: a syntax error is reported and the rest of the line (up to a comma or a closing bracket of the
enclosing container) is skipped; an unclosed container ends at the end of the file; a stray closing brace
is skipped. A value that contains a reserved character is kept as unknown (its text is not guessed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from emslint.read import hocon_lexer as lx
from emslint.read.hocon_lexer import Token
from emslint.read.hocon_nodes import (
    MAX_HEIGHT,
    UNMERGEABLE,
    Arr,
    Concat,
    Merge,
    Node,
    Obj,
    Scalar,
    Subst,
    Unknown,
    height,
    merge_into,
    object_as_list,
    render,
    with_fallback,
)

MAX_DEPTH = 64  # nesting of objects and arrays in one file (Typesafe config has no limit; real files use < 10)

_URL_SCHEME = re.compile(r"(?i)(?:https?|ftp|jar|file|mailto|netdoc):")
_CLOSE_PARENS = re.compile(r"\)+")


@dataclass(slots=True)
class IncludeRequest:
    """An include statement to follow: ``name`` as written, ``required`` for ``required(..)``."""

    name: str
    required: bool
    offset: int
    src: int


class ParseContext:
    """State shared by the parsers of a file and of the files it includes."""

    def __init__(
        self,
        issue: Callable[[str, str, int, int, tuple[str, ...]], None],
        include: Callable[[IncludeRequest, tuple[str, ...]], Obj | None],
        line_of: Callable[[int, int], int],
    ) -> None:
        self.issue = issue  # (code, message, offset, src, key path)
        self.include = include  # follows an include; returns its root object (already relativized) or None
        self.line_of = line_of  # (src, offset) -> line number, for messages that name another line


class Parser:
    def __init__(self, lexed: lx.Lexed, src: int, ctx: ParseContext) -> None:
        self.toks = lexed.tokens
        self.p = 0
        self.src = src
        self.ctx = ctx
        self.depth = 0
        self.array_depth = 0
        self.fields_read = 0
        self.errors = 0

    # ------------------------------------------------------------------------------------- helpers

    def error(self, message: str, off: int, path: tuple[str, ...] = (), code: str = "hocon-syntax-error") -> None:
        self.errors += 1
        self.ctx.issue(code, message, off, self.src, path)

    def peek(self) -> Token:
        return self.toks[self.p]

    def skip_ws(self) -> Token:
        toks = self.toks
        while toks[self.p].kind == lx.WS:
            self.p += 1
        return toks[self.p]

    def skip_ws_nl(self) -> Token:
        toks = self.toks
        while toks[self.p].kind in (lx.WS, lx.NEWLINE):
            self.p += 1
        return toks[self.p]

    def skip_rest(self) -> None:
        """Recovery: skip to the end of the line or a comma (consumed), or before a closing bracket that
        closes the enclosing container, keeping track of brackets opened on the way."""
        toks = self.toks
        level = 0
        while True:
            t = toks[self.p]
            k = t.kind
            if k == lx.EOF:
                return
            if k in (lx.LBRACE, lx.LBRACK):
                level += 1
            elif k in (lx.RBRACE, lx.RBRACK):
                if level == 0:
                    return
                level -= 1
            elif level == 0 and k == lx.NEWLINE:
                return
            elif level == 0 and k == lx.COMMA:
                self.p += 1
                return
            self.p += 1

    def at_line_start(self) -> bool:
        """Only whitespace since the last newline (a recovery stopped at the start of a line)."""
        i = self.p - 1
        while i >= 0 and self.toks[i].kind == lx.WS:
            i -= 1
        return i >= 0 and self.toks[i].kind == lx.NEWLINE

    def separator(self, closer: int, path: tuple[str, ...]) -> None:
        """After a field or element: a comma, newlines, or both; else report and skip the rest."""
        t = self.skip_ws()
        if t.kind == lx.COMMA:
            self.p += 1
            return
        if t.kind == lx.NEWLINE:
            t = self.skip_ws_nl()
            if t.kind == lx.COMMA:
                self.p += 1
            return
        if t.kind in (closer, lx.EOF):
            return
        what = "'}'" if closer == lx.RBRACE else "']'"
        self.error(f"expected ',', a new line or {what} after the value, found {lx.NAMES[t.kind]}", t.start, path)
        self.skip_rest()

    # -------------------------------------------------------------------------------------- document

    def parse_root(self) -> Node:
        t = self.skip_ws_nl()
        if t.kind == lx.LBRACK:
            self.p += 1
            root: Node = self.parse_array(())
            self.error("the root is an array; Typesafe config requires an object at the root", t.start)
        elif t.kind == lx.LBRACE:
            self.p += 1
            root = self.parse_object(t.start, True, ())
        else:
            root = self.parse_object(t.start, False, ())
        while True:
            t = self.skip_ws_nl()
            if t.kind == lx.EOF:
                return root
            if t.kind == lx.RBRACE:
                self.error("unbalanced '}': no object is open here", t.start)
                self.p += 1
                continue
            self.error(f"{lx.NAMES[t.kind]} after the end of the root object", t.start)
            if isinstance(root, Obj):  # keep reading the rest as fields of the root
                more = self.parse_object(t.start, False, ())
                root = merge_into(more, root, (), None)
            else:
                self.skip_rest()
                if self.peek().kind in (lx.RBRACE, lx.RBRACK):
                    self.p += 1

    def parse_object(self, off: int, braced: bool, prefix: tuple[str, ...]) -> Obj:
        """Fields up to the closing brace (or the end of the file for the root object), merged as HOCON merges them."""
        obj = Obj(off, self.src)
        toks = self.toks
        while True:
            t = self.skip_ws_nl()
            k = t.kind
            if k == lx.RBRACE:
                if braced:
                    self.p += 1
                    return obj
                return obj  # the brace-less root: the caller reports the stray '}'
            if k == lx.EOF:
                if braced:
                    line = self.ctx.line_of(self.src, off)
                    self.error(
                        f"'}}' missing: the object opened at line {line} is not closed before the end of the file",
                        t.start,
                        prefix,
                    )
                return obj
            if k == lx.RBRACK:
                self.error("']' where a key or '}' is expected", t.start, prefix)
                if braced:
                    return obj  # let an enclosing array take it
                self.p += 1
                continue
            if k == lx.COMMA:
                self.error("',' where a key is expected (two commas, or a comma first)", t.start, prefix)
                self.p += 1
                continue
            if k == lx.UNQUOTED and t.text == "include":
                self.p += 1
                self.parse_include(obj, prefix)
            else:
                before = self.p
                self.parse_field(obj, prefix)
                if self.p == before:  # nothing consumed: skip the token so that we always progress
                    self.p += 1
            if toks[self.p].kind not in (lx.RBRACE, lx.EOF) and not self.at_line_start():
                self.separator(lx.RBRACE, prefix)

    def parse_array(self, path: tuple[str, ...]) -> Arr:
        """Elements up to the closing bracket, separated by commas or new lines."""
        start = self.toks[self.p - 1].start
        arr = Arr(start, self.src)
        self.array_depth += 1
        try:
            while True:
                t = self.skip_ws_nl()
                k = t.kind
                if k == lx.RBRACK:
                    self.p += 1
                    return arr
                if k == lx.EOF:
                    line = self.ctx.line_of(self.src, start)
                    self.error(
                        f"']' missing: the array opened at line {line} is not closed before the end of the file",
                        t.start,
                        path,
                    )
                    return arr
                if k == lx.RBRACE:
                    self.error("'}' where an array element or ']' is expected", t.start, path)
                    return arr  # let the enclosing object take it
                if k == lx.COMMA:
                    self.error("',' where an array element is expected (two commas, or a comma first)", t.start, path)
                    self.p += 1
                    continue
                value = self.parse_value((*path, str(len(arr.items))), path)
                if value is None:
                    self.error(f"{lx.NAMES[k]} where an array element is expected", t.start, path)
                    self.p += 1
                    self.skip_rest()
                    continue
                arr.items.append(value)
                arr.height = max(arr.height, 1 + height(value))
                if self.peek().kind not in (lx.RBRACK, lx.EOF):
                    self.separator(lx.RBRACK, path)
        finally:
            self.array_depth -= 1

    # -------------------------------------------------------------------------------------- fields

    def parse_field(self, obj: Obj, prefix: tuple[str, ...]) -> None:
        """One `key = value`, `key : value`, `key += value` or `key { ... }` field, added to ``obj`` under
        ``prefix``."""
        key = self.parse_key()
        if key is None:
            return
        path, offsets, shown = key
        full = (*prefix, *path)
        before = self.p
        t = self.skip_ws_nl()
        sep = t.kind
        if sep == lx.LBRACE:
            value: Node | None = self.parse_value(full, full)
        elif sep in (lx.COLON, lx.EQUALS, lx.PLUSEQ):
            self.p += 1
            self.skip_ws_nl()
            value = self.parse_value(full, full)
            if value is None:
                after = self.peek()
                self.error(f"no value after {lx.NAMES[sep]} for the key {show_path(full)}", after.start, full)
                self.skip_rest()
                return
        else:
            # Name the key only up to its first space: after a typo ('key - "value"') the rest is a value;
            # and a quoted string alone on a line may be a value too, so it is not named at all.
            if shown:
                named = (*prefix, *shown)
                what = f"the key {show_path(named)}"
            else:
                named, what = prefix, "a quoted string where a key is expected"
            self.error(f"{what} is not followed by ':', '=' or '{{' (found {lx.NAMES[sep]})", offsets[0], named)
            if any(tok.kind == lx.NEWLINE for tok in self.toks[before : self.p]):
                return  # the next line is read as it is (a key alone on its line)
            self.skip_rest()
            return
        assert value is not None
        if sep == lx.PLUSEQ:
            if self.array_depth:
                self.error("'+=' inside an array is not supported by Typesafe config", t.start, full)
            previous = Subst(value.off, value.src, full, True, full, env=False)
            value = Concat(value.off, value.src, [previous, Arr(value.off, value.src, [value])])
        self.fields_read += 1
        self.put_path(obj, path, offsets, value, prefix)

    def put_path(
        self, obj: Obj, path: tuple[str, ...], offsets: list[int], value: Node, prefix: tuple[str, ...]
    ) -> None:
        """``a.b.c = v`` is ``a { b { c = v } }`` merged into ``obj``."""
        for i in range(len(path) - 1, 0, -1):
            wrapper = Obj(offsets[i - 1], self.src)  # an object made by a path key is where its key is
            wrapper.fields[path[i]] = value
            wrapper.keys[path[i]] = (offsets[i], self.src)
            wrapper.height = 1 + height(value)
            value = wrapper
        self.put(obj, path[0], offsets[0], self.src, value, (*prefix, path[0]))

    def put(self, obj: Obj, key: str, key_off: int, key_src: int, value: Node, path: tuple[str, ...]) -> None:
        existing = obj.fields.get(key)
        if existing is not None:
            value = with_fallback(value, existing, path, self.on_replace)
        if height(value) + 1 > MAX_HEIGHT:
            self.error("nested too deeply; the value is not read", value.off, path, "hocon-too-deep")
            value = Unknown(value.off, value.src, "nested too deeply to be read")
        obj.fields[key] = value
        obj.keys[key] = (key_off, key_src)
        obj.height = max(obj.height, 1 + height(value))

    def on_replace(self, path: tuple[str, ...], new: Node, old: Node) -> None:
        if new.src == old.src == self.src:
            line = _line_of(self, old.off)
            self.ctx.issue(
                "hocon-duplicate-key",
                f"{show_path(path)} is set again here; the earlier value (line {line}) is replaced",
                new.off,
                new.src,
                path,
            )

    def parse_key(self) -> tuple[tuple[str, ...], list[int], tuple[str, ...]] | None:
        """A path expression: quoted parts are taken whole, '.' outside quotes separates elements.
        Returns (path, offset of each element, the path of the part before the first space)."""
        toks = self.toks
        start = self.p
        t = toks[self.p]
        if t.kind not in lx.KEY_PARTS:
            self.error(f"expected a key, found {lx.NAMES[t.kind]}", t.start)
            self.skip_rest()
            return None
        parts: list[Token] = []
        while True:
            t = toks[self.p]
            if t.kind in lx.KEY_PARTS or (t.kind == lx.WS and toks[self.p + 1].kind in lx.KEY_PARTS):
                parts.append(t)
                self.p += 1
            else:
                break
        parsed = split_path(parts)
        if parsed is None:
            self.error(
                "invalid key: an empty path element ('..', or a leading or trailing '.'); "
                "quote the key if the dot is part of it",
                toks[start].start,
            )
            self.skip_rest()
            return None
        first_ws = next((i for i, tok in enumerate(parts) if tok.kind == lx.WS), len(parts))
        if any(tok.kind == lx.QUOTED for tok in parts[:first_ws]):
            return parsed[0], parsed[1], ()
        head = split_path(parts[:first_ws]) if first_ws < len(parts) else parsed
        return parsed[0], parsed[1], (head or parsed)[0]

    # -------------------------------------------------------------------------------------- values

    def parse_value(self, path: tuple[str, ...], field: tuple[str, ...]) -> Node | None:
        """A value concatenation on one line: simple values (with the whitespace between them), arrays or
        objects; None if no value starts here."""
        toks = self.toks
        pieces: list[Node] = []
        bad = -1
        last_simple = False
        while True:
            t = toks[self.p]
            k = t.kind
            if k == lx.WS:
                nxt = toks[self.p + 1].kind
                if last_simple and (nxt in lx.SIMPLE or nxt == lx.BAD):
                    pieces.append(Scalar(t.start, self.src, t.text, t.text, ws=True))
                self.p += 1
                continue
            if k in lx.SIMPLE:
                pieces.append(self.simple(t, field))
                self.p += 1
                last_simple = True
            elif k == lx.BAD:
                if bad < 0:
                    bad = t.start
                self.p += 1
                last_simple = True
            elif k == lx.LBRACE:
                if not self.enter(t, path):
                    return Unknown(t.start, self.src, "nested too deeply to be read")
                self.p += 1
                pieces.append(self.parse_object(t.start, True, path))
                self.depth -= 1
                last_simple = False
            elif k == lx.LBRACK:
                if not self.enter(t, path):
                    return Unknown(t.start, self.src, "nested too deeply to be read")
                self.p += 1
                pieces.append(self.parse_array(path))
                self.depth -= 1
                last_simple = False
            else:
                break
        if bad >= 0:
            start = pieces[0].off if pieces else bad
            return Unknown(start, self.src, f"not read: a reserved character at line {_line_of(self, bad)}")
        if not pieces:
            return None
        if len(pieces) == 1:
            return pieces[0]
        return self.concatenate(pieces, field)

    def enter(self, t: Token, path: tuple[str, ...]) -> bool:
        if self.depth >= MAX_DEPTH:
            self.error(
                f"nested more than {MAX_DEPTH} levels deep; the rest of this value is skipped",
                t.start,
                path,
                "hocon-too-deep",
            )
            self.skip_balanced()
            return False
        self.depth += 1
        return True

    def skip_balanced(self) -> None:
        """Skip the container that starts at the current token (iteratively, whatever its depth)."""
        toks = self.toks
        level = 0
        while True:
            k = toks[self.p].kind
            if k == lx.EOF:
                return
            self.p += 1
            if k in (lx.LBRACE, lx.LBRACK):
                level += 1
            elif k in (lx.RBRACE, lx.RBRACK):
                level -= 1
                if level <= 0:
                    return

    def simple(self, t: Token, field: tuple[str, ...]) -> Node:
        k = t.kind
        src = self.src
        if k == lx.QUOTED or k == lx.UNQUOTED:
            return Scalar(t.start, src, t.text, t.text)
        if k == lx.NUMBER:
            return Scalar(t.start, src, t.value, t.text)
        if k == lx.TRUE:
            return Scalar(t.start, src, True, "true")
        if k == lx.FALSE:
            return Scalar(t.start, src, False, "false")
        if k == lx.NULL:
            return Scalar(t.start, src, None, "null")
        # SUBST
        parts = _trim_ws(t.parts or [])
        bad = [p for p in parts if p.kind not in lx.KEY_PARTS and p.kind != lx.WS]
        parsed = None if bad or not parts else split_path(parts)
        if parsed is None:
            self.error("invalid substitution: '${' must contain a path such as ${a.b}", t.start, field)
            return Unknown(t.start, src, "an invalid substitution")
        return Subst(t.start, src, parsed[0], t.optional, field)

    def concatenate(self, pieces: list[Node], field: tuple[str, ...]) -> Node:
        """Join what can be joined before resolution (Typesafe's ConfigConcatenation.concatenate)."""
        out: list[Node] = []
        for piece in pieces:
            if not out:
                out.append(piece)
                continue
            joined = join(out[-1], piece, lambda a, b: with_fallback(a, b, field, None))
            if joined is _CANNOT:
                self.error(
                    f"cannot concatenate an object or array with a string in {show_path(field)}",
                    piece.off,
                    field,
                    "hocon-type-mismatch",
                )
                return Unknown(out[0].off, self.src, "an invalid concatenation")
            if joined is None:
                out.append(piece)
            else:
                out[-1] = joined
        if len(out) == 1:
            return out[0]
        return Concat(out[0].off, self.src, out)

    # -------------------------------------------------------------------------------------- includes

    def parse_include(self, obj: Obj, prefix: tuple[str, ...]) -> None:
        """An `include` statement: files inside the scanned folder are read and merged; URLs, classpath resources
        and files outside are refused with a finding."""
        toks = self.toks
        start = toks[self.p - 1].start
        t = self.skip_ws_nl()
        required = False
        kind = "heuristic"
        parens = 0
        if t.kind == lx.UNQUOTED:
            text = t.text
            if text.startswith("required("):
                required, parens, text = True, 1, text[len("required(") :]
                self.p += 1
                if not text:
                    t = self.skip_ws_nl()
                    text = t.text if t.kind == lx.UNQUOTED else ""
                    if text:
                        self.p += 1
            else:
                self.p += 1
            if text:
                for candidate in ("file(", "url(", "classpath("):
                    if text == candidate:
                        kind, parens = candidate[:-1], parens + 1
                        break
                else:
                    self.error(
                        'include must be followed by a quoted name, file(".."), url(".."), '
                        'classpath("..") or required(..)',
                        t.start,
                        prefix,
                    )
                    self.skip_rest()
                    return
        t = self.skip_ws_nl()
        if t.kind != lx.QUOTED:
            self.error("include needs a quoted file name", t.start, prefix)
            self.skip_rest()
            return
        name = t.text
        self.p += 1
        while parens:
            t = self.skip_ws_nl()
            m = _CLOSE_PARENS.match(t.text) if t.kind == lx.UNQUOTED else None
            if m is None or m.end() != len(t.text):
                self.error("')' missing after the include name", t.start, prefix)
                self.skip_rest()
                return
            parens -= min(parens, len(t.text))
            self.p += 1
        if kind in ("url", "classpath") or (kind == "heuristic" and _URL_SCHEME.match(name)):
            what = "a URL" if kind != "classpath" else "a classpath resource (inside the application's jars)"
            self.ctx.issue(
                "hocon-include-refused",
                f"include of {what} is not followed: emslint reads only files in the scanned folder",
                start,
                self.src,
                prefix,
            )
            return
        included = self.ctx.include(IncludeRequest(name, required, start, self.src), prefix)
        if included is None:
            return
        if self.array_depth and _has_substitution(included):
            self.ctx.issue(
                "hocon-syntax-error",
                "an included file with substitutions inside an array value is refused by Typesafe config",
                start,
                self.src,
                prefix,
            )
        for key, value in included.fields.items():
            key_off, key_src = included.keys[key]
            self.put(obj, key, key_off, key_src, value, (*prefix, key))


_CANNOT = Unknown(-1, 0, "")  # sentinel: the two pieces can never be concatenated


def join(left: Node, right: Node, merge_objects: Callable[[Node, Node], Node]) -> Node | None:
    """Join two adjacent pieces of a concatenation (Typesafe's ConfigConcatenation.join): objects merge
    (right wins), arrays concatenate, whitespace next to an object or array is dropped, simple values
    become one string. None: not joinable yet (a substitution); ``_CANNOT``: never joinable."""
    if isinstance(left, Obj) and isinstance(right, Arr):
        left = object_as_list(left) or left
    elif isinstance(left, Arr) and isinstance(right, Obj):
        right = object_as_list(right) or right
    if isinstance(left, Obj) and isinstance(right, Obj):
        return merge_objects(right, left)
    if isinstance(left, Arr) and isinstance(right, Arr):
        return Arr(left.off, left.src, [*left.items, *right.items])
    if isinstance(left, (Arr, Obj)) and isinstance(right, Scalar) and right.ws:
        return left
    if isinstance(left, UNMERGEABLE) or isinstance(right, UNMERGEABLE):
        return None
    if isinstance(left, Unknown):
        return Unknown(left.off, left.src, left.reason)
    if isinstance(right, Unknown):
        return Unknown(left.off, left.src, right.reason)
    a, b = render(left), render(right)
    if a is None or b is None:
        return _CANNOT
    text = a + b
    return Scalar(left.off, left.src, text, text)


def is_cannot(node: Node | None) -> bool:
    return node is _CANNOT


def split_path(parts: list[Token]) -> tuple[tuple[str, ...], list[int]] | None:
    """Path elements and the offset where each starts; None if an unquoted element is empty."""
    elements: list[str] = []
    offsets: list[int] = []
    cur: list[str] = []
    cur_off = parts[0].start
    quoted = False
    for tok in parts:
        if tok.kind == lx.QUOTED:
            cur.append(tok.text)
            quoted = True
            continue
        if tok.kind == lx.WS:
            cur.append(tok.text)
            continue
        raw = tok.text
        pieces = raw.split(".")
        cur.append(pieces[0])
        pos = tok.start + len(pieces[0])
        for piece in pieces[1:]:
            text = "".join(cur)
            if not text and not quoted:
                return None
            elements.append(text)
            offsets.append(cur_off)
            cur, quoted, cur_off = [piece], False, pos + 1
            pos += 1 + len(piece)
    text = "".join(cur)
    if not text and not quoted:
        return None
    elements.append(text)
    offsets.append(cur_off)
    return tuple(elements), offsets


def _trim_ws(parts: list[Token]) -> list[Token]:
    i, j = 0, len(parts)
    while i < j and parts[i].kind == lx.WS:
        i += 1
    while j > i and parts[j - 1].kind == lx.WS:
        j -= 1
    return parts[i:j]


def _has_substitution(node: Node) -> bool:
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, (Subst, Concat, Merge)):
            return True
        if isinstance(n, Obj):
            todo.extend(n.fields.values())
        elif isinstance(n, Arr):
            todo.extend(n.items)
    return False


def _line_of(parser: Parser, off: int) -> int:
    return parser.ctx.line_of(parser.src, off)


def show_path(path: tuple[str, ...]) -> str:
    """A key path for a message: dotted, quoted elements where needed, long or odd text cut and escaped."""
    shown = []
    for element in path:
        text = element if len(element) <= 60 else element[:57] + "..."
        text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
        if not text or any(ch in text for ch in '." '):
            text = '"' + text.replace('"', '\\"') + '"'
        shown.append(text)
    joined = ".".join(shown)
    if len(joined) > 120:
        joined = "..." + joined[-117:]
    return f"'{joined}'" if joined else "the root"
