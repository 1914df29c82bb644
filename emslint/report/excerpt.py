"""Source excerpts for the HTML report: a few lines around each finding, every value that is or may be a secret
masked.

The lines come from the config text the pipeline read (never read again), and masking is a whitelist: a piece
of the line is shown only when emslint knows what it is and that it is no secret.

* config.json (and ``.booted``): a key is shown when the reader put a key at that place; a value (string,
  number) when the reader put a value there, its pointer names no secret or identity (:mod:`emslint.facts.mask`:
  the schemas' secret paths, secret-like and user-like names in any spelling), the token decodes to exactly the
  value the EMS reads, and neither the value nor the token has a secret shape (GUID, ``appKey=``, URL credentials,
  ``AES:...``, a long high-entropy run). ``true``, ``false``, ``null`` and punctuation are shown; anything else
  (a bare word, a value the product never reads, text after a syntax error) becomes ``***``.
* config.lua, tokenised by the reader's own lexer: the same test for string and number tokens; a name is shown
  when it is a keyword or something follows it that makes it a name (``=``, ``.``, ``:``, ``(``, ``[``, ``{``),
  never as a value (an unquoted password reads as a variable); comments become ``-- ***`` except emslint's own
  directives; unknown characters become ``***``.

``***`` never depends on the value (no length, no character of it). Lines are cut at :data:`MAX_LINE` characters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from emslint import debug
from emslint.facts.mask import MASK, is_secret_pointer, is_user_name, mask_text
from emslint.facts.secrets import GUID, _looks_encrypted
from emslint.model import Finding
from emslint.pointers import split as pointer_tokens
from emslint.read.lua_lexer import KEYWORDS, tokenize
from emslint.read.result import ReadResult
from emslint.read.sources import Sources
from emslint.read.suppressions import DIRECTIVE

CONTEXT = 2  # lines before and after a finding
MAX_LINE = 200  # characters of an excerpt line (after masking)
MAX_FINDINGS_LINES = 400  # excerpt lines kept per file
_JSON_PUNCTUATION = frozenset("{}[]:,")
_JSON_LITERALS = frozenset({"true", "false", "null"})
_NAME_FOLLOWERS = frozenset({"=", ".", ":", "(", "[", "{"})


def source_excerpts(sources: Sources, findings: Iterable[Finding]) -> dict[str, dict[int, str]]:
    """Display path -> line number -> masked line, for the lines around ``findings`` in the files of
    ``sources``. Never raises: a file whose excerpt fails gets none."""
    wanted: dict[str, set[int]] = {}
    for finding in findings:
        lines = wanted.setdefault(finding.file, set())
        if len(lines) < MAX_FINDINGS_LINES:
            lines.update(range(max(1, finding.line - CONTEXT), finding.line + CONTEXT + 1))
    out: dict[str, dict[int, str]] = {}
    for source in sources.files:
        if source.display not in wanted or source.text is None or source.result is None or source.foreign:
            continue
        try:
            kind = "lsr" if source.role == "lsr" else "ems"
            masked = masked_lines(source.text, kind, source.result, wanted[source.display])
        except Exception as exc:  # an excerpt is a convenience: never worth a failed run
            debug.report(exc, source.display)
            continue
        if masked:
            out[source.display] = masked
    return out


def masked_lines(text: str, kind: str, result: ReadResult, wanted: set[int]) -> dict[int, str]:
    """The ``wanted`` lines of ``text`` (a config of ``kind`` "ems" or "lsr", read into ``result``), masked."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    wanted = {n for n in wanted if 1 <= n <= len(raw)}
    judge = _Judge(kind, result)
    lines = _lua_lines(text, judge, wanted) if kind == "lsr" else {n: _json_line(raw[n - 1], n, judge) for n in wanted}
    return {n: _cut(line) for n, line in sorted(lines.items())}


def _cut(line: str) -> str:
    line = line.rstrip()
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


class _Judge:
    """Which values of one file may be shown, by their position."""

    def __init__(self, kind: str, result: ReadResult) -> None:
        self.kind = kind
        self.data = result.data
        self.values = {position: pointer for pointer, position in result.positions.items() if pointer}
        self.keys = set(result.key_positions.values())

    def key(self, line: int, column: int) -> bool:
        return (line, column) in self.keys

    def value(self, line: int, column: int, token: str, decoded: Any) -> bool:
        """Whether the value token ``token`` (decoded: ``decoded``) at line:column may be shown."""
        pointer = self.values.get((line, column))
        if pointer is None or is_secret_pointer(self.kind, pointer):
            return False
        names = pointer_tokens(pointer)
        if any(is_user_name(name) for name in names):
            return False
        value = _at(self.data, names)
        if isinstance(value, bool) or not isinstance(value, str | int | float) or value != decoded:
            return False
        return _plain(str(value)) and _plain(token)


def _plain(text: str) -> bool:
    """No secret shape in ``text``."""
    if mask_text(text) != text or GUID.search(text) or "aes:" in text.lower():
        return False
    return not any(_looks_encrypted(word) for word in text.split())


_MISSING = object()


def _at(data: Any, names: list[str]) -> Any:
    node = data
    for name in names:
        if isinstance(node, dict) and name in node:
            node = node[name]
        elif isinstance(node, list) and name.isdigit() and int(name) < len(node):
            node = node[int(name)]
        else:
            return _MISSING
    return node


# ------------------------------------------------------------------------------------------------------ JSON


def _json_line(line: str, number: int, judge: _Judge) -> str:
    """One config.json line, masked (JSON strings cannot span lines; a broken one is masked to the line's end)."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if char in " \t" or char in _JSON_PUNCTUATION:
            out.append(char)
            i += 1
        elif char == '"':
            end = _json_string_end(line, i)
            token = line[i:end]
            closed = end > i + 1 and line[end - 1] == '"' and _closed(token)
            if closed and (judge.key(number, i + 1) or judge.value(number, i + 1, token, _json_decoded(token))):
                out.append(token)
            else:
                out.append(f'"{MASK}"' if closed else MASK)
            i = end
        else:
            end = i
            while end < n and line[end] not in ' \t"' and line[end] not in _JSON_PUNCTUATION:
                end += 1
            word = line[i:end]
            if word in _JSON_LITERALS or judge.value(number, i + 1, word, _json_number(word)):
                out.append(word)
            else:
                out.append(MASK)
            i = end
    return "".join(out)


def _json_string_end(line: str, start: int) -> int:
    """The index after the closing quote of the string opening at ``start``, or the line's length."""
    i = start + 1
    while i < len(line):
        if line[i] == "\\":
            i += 2
        elif line[i] == '"':
            return i + 1
        else:
            i += 1
    return len(line)


def _closed(token: str) -> bool:
    """Whether the final quote of ``token`` is not escaped (an odd run of backslashes before it escapes it)."""
    backslashes = len(token) - 1 - len(token[:-1].rstrip("\\"))
    return len(token) >= 2 and backslashes % 2 == 0


def _json_decoded(token: str) -> Any:
    try:
        return json.loads(token)
    except ValueError:
        return _MISSING


def _json_number(word: str) -> Any:
    if not word or not (word[0].isdigit() or word[0] == "-"):
        return _MISSING
    try:
        value = json.loads(word)
    except ValueError:
        return _MISSING
    return value if isinstance(value, int | float) else _MISSING


# ------------------------------------------------------------------------------------------------------- Lua


def _lua_lines(text: str, judge: _Judge, wanted: set[int]) -> dict[int, str]:
    """The ``wanted`` lines of config.lua, masked token by token (the reader's lexer: long strings and comments
    that span lines are followed)."""
    if not wanted:
        return {}
    tokens = tokenize(text).tokens
    pieces: list[str] = []
    position = 0
    last = max(wanted)
    for index, token in enumerate(tokens):
        if token.kind == "eof":
            pieces.append(_lua_gap(text[position:]))
            break
        pieces.append(_lua_gap(text[position : token.offset]))
        raw = text[token.offset : token.end]
        following = tokens[index + 1].kind if index + 1 < len(tokens) else "eof"
        pieces.append(raw if _lua_shown(token, raw, following, judge) else _masked_span(raw))
        position = token.end
        if token.line > last + 1:  # past the last wanted line: the rest is not needed
            break
    lines = "".join(pieces).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return {n: lines[n - 1] for n in wanted if n <= len(lines)}


def _lua_shown(token: Any, raw: str, following: str, judge: _Judge) -> bool:
    kind = token.kind
    if kind in KEYWORDS:
        return True
    if kind == "name":
        return following in _NAME_FOLLOWERS
    if kind == "string":
        try:
            decoded: Any = token.value.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return judge.value(token.line, token.col, raw, decoded)
    if kind == "number":
        value = token.value
        decoded = int(value) if isinstance(value, float) and value.is_integer() else value
        return judge.value(token.line, token.col, raw, decoded) or judge.value(token.line, token.col, raw, value)
    if kind in ("error", "eof"):
        return False
    return kind.isascii() and not kind.isalnum() and kind not in ("!", "@", "$", "?", "`", "\\", "'", '"')


def _masked_span(raw: str) -> str:
    """``***`` on the token's first line; a token spanning lines (a long string) leaves its other lines empty."""
    breaks = raw.count("\n") + raw.count("\r") - raw.count("\r\n")
    return MASK + "\n" * breaks


def _lua_gap(gap: str) -> str:
    """Whitespace and comments between two tokens: comments become ``-- ***`` except emslint directives; the
    inner lines of a long comment become ``***``."""
    if not gap.strip():
        return gap
    out: list[str] = []
    for segment in gap.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        body = segment.lstrip()
        indent = segment[: len(segment) - len(body)]
        if not body or (body.startswith("--") and not body.startswith("--[") and DIRECTIVE.match(body[2:])):
            out.append(segment)
        elif body.startswith("--"):
            out.append(f"{indent}-- {MASK}")
        else:
            trailing = body[len(body.rstrip()):]
            out.append(f"{indent}{MASK}{trailing}")
    return "\n".join(out)
