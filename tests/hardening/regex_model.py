"""A step-counting model of Python's backtracking regular-expression engine, the oracle of bounded regex work.

Python's ``re`` reports no work, and timing is no evidence. This module parses a pattern with ``re``'s own
parser and matches it the way ``sre`` does (leftmost start first, alternatives in order, greedy repeats
longest first and then giving back, lazy ones shortest first, possessive repeats and atomic groups without
giving back, lookarounds), counting one step per node tried and per character a repeat examines. A pattern
whose search takes quadratically many steps here backtracks quadratically in ``re`` too; the tests also check
that the model's answer equals ``re.search``'s on every string they try, so the model is the engine it claims.

Backreferences are not modelled (no pattern applied to config text uses one).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

try:
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python < 3.11
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]


class StepLimit(Exception):
    """The search took more steps than allowed (exponential or worse)."""


class Unsupported(Exception):
    """The pattern uses a construct the model does not have (a backreference)."""


@dataclass(frozen=True)
class _Char:
    test: Callable[[str], bool]


Continuation = Callable[[int], bool]


class Model:
    """``Model(pattern).search(text)`` -> (matched, steps)."""

    def __init__(self, pattern: str | bytes | re.Pattern, flags: int = 0) -> None:
        if isinstance(pattern, re.Pattern):
            flags, pattern = pattern.flags, pattern.pattern
        self.source = pattern
        self.bytes = isinstance(pattern, bytes)
        parsed = sre_parse.parse(pattern, flags)
        self.flags = parsed.state.flags
        self.compiled = re.compile(pattern, flags)
        self.root = self._build(parsed, self.flags)

    # -- building ------------------------------------------------------------------------------------------

    def _build(self, sub, flags: int) -> list:
        return [self._node(op, av, flags) for op, av in sub]

    def _node(self, op, av, flags: int):
        if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
            return _Char(self._char_test(op, av, flags))
        if op == c.BRANCH:
            return ("branch", [self._build(alt, flags) for alt in av[1]])
        if op == c.SUBPATTERN:
            _group, add, remove, body = av
            return ("group", self._build(body, (flags | add) & ~remove))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) or op == getattr(c, "POSSESSIVE_REPEAT", None):
            low, high, body = av
            kind = {c.MAX_REPEAT: "greedy", c.MIN_REPEAT: "lazy"}.get(op, "possessive")
            built = self._build(body, flags)
            single = built[0] if len(built) == 1 and isinstance(built[0], _Char) else None
            return ("repeat", kind, low, high, built, single)
        if op == getattr(c, "ATOMIC_GROUP", None):
            return ("atomic", self._build(av, flags))
        if op == c.AT:
            return ("at", av, flags)
        if op in (c.ASSERT, c.ASSERT_NOT):
            direction, body = av
            width = body.getwidth()[0] if direction < 0 else 0
            return ("assert", op == c.ASSERT, direction, width, self._build(body, flags))
        raise Unsupported(f"{op} in {self.source!r}")

    def _char_test(self, op, av, flags: int) -> Callable[[str], bool]:
        ignore = bool(flags & re.IGNORECASE)
        ascii_only = self.bytes or bool(flags & re.ASCII)
        dotall = bool(flags & re.DOTALL)

        def fold(test: Callable[[str], bool]) -> Callable[[str], bool]:
            if not ignore:
                return test
            return lambda ch: test(ch) or test(ch.lower()) or test(ch.upper())

        if op == c.ANY:
            return (lambda ch: True) if dotall else (lambda ch: ch != "\n")
        if op == c.LITERAL:
            lit = chr(av)
            return fold(lambda ch: ch == lit)
        if op == c.NOT_LITERAL:
            lit = chr(av)
            inner = fold(lambda ch: ch == lit)
            return lambda ch: not inner(ch)
        negate = False
        tests: list[Callable[[str], bool]] = []
        for item_op, item_av in av:
            if item_op == c.NEGATE:
                negate = True
            elif item_op == c.LITERAL:
                tests.append(lambda ch, lit=chr(item_av): ch == lit)
            elif item_op == c.RANGE:
                lo, hi = chr(item_av[0]), chr(item_av[1])
                tests.append(lambda ch, lo=lo, hi=hi: lo <= ch <= hi)
            elif item_op == c.CATEGORY:
                tests.append(_category(item_av, ascii_only))
            else:
                raise Unsupported(f"{item_op} in a class of {self.source!r}")
        member = fold(lambda ch: any(t(ch) for t in tests))
        return (lambda ch: not member(ch)) if negate else member

    # -- matching ------------------------------------------------------------------------------------------

    def search(self, text: str | bytes, limit: int = 2_000_000, *, anchored: bool = False) -> tuple[bool, int]:
        """Does the pattern match anywhere in ``text`` (as ``re.search``; at its start only, as ``re.match``,
        when ``anchored``), and how many steps it took."""
        self.text = text.decode("latin-1") if isinstance(text, bytes) else text
        self.n = len(self.text)
        self.steps = 0
        self.limit = limit
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 50_000))
        try:
            for start in range(1 if anchored else self.n + 1):
                self.steps += 1
                if self._seq(self.root, 0, start, lambda p: True):
                    return True, self.steps
            return False, self.steps
        finally:
            sys.setrecursionlimit(old)

    def _tick(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > self.limit:
            raise StepLimit(self.steps)

    def _seq(self, items: list, index: int, pos: int, k: Continuation) -> bool:
        if index == len(items):
            return k(pos)
        return self._one(items[index], pos, lambda p: self._seq(items, index + 1, p, k))

    def _first_end(self, items: list, pos: int) -> int | None:
        found: list[int] = []

        def keep(p: int) -> bool:
            found.append(p)
            return True

        return found[0] if self._seq(items, 0, pos, keep) else None

    def _one(self, node, pos: int, k: Continuation) -> bool:
        self._tick()
        if isinstance(node, _Char):
            return pos < self.n and node.test(self.text[pos]) and k(pos + 1)
        kind = node[0]
        if kind == "group":
            return self._seq(node[1], 0, pos, k)
        if kind == "branch":
            return any(self._seq(alt, 0, pos, k) for alt in node[1])
        if kind == "repeat":
            return self._repeat(node, pos, k)
        if kind == "atomic":
            end = self._first_end(node[1], pos)
            return end is not None and k(end)
        if kind == "at":
            return self._at(node[1], node[2], pos) and k(pos)
        if kind == "assert":
            _, positive, direction, width, body = node
            if direction < 0:
                start = pos - width
                ok = start >= 0 and self._seq(body, 0, start, lambda p: p == pos)
            else:
                ok = self._first_end(body, pos) is not None
            return ok == positive and k(pos)
        raise Unsupported(kind)

    def _repeat(self, node, pos: int, k: Continuation) -> bool:
        _, kind, low, high, body, single = node
        if single is not None:
            count = 0
            if kind == "lazy":
                while count < low:
                    self._tick()
                    if pos + count >= self.n or not single.test(self.text[pos + count]):
                        return False
                    count += 1
                while True:
                    if k(pos + count):
                        return True
                    self._tick()
                    if count >= high or pos + count >= self.n or not single.test(self.text[pos + count]):
                        return False
                    count += 1
            while count < high and pos + count < self.n and single.test(self.text[pos + count]):
                self._tick()
                count += 1
            if count < low:
                return False
            if kind == "possessive":
                return k(pos + count)
            for taken in range(count, low - 1, -1):
                self._tick()
                if k(pos + taken):
                    return True
            return False
        if kind == "possessive":
            count, p = 0, pos
            while count < high:
                end = self._first_end(body, p)
                if end is None or (end == p and count >= low):
                    break
                p, count = end, count + 1
            return count >= low and k(p)

        def again(count: int, p: int) -> bool:
            self._tick()
            if kind == "lazy":
                if count >= low and k(p):
                    return True
                return count < high and self._seq(body, 0, p, lambda q: (q != p or count < low) and again(count + 1, q))
            if count < high and self._seq(body, 0, p, lambda q: (q != p or count < low) and again(count + 1, q)):
                return True
            return count >= low and k(p)

        return again(0, pos)

    def _at(self, where, flags: int, pos: int) -> bool:
        text, n = self.text, self.n
        multiline = bool(flags & re.MULTILINE)
        if where == c.AT_BEGINNING:
            return pos == 0 or (multiline and text[pos - 1] == "\n")
        if where == c.AT_BEGINNING_STRING:
            return pos == 0
        if where == c.AT_END:
            return pos == n or (pos == n - 1 and text[pos] == "\n") or (multiline and text[pos] == "\n")
        if where == c.AT_END_STRING:
            return pos == n
        if where in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY):
            word = _category(c.CATEGORY_WORD, self.bytes or bool(flags & re.ASCII))
            before = pos > 0 and word(text[pos - 1])
            after = pos < n and word(text[pos])
            return (before != after) == (where == c.AT_BOUNDARY)
        raise Unsupported(f"{where} in {self.source!r}")


def _category(category, ascii_only: bool) -> Callable[[str], bool]:
    if ascii_only:
        digit = lambda ch: "0" <= ch <= "9"  # noqa: E731
        space = lambda ch: ch in " \t\n\r\f\v"  # noqa: E731
        word = lambda ch: ch.isascii() and (ch.isalnum() or ch == "_")  # noqa: E731
    else:
        digit = str.isdecimal
        space = str.isspace
        word = lambda ch: ch.isalnum() or ch == "_"  # noqa: E731
    table = {
        c.CATEGORY_DIGIT: digit,
        c.CATEGORY_NOT_DIGIT: lambda ch: not digit(ch),
        c.CATEGORY_SPACE: space,
        c.CATEGORY_NOT_SPACE: lambda ch: not space(ch),
        c.CATEGORY_WORD: word,
        c.CATEGORY_NOT_WORD: lambda ch: not word(ch),
        c.CATEGORY_LINEBREAK: lambda ch: ch == "\n",
        c.CATEGORY_NOT_LINEBREAK: lambda ch: ch != "\n",
    }
    return table[category]


# ---------------------------------------------------------------------------------------- adversarial text


def pattern_pieces(model: Model) -> tuple[list[str], list[str]]:
    """(single characters, literal words) a pattern is made of: the material of adversarial strings."""
    chars: list[str] = []
    words: list[str] = []
    parsed = sre_parse.parse(model.source, model.flags)

    def walk(sub) -> None:
        run = ""
        for op, av in sub:
            if op == c.LITERAL:
                run += chr(av)
                chars.append(chr(av))
                continue
            if len(run) > 1:
                words.append(run)
            run = ""
            if op == c.IN:
                for item_op, item_av in av:
                    if item_op == c.LITERAL:
                        chars.append(chr(item_av))
                    elif item_op == c.RANGE:
                        chars.extend((chr(item_av[0]), chr(item_av[1])))
                    elif item_op == c.CATEGORY:
                        chars.append({c.CATEGORY_DIGIT: "7", c.CATEGORY_SPACE: " ", c.CATEGORY_WORD: "w"}.get(
                            item_av, "!"))
            elif op == c.NOT_LITERAL:
                chars.append(chr(av))
            elif op == c.BRANCH:
                for alt in av[1]:
                    walk(alt)
            elif op == c.SUBPATTERN:
                walk(av[3])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) or op == getattr(c, "POSSESSIVE_REPEAT", None):
                walk(av[2])
            elif op == getattr(c, "ATOMIC_GROUP", None):
                walk(av)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(av[1])
        if len(run) > 1:
            words.append(run)

    walk(parsed)
    generic = [" ", "\t", "a", "Z", "0", "/", "\\", ".", ":", "-", "[", "]", "\n", "\x00"]
    unique = list(dict.fromkeys(chars + generic))
    return unique, list(dict.fromkeys(words))
