"""The cipher list emslint recommends (and ``--unsafe-fixes`` writes) for an EMS's OpenSSL: the TLS 1.2 suites
of Mozilla's intermediate profile (Server Side TLS 5.7) with forward secrecy by ECDHE, those that OpenSSL model
offers, in the profile's order. DHE suites are left out: PTC documents that kEDH breaks connections to Java 7
platforms and the EMS sets no DH parameters of its own. For a Java 7 platform (``platform_java = 7``, no GCM in
JDK 7) the ECDHE CBC suites SunJSSE enables by default are added after them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from emslint.inspect.cipher_verdicts import JAVA7_SUITES, offered
from emslint.inspect.ciphers import evaluate

_DATA = Path(__file__).resolve().parent.parent / "data" / "mozilla-server-side-tls-5.7.json"
_JAVA7_ORDER = ("ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA",
                "ECDHE-RSA-AES128-SHA")


@cache
def _intermediate_ecdhe() -> tuple[str, ...]:
    profile = json.loads(_DATA.read_text(encoding="utf-8"))["configurations"]["intermediate"]
    return tuple(n for n in profile["ciphers"]["openssl"] if n.startswith("ECDHE-"))


@cache
def recommended_cipher_string(model: str, build: str = "default", java7: bool = False) -> str | None:
    """The recommended list for OpenSSL ``model`` (1.0.2, 1.1.1, 3.1), or None if the model offers none of it."""
    names = list(_intermediate_ecdhe())
    if java7:
        names += [n for n in _JAVA7_ORDER if n in JAVA7_SUITES]
    result = evaluate(":".join(names), build, False, openssl=model)  # unknown names are skipped, as OpenSSL does
    available = {s.name for s in offered(result)} if result.ok else set()
    return ":".join(n for n in names if n in available) or None
