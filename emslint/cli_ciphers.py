"""`emslint ciphers 'STRING'`: show the cipher list OpenSSL 1.0.2q (the EMS's TLS library) makes of a string.

Text output mirrors `openssl ciphers -v` plus a column saying why a suite is weak (weakness_classes());
JSON output is ``{"ok", "error", "ciphers": [{"name", "protocol", "kx", "au", "enc", "mac", "bits", "weak"}],
"ignored_words"}``.  Exit codes: 0 accepted, 1 rejected by OpenSSL, 2 usage error.
"""

from __future__ import annotations

import json
from typing import TextIO

from emslint.inspect.ciphers import BUILDS, FACT_CLASSES, CipherResult, describe, evaluate, suggest_name

FORMATS = ("text", "json")

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


def run_ciphers(cipher_string: str, *, build: str, fips: bool, fmt: str, stream: TextIO) -> int:
    if build not in BUILDS:
        stream.write(f"error: unknown build {build!r} (choose from: {', '.join(BUILDS)})\n")
        return EXIT_USAGE
    if fmt not in FORMATS:
        stream.write(f"error: unknown format {fmt!r} (choose from: {', '.join(FORMATS)})\n")
        return EXIT_USAGE
    result = evaluate(cipher_string, build, fips)
    if fmt == "json":
        stream.write(json.dumps(_as_json(result), indent=2) + "\n")
    else:
        _write_text(result, build, fips, stream)
    return EXIT_OK if result.ok else EXIT_REJECTED


def _as_json(result: CipherResult) -> dict[str, object]:
    return {
        "ok": result.ok,
        "error": result.error,
        "ciphers": [
            {"name": c.name, "protocol": c.protocol, "kx": c.kx, "au": c.au, "enc": c.enc, "mac": c.mac,
             "bits": c.bits, "weak": list(c.weak)}
            for c in result.ciphers
        ],
        "ignored_words": list(result.ignored_words),
    }


def _write_text(result: CipherResult, build: str, fips: bool, stream: TextIO) -> None:
    lines = [describe(c) for c in result.ciphers]
    width = max((len(line) for line in lines), default=0)
    for suite, line in zip(result.ciphers, lines, strict=True):
        stream.write(f"{line:<{width}}  {', '.join(suite.weak)}".rstrip() + "\n")
    mode = f"OpenSSL 1.0.2q, build {build}{', FIPS mode' if fips else ''}"
    if result.ok:
        weak = sum(1 for c in result.ciphers if any(w in FACT_CLASSES for w in c.weak))
        no_fs = sum(1 for c in result.ciphers if "no-forward-secrecy" in c.weak)
        summary = f"{len(result.ciphers)} suites ({mode}): {weak} weak, {no_fs} without forward secrecy"
        stream.write(f"\n{summary}\n")
    else:
        stream.write(f"error: cipher string rejected ({mode}): {result.error}\n")
    for word in result.ignored_words:
        hint = suggest_name(word)
        tail = f" (did you mean {hint}?)" if hint else ""
        stream.write(f"ignored: {word!r} is not known to OpenSSL 1.0.2q{tail}\n")
