"""Secrets never leave through the facts document or a reader's message.

``emslint facts`` prints the whole facts document (for rule authors), and reader messages become finding
details in every format. Both are built from untrusted configs, so both are cleaned here:

* :func:`mask_facts` replaces, in the config sections of a facts document (``ems``, ``ems_raw``, ``lsr``,
  ``lsr_raw``, ``connector``, ``connector_raw``), every value that is or may be a secret by ``***``:

  - the values at the schemas' secret paths (``x-emslint: {"secret": true}``), also in the EMS sections built
    from ``config.json.booted``;
  - values under a secret-like name anywhere (:func:`is_secret_name`: ``password``, ``passphrase``, ``pass``,
    ``pwd``, ``pin``, ``auth``, ``secret``, ``token``, ``credential``, ``appKey``, ``apiKey`` ... in any
    spelling: a misspelt key, an INI-style ``http_server.password``, a copy nested elsewhere), numbers
    included, and the ``{"$unknown": reason}`` of such a value (the reason names the expression: an
    unquoted Lua password reads as a variable of that name);
  - the credentials of URLs (``scheme://user:password@host`` keeps ``scheme://***@host``), the password of
    ``user:password`` values under a user-like name (``proxy.user = "bob:hunter2"`` keeps ``bob:***``),
    GUID-shaped strings (application keys) and values holding ``appKey=``;

* :func:`redact_issue` rewrites a reader or schema message about a value at a secret place so that it
  names the key and the position only: an escape message would otherwise quote the character after each
  backslash of the secret (``invalid escape \\@, \\#``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from emslint.pointers import split as pointer_tokens
from emslint.pointers import walk
from emslint.read.result import ReadIssue
from emslint.schema.defaults import annotations as schema_notes

MASK = "***"

# Words that make a key name secret-like: whole words of the name (split at separators and camelCase) ...
_SECRET_WORDS = frozenset(
    {"pass", "pw", "pwd", "passwd", "password", "passwords", "passphrase", "passcode", "pin", "auth", "secret",
     "secrets", "token", "tokens", "credential", "credentials", "cred", "creds", "apikey", "appkey", "psk",
     "otp", "privkey", "cookie", "authorization", "authorisation", "bearer"}
)
# ... or text anywhere in the name once separators are removed and it is lower-cased.
# (misspellings included: "pasword", "pasphrase").
_SECRET_PARTS = ("pasw", "passw", "pasphr", "passphr", "pwd", "appkey", "apikey", "secret", "token", "credential",
                 "passcode")
_USER_WORDS = frozenset({"user", "username", "userid", "login", "account", "principal"})
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_GUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_SPACE = re.compile(r"\s")
_SECTIONS = {"ems": ("ems", "ems_raw"), "ems-booted": ("ems", "ems_raw"), "lsr": ("lsr", "lsr_raw"),
             "connector": ("connector", "connector_raw"), "cxserver": ("connector", "connector_raw")}


def _words(name: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(name)]


@lru_cache(maxsize=4096)
def is_secret_name(name: Any) -> bool:
    """Does a key name say its value is a secret? ``rap_password``, ``Pass``, ``proxyAuth``, ``api-key``:
    yes; ``authenticate``, ``passive``, ``private_key`` (a path), ``ping``: no."""
    text = str(name)
    compact = re.sub(r"[\W_]+", "", text).lower()
    return any(part in compact for part in _SECRET_PARTS) or any(w in _SECRET_WORDS for w in _words(text))


def _is_user_name(name: Any) -> bool:
    return any(w in _USER_WORDS for w in _words(str(name)))


def is_user_name(name: Any) -> bool:
    """Does a key name say its value is an identity (``user``, ``rap_userid``, ``login``)? Reports do not echo
    those values either."""
    return _is_user_name(name)


def mask_text(text: str, *, user: bool = False) -> str:
    """``text`` with the secret shapes every report masks: GUIDs and ``appKey=`` (the whole text), URL
    credentials, and the password of ``user:password`` when ``user``."""
    return _masked_text(text, user)


@lru_cache(maxsize=4096)
def is_secret_pointer(kind: str, pointer: str) -> bool:
    """Is the value at ``pointer`` of an ``ems``, ``lsr`` (``/scripts/...``) or ``connector`` document a secret,
    or inside one: a schema secret path, or a token with a secret-like name?"""
    tokens = pointer_tokens(pointer)
    if any(is_secret_name(t) for t in tokens):
        return True
    return any(_covers(pattern, tokens) for pattern in _secret_patterns(kind))


@lru_cache(maxsize=4)
def _secret_patterns(kind: str) -> tuple[list[str], ...]:

    notes = schema_notes(kind)
    return tuple(pattern.split("/")[1:] for pattern, note in notes.items() if note.get("secret"))


def _covers(pattern: list[str], tokens: list[str]) -> bool:
    """``pattern`` (with ``*``) is ``tokens`` or a prefix of them (a value inside a secret is secret too)."""
    return len(tokens) >= len(pattern) and all(p in ("*", t) for p, t in zip(pattern, tokens, strict=False))


# --------------------------------------------------------------------------------------------- the facts


def mask_facts(doc: dict[str, Any]) -> None:
    """Mask every secret value in the config sections of a facts document, in place (see the module)."""
    for item in doc.get("secrets") or []:
        if item.get("kind") != "secret" or item.get("class") == "url-credentials":
            continue  # a URL keeps its host: _masked_text takes the user information out of every URL
        pointer = item["at"]["pointer"]
        if item["at"]["file"] == "lsr":
            pointer = pointer.removeprefix("/scripts")
        for section in _SECTIONS.get(item["at"]["file"], ()):
            _mask_at(doc, section, pointer)
    for section in ("ems", "ems_raw", "lsr", "lsr_raw", "connector", "connector_raw"):
        if section in doc:
            doc[section] = _masked(doc.get(section), secret=False, user=False)


def _mask_at(doc: dict[str, Any], section: str, pointer: str) -> None:

    for path, _ in walk(doc, f"/{section}{pointer}"):
        node: Any = doc
        for token in path[:-1]:
            node = node[token]
        node[path[-1]] = MASK


def _masked(value: Any, *, secret: bool, user: bool) -> Any:
    if isinstance(value, dict):
        if "$unknown" in value and len(value) == 1:
            # Why a Lua value is not statically known: it names the expression (an unquoted password reads as
            # a variable of that name), so under a secret name it goes too.
            return {"$unknown": MASK} if secret else {"$unknown": _masked_text(str(value["$unknown"]), False)}
        return {
            k: _masked(v, secret=secret or is_secret_name(k), user=_is_user_name(k)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(v, secret=secret, user=user) for v in value]
    if isinstance(value, str):
        return MASK if secret else _masked_text(value, user)
    if secret and value is not None and not isinstance(value, bool):
        return MASK  # a number where a secret was meant
    return value


def _masked_text(text: str, user: bool) -> str:
    if _GUID.search(text) or "appkey=" in text.lower():
        return MASK
    if "://" in text:
        text = without_url_credentials(text)
    if user and ":" in text:
        name, _, _ = text.partition(":")
        text = f"{name}:{MASK}"
    return text


def without_url_credentials(text: str) -> str:
    """``scheme://user:password@host`` -> ``scheme://***@host``, in one pass.

    Everything from ``://`` to the last ``@`` before the next whitespace goes: a hand-written password holds
    ``@``, ``/`` or ``#`` as often as not, so the authority cannot be trusted to end where RFC 3986 says.
    """
    out: list[str] = []
    position = 0
    while (start := text.find("://", position)) >= 0:
        space = _SPACE.search(text, start + 3)
        end = space.start() if space else len(text)
        at = text.rfind("@", start + 3, end)
        out.append(text[position : start + 3])
        if at >= 0:
            out.append(MASK)
            position = at
        else:
            out.append(text[start + 3 : end])
            position = end
    out.append(text[position:])
    return "".join(out)


# ----------------------------------------------------------------------------------------- reader issues

# Codes whose message may quote characters of the value it is about (escapes, control characters, syntax
# near a character). At a secret place the message becomes the generic one below.
_VALUE_QUOTING = {
    "json-invalid-escape": "invalid backslash escapes in a secret value (which ones is not shown: they are part "
    "of the secret); JSON keeps the backslash, so the secret in use differs from the one written",
    "json-control-escape": "escapes that decode to control characters in a secret value (which ones is not "
    "shown: they are part of the secret)",
    "lua-invalid-escape": "invalid backslash escapes in a secret value (which ones is not shown: they are part "
    "of the secret); Lua 5.1 drops the backslash and Lua 5.2 and later refuse the file",
    "lua-control-escape": "escapes that decode to control characters in a secret value (which ones is not "
    "shown: they are part of the secret)",
}
# Messages about a key, never its value: emslint/schema/compiler.py and emslint/read/cjson_view.py, json_reader.py.
_NAMES_ONLY = frozenset({"json-key-case", "json-conflicting-key", "json-duplicate-key", "json-nul-in-string"})
_GENERIC = "a problem in a secret value (not shown: the message would quote part of the secret)"


def redact_issue(kind: str, issue: ReadIssue) -> str:
    """The message of ``issue`` as it may be shown: unchanged, unless it is about a value at a secret place
    of an ``ems`` or ``lsr`` document and could quote part of it; then it names the position only."""
    if not issue.pointer or not is_secret_pointer(kind, issue.pointer):
        return issue.message
    if issue.code.startswith("schema-") or issue.code in _NAMES_ONLY:
        return issue.message  # these messages never quote a value
    what = _VALUE_QUOTING.get(issue.code, _GENERIC)
    where = f" (line {issue.line}, column {issue.column})" if issue.line else ""
    return what + where
