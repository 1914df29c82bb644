"""Find every secret in the configs and classify it without ever keeping or showing its value."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from emslint.pointers import split as pointer_tokens
from emslint.read.result import Shadowed, join_pointer

GUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
LEGACY_AES = re.compile(r"^AES:([A-Za-z0-9+/]+={0,2})$")
# Literals from PTC's samples, help pages and blog1 (reference §e), compared without case, spaces, "_" and "-"
# ("CHANGE_ME", "EMS-Admin" are the same guessable words).
KNOWN_DEFAULT_SECRETS = {
    "password",
    "passphrase",
    "pword123",
    "changeme",
    "admin",
    "emsadmin",
    "secret",
    "1234",
    "changeit",  # the JDK's default key store password, and the Connection Server's printed example
}
KNOWN_DEFAULT_USERS = {"johnsmith", "username", "emsuser", "emsadmin", "admin", "user"}
PLACEHOLDER_PATTERNS = [
    re.compile(r"^some_[a-z_]+$", re.I),  # some_encrypted_password, some_application_key
    # Tokens at the start only, so that a password such as "P@ss<w0rd>" is never taken for a placeholder.
    re.compile(r"^\{#?[A-Za-z_][A-Za-z0-9_ .-]*\}"),  # {APPKEY}, {SERVER HOSTID}.example.com
    re.compile(r"^<#?[A-Za-z_][A-Za-z0-9_ .-]*>"),  # <#appKey>, <EMS_HOME>/log/
    re.compile(r"^[A-Za-z_]+>$"),  # some_ip_address>
    re.compile(r"^AES:Encrypted[A-Za-z]*$"),  # the samples' AES:EncryptedPassword
    # prose: "Enter app key here", "EMS IP Address", "Path to CA cert file."
    re.compile(r"^(enter|insert|put|type|your|path to|ems)\s+\w", re.I),
    re.compile(r"\s\bhere\b", re.I),  # "... here"
    re.compile(r"^/path[ /]?to/", re.I),  # /path/to/..., /pathto/..., /path to/...
    re.compile(r"^(NAMEHERE|ServerURL|ApplicationKey|ThingName|APPKEY|APP_KEY)$"),
]
# Which link a secret serves, by the pointer's first tokens (reference §e); the schema annotation wins.
LINK_BY_PREFIX = (
    ("/appKey", "platform"),
    ("/appkey", "platform"),
    ("/certificates/", "platform"),
    ("/proxy/", "platform"),
    ("/http_server/", "ems-rest"),
    ("/auto_bind/", "lsr-rest"),
    ("/scripts/rap_", "ems-rest"),
    ("/scripts/script_resource_", "lsr-rest"),
    ("/cx-server/transport/", "connector-platform"),
    ("/cx-server/protocol/", "connector-edge"),
    ("/cx-server/remote-access/", "connector-gas"),
)
# 5.4.8+ ciphertext is undocumented (reference §e). "High-entropy" means all of: 40 or more characters of the
# Base64/hex/URL-safe alphabet (plus ":" "." "$" for prefixes), letters and digits mixed, hex or mixed case, and a
# Shannon entropy of the characters of at least 3.5 bits each (random hex ~3.8, Base64 ~5, words ~3.3). A long
# typed pass phrase (one case, or no digits) stays cleartext. Whether such a value is what an EMS writes is for
# the rules to say, from the release and dp.dat (EMS406, EMS411, EMS401).
HIGH_ENTROPY = re.compile(r"^[A-Za-z0-9+/=_:.$-]{40,}$")
HEX = re.compile(r"[0-9a-fA-F]+")
MIN_ENTROPY_BITS = 3.5  # bits per character; 64 random hex digits reach ~3.8, Base64 ~5, English words ~3.3


def link_for(pointer: str) -> str | None:
    for prefix, link in LINK_BY_PREFIX:
        if pointer.startswith(prefix):
            return link
    return None


def is_placeholder(text: str) -> bool:
    if not text.strip():
        return True
    if GUID.search(text):
        return False  # a real GUID inside a placeholder-looking string is still a key
    return any(p.search(text) for p in PLACEHOLDER_PATTERNS)


def _legacy_aes(text: str) -> bool:
    match = LEGACY_AES.match(text)
    if not match:
        return False
    try:
        raw = base64.b64decode(match.group(1), validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) > 0 and len(raw) % 16 == 0


def _folded(text: str) -> str:
    return re.sub(r"[\s_-]+", "", text).lower()


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _looks_encrypted(text: str) -> bool:
    return (
        HIGH_ENTROPY.match(text) is not None
        and any(c.isdigit() for c in text)
        and any(c.isalpha() for c in text)
        and _entropy(text) >= MIN_ENTROPY_BITS
        and (HEX.fullmatch(text) is not None or (text != text.lower() and text != text.upper()))
    )


@cache
def known_ciphertexts() -> frozenset[str]:
    """Published legacy ``AES:`` ciphertexts of sample secrets (emslint/data/known-legacy-ciphertexts.json)."""
    data = json.loads((Path(__file__).resolve().parent.parent / "data" / "known-legacy-ciphertexts.json")
                      .read_text(encoding="utf-8"))
    return frozenset(entry["ciphertext"] for entry in data["entries"])


def classify_secret(name: str, value: Any) -> str:
    """The class of a secret value (never the value): placeholder, known-ciphertext, legacy-aes, damaged-aes,
    known-default, guid-cleartext, unrecognised (high-entropy, possibly 5.4.8+ ciphertext), cleartext or
    not-a-string."""
    if not isinstance(value, str):
        return "not-a-string"
    if _legacy_aes(value):
        return "known-ciphertext" if value in known_ciphertexts() else "legacy-aes"
    if is_placeholder(value):
        return "placeholder"
    if _folded(value) in KNOWN_DEFAULT_SECRETS:
        return "known-default"
    if name.lower().replace("-", "") == "appkey" and GUID.fullmatch(value.strip()):  # appKey, app-key
        return "guid-cleartext"
    if GUID.search(value):
        return "cleartext"
    if value.startswith("AES:"):
        return "damaged-aes"  # truncated, bad padding, a character lost in pasting
    if _looks_encrypted(value):
        return "unrecognised"  # 5.4.8+ ciphertext format is undocumented
    return "cleartext"


def classify_identity(value: Any) -> str:
    if not isinstance(value, str):
        return "not-a-string"
    if is_placeholder(value):
        return "placeholder"
    if _folded(value) in KNOWN_DEFAULT_USERS:
        return "known-default"
    return "set"


def _walk_pattern(data: Any, tokens: list[str], pointer: str) -> Iterator[tuple[str, Any]]:
    if not tokens:
        yield pointer, data
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from _walk_pattern(item, rest, join_pointer(pointer, i))
        elif isinstance(data, dict):
            for key, item in data.items():
                yield from _walk_pattern(item, rest, join_pointer(pointer, key))
    elif isinstance(data, dict) and head in data:
        yield from _walk_pattern(data[head], rest, join_pointer(pointer, head))


def secret_items(role: str, data: Any, annotations: dict[str, dict[str, Any]], unknown: dict[str, str],
                 shadowed: list[Shadowed] | None = None) -> list[dict[str, Any]]:
    """Facts items for every secret and identity value of one file (`data` as read, no defaults), and of the
    values written in it that the product never reads (``shadowed``: a repeated key is still text on disk)."""
    items: list[dict[str, Any]] = []
    for pattern, note in annotations.items():
        kind = "secret" if note.get("secret") else "identity" if note.get("identity") else None
        if kind is None:
            continue
        tokens = [t for t in pattern.split("/")[1:]]
        found: list[tuple[str, Any, Shadowed | None]] = [
            (pointer, value, None) for pointer, value in _walk_pattern(data, tokens, "")
        ]
        for extra in shadowed or ():
            rest = _remaining(tokens, extra.pointer)
            if rest is not None:
                found += [(pointer, value, extra) for pointer, value in _walk_pattern(extra.value, rest, extra.pointer)]
        for pointer, value, where in found:
            if pointer in unknown and where is None:
                continue
            name = pointer.rpartition("/")[2]
            cls = classify_secret(name, value) if kind == "secret" else classify_identity(value)
            at: dict[str, Any] = {"file": role, "pointer": pointer}
            if where is not None:
                at.update(line=where.line, column=where.column)
            items.append({"at": at, "kind": kind, "name": name, "link": note.get("link") or link_for(pointer),
                          "class": cls})
    appkey_link = "connector-platform" if role in ("connector", "cxserver") else "platform"
    items.extend(_secrets_in_urls(role, data, appkey_link))
    return sorted(items, key=lambda i: (i["at"]["pointer"], i["at"].get("line", 0), i["kind"]))


def _remaining(tokens: list[str], pointer: str) -> list[str] | None:
    """The pattern tokens left below ``pointer`` when the pattern's start matches it, else None."""
    parts = pointer_tokens(pointer)
    if len(parts) > len(tokens):
        return None
    for token, part in zip(tokens, parts, strict=False):
        if token != "*" and token != part:
            return None
    return tokens[len(parts):]


APPKEY_IN_URL = re.compile(r"[?&;](?:app_?key)=([^&;\s]*)", re.I)  # "#" kept: <#appKey> is a placeholder


def url_has_credentials(text: str) -> bool:
    """Whether ``text`` holds a URL with a password in its user information (``scheme://user:password@host``).

    As in :mod:`emslint.facts.mask`, the user information runs to the last ``@`` of the word: hand-written
    passwords hold ``/``, ``#`` or ``@`` as often as not. The user name must not (``https://host/p?x=a:b@c`` is
    a path, not credentials). An empty password (``user:@host``) and a placeholder password (``<password>``,
    ``{PASS}``, ``${PASS}``) are not credentials. Linear: each word is split once, each ``://`` looks as far as
    the next colon, and one candidate password per word is examined.
    """
    for word in text.split():
        at = word.rfind("@")
        start = word.find("://", 0, max(at, 0))
        while start != -1:
            begin = start + 3
            colon = word.find(":", begin, at)
            if colon == -1:
                break  # no colon before the last "@": no later "://" either (it would have one)
            user = word[begin:colon]
            if not any(c in user for c in "/?#"):
                password = word[colon + 1 : at]
                return bool(password) and not password.startswith("${") and not is_placeholder(password)
            start = word.find("://", begin, at)
    return False


def _secrets_in_urls(role: str, data: Any, appkey_link: str) -> list[dict[str, Any]]:
    """Secrets items for every string value that holds ``?appKey=...`` (``appkey-in-url``) or
    ``scheme://user:password@host`` (``url-credentials``); the values are never kept. A value's pointer is made
    only when it holds one (most hold neither)."""
    items: list[dict[str, Any]] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*path, key), value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), value) for i, value in enumerate(node))
        elif isinstance(node, str):
            match = APPKEY_IN_URL.search(node)
            appkey = match is not None and not is_placeholder(match.group(1))
            credentials = "://" in node and url_has_credentials(node)
            if not (appkey or credentials):
                continue
            pointer = ""
            for token in path:
                pointer = join_pointer(pointer, token)
            name = pointer.rpartition("/")[2]
            if appkey:
                items.append({"at": {"file": role, "pointer": pointer}, "kind": "secret", "name": name,
                              "link": appkey_link, "class": "appkey-in-url"})
            if credentials:
                # The credential is for whatever the URL names; it is counted against the link of the key it sits
                # in, else the link of the file's own connection (platform for config.json, lsr-rest for config.lua).
                fallback = "lsr-rest" if pointer.startswith("/scripts/") else "platform"
                items.append({"at": {"file": role, "pointer": pointer}, "kind": "secret", "name": name,
                              "link": link_for(pointer) or fallback, "class": "url-credentials"})
    return items
