"""What an evaluated cipher list means for the EMS's platform link: weaknesses, forward secrecy, the protocol
floor, Java 7 and FIPS, as plain facts for the rules (docs/architecture.md, "ciphers").

The EMS is a TLS client. From OpenSSL 1.1.1 on, what it offers is `openssl ciphers -s` (``supported``): the
list minus PSK/SRP suites (no callbacks are set) and minus what the security level forbids, e.g. anonymous
suites at level 1. For 1.0.2, which has no security levels, it is the list itself. Counts are over the
TLS <= 1.2 part: the cipher string does not choose the TLS 1.3 suites, and ThingWorx Platform 9.4.x does not
speak TLS 1.3 (C SDK 3.1.0 TLS page), so the TLS <= 1.2 part is what such a platform can negotiate.

The C SDK's own strings (``SDK_FIPS_CIPHER_STRING``, ``SDK_DEFAULT_CIPHER_STRING``) are defined with the models
(:mod:`.openssl_models`) and exported here too.
"""

from __future__ import annotations

from typing import Any

from emslint.inspect.cipher_table import CipherSuite, tls_version
from emslint.inspect.cipher_words import ignored_word_facts
from emslint.inspect.ciphers import CipherResult, evaluate, version_range
from emslint.inspect.openssl_models import (
    HELP_DEFAULT_CIPHER_STRING,
    SDK_DEFAULT_CIPHER_STRING,
    SDK_FIPS_CIPHER_STRING,
    get_model,
)

__all__ = [
    "FACT_CLASSES",
    "HELP_DEFAULT_CIPHER_STRING",
    "SDK_DEFAULT_CIPHER_STRING",
    "SDK_FIPS_CIPHER_STRING",
    "cipher_facts",
    "offered",
    "protocol_floor",
]


# Weakness classes counted in the facts document (a suite may also be "RC2" or "no-forward-secrecy", which
# are not "weak" on their own for weak_total).
FACT_CLASSES = ("NULL", "anonymous", "EXPORT", "LOW", "DES", "RC4", "MD5", "3DES", "SSLv2")

# Suites a Java 7 platform (SunJSSE server, default JCE policy) enables by default AND an OpenSSL EMS can
# complete.  Source: the "enabled by default" block of openjdk/jdk7u
# jdk/src/share/classes/sun/security/ssl/CipherSuite.java (late 7u updates: RC4 no longer enabled; no GCM
# in JDK 7; AES_256 suites need the unlimited-strength policy files, absent by default, and SHA384 suites
# are AES_256 only).  DHE suites are supported by JSSE but left out: Java 7 offers at most 1024-bit DH
# and PTC documents that the EMS cannot connect to a Java 7 platform unless kEDH is disabled (reference
# section f, SETUP page).  Names are the same in every OpenSSL version that has the suite.
JAVA7_SUITES = frozenset({
    "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDH-ECDSA-AES128-SHA256",
    "ECDH-RSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDH-ECDSA-AES128-SHA",
    "ECDH-RSA-AES128-SHA", "AES128-SHA256", "AES128-SHA", "ECDHE-ECDSA-DES-CBC3-SHA",
    "ECDHE-RSA-DES-CBC3-SHA", "ECDH-ECDSA-DES-CBC3-SHA", "ECDH-RSA-DES-CBC3-SHA", "DES-CBC3-SHA",
})

_PROTOCOL_NAMES = {0x301: "TLS 1.0", 0x302: "TLS 1.1", 0x303: "TLS 1.2", 0x304: "TLS 1.3"}


def offered(result: CipherResult) -> list[CipherSuite]:
    """The suites the EMS puts in its ClientHello: `-s` from 1.1.1 on, the list itself on 1.0.2."""
    return result.supported if result.supported is not None else list(result.ciphers)


def _tls12(suites: list[CipherSuite]) -> list[CipherSuite]:
    return [s for s in suites if s.protocol != "TLSv1.3"]


def _min_version(suite: CipherSuite) -> int:
    return 0x200 if suite.protocol == "SSLv2" else tls_version(suite.protocol)


def protocol_floor(result: CipherResult) -> str | None:
    """The lowest protocol version the EMS can negotiate with this list: "TLS 1.0", "TLS 1.2", "TLS 1.3", or
    None when nothing is usable.

    No EMS configuration key sets a minimum protocol version; a list whose every usable suite is a TLS 1.2
    suite (AEAD, SHA-256/384) still forces TLS 1.2, because no suite is usable on TLS 1.0/1.1. On 3.1 at
    security level 1 or higher TLS 1.0/1.1 are refused anyway.
    """
    if not result.ok:
        return None
    # The lowest protocol the EMS enables: the 2.2.1 SDK sets SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 (1.0.2); 1.1.1
    # and 3.x builds have no SSLv3, and the security level raises the minimum (3.x level 1: TLS 1.2).
    model = get_model(result.model)
    low = version_range(model, result.security_level)[0] if result.security_level is not None else 0x301
    usable = [s for s in offered(result) if s.protocol != "SSLv2"]
    if not usable:
        return None
    floor = min(max(_min_version(s), low) for s in usable)
    return _PROTOCOL_NAMES.get(floor)


def _counts(suites: list[CipherSuite]) -> dict[str, Any]:
    classes = {name: sum(name in s.weak for s in suites) for name in FACT_CLASSES}
    return {
        "classes": classes,
        "weak_total": sum(any(name in s.weak for name in FACT_CLASSES) for s in suites),
        "forward_secrecy": sum("no-forward-secrecy" not in s.weak for s in suites),
        # kEDH prints as Kx=DH (or DH(512) for export suites); static DH is DH/RSA, DH/DSS
        "kedh": sum(s.kx == "DH" or s.kx.startswith("DH(") for s in suites),
        "java7_compatible": sum(s.name in JAVA7_SUITES for s in suites),
        "static_rsa": sum(s.kx == "RSA" or s.kx.startswith("RSA(") for s in suites),
    }


def cipher_facts(cipher_string: str, *, openssl: str = "1.0.2", build: str = "default", fips: bool = False,
                 legacy_provider: bool = False) -> dict[str, Any]:
    """The facts document's "ciphers" counts (without "at", "model", "string_set") for one evaluated string.

    Counts are over the offered TLS <= 1.2 suites (see the module docstring); ``listed`` counts the TLS <= 1.2
    suites listed (offered or not) and ``tls13`` the TLS 1.3 suites offered besides them.
    """
    model = get_model(openssl)
    result = evaluate(cipher_string, build, fips, openssl=model.name, legacy_provider=legacy_provider)
    suites = offered(result)
    tls12 = _tls12(suites)
    facts: dict[str, Any] = {
        "ok": result.ok,
        "error": result.error,
        "error_reason": result.error_reason,
        "count": len(tls12),
        "listed": len(_tls12(result.ciphers)),  # the TLS <= 1.2 part of `openssl ciphers -v`
        "tls13": len(suites) - len(tls12),
        "names_sample": [s.name for s in tls12[:5]],
        "ignored_words": ignored_word_facts(result.ignored_words, model.name, build, legacy_provider,
                                           result.ignored_in_exclusions),
        "security_level": result.security_level,
        "security_level_set": result.security_level_set,
        "protocol_floor": protocol_floor(result),
    }
    facts.update(_counts(tls12))
    facts["static_rsa_only"] = bool(tls12) and facts["static_rsa"] == len(tls12)
    facts["nothing_usable"] = result.ok and not tls12
    return facts
