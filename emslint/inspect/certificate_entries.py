"""Facts for EVERY certificate of a file, not only the first: the ``certs`` list of a ``files`` item.

A served file (``http_server.certificate``, ``script_resource_certificate_chain``, a client certificate, a
PKCS#12) is sent to the peer whole: the server certificate first (``usage`` ``end-entity``), then the chain
(``chain``). A CA list (``cert_chain``, ``http_client_ca_certs``, ``rap_cert_file``) is trusted whole
(``usage`` ``trust``). A weak, expired or SHA-1-signed certificate anywhere in either weakens the link, so
the rules judge each entry (EMS606-EMS610) and name it by its position and subject CN, which
:func:`describe` writes into the entry's ``detail`` (the ``{detail}`` of those rules' messages).

Each entry carries the file's ``in_use`` too, so that a rule condition on the entry sees whether the
deployment uses the file; ``anchor_of`` (CA lists only) lists the roles of the configured server
certificates whose chain ends at this certificate (filled in by the chain check, see
:mod:`emslint.inspect.keymaterial`). No threshold lives here: the rules compare the numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from emslint.inspect import certificates as c
from emslint.inspect.quiet import quiet

# The per-certificate members taken over from certificates.certificate_facts (the rest are relations of
# the file's first certificate: host name, chain, validation criteria).
_FROM_CERTIFICATE = (
    "subject_cn",
    "issuer_cn",
    "version",
    "self_signed",
    "is_ca",
    "key_cert_sign",
    "key_type",
    "key_bits",
    "key_curve",
    "signature_hash",
    "not_before",
    "not_after",
    "days_left",
    "expired",
    "not_yet_valid",
    "expires_soon",
    "fingerprint_sha256",
)
ENTRY_KEYS: tuple[str, ...] = (
    "index",
    "of",
    "usage",
    "in_use",
    *_FROM_CERTIFICATE,
    "can_issue",
    "anchor_of",
    "detail",
)
MAX_NAME = 64  # characters of a subject CN shown in a message
_HASH_NAMES = {"sha1": "SHA-1", "sha224": "SHA-224", "sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}


@quiet
def certificate_entries(certs: list[Any], now: datetime, *, trust: bool, in_use: bool | None) -> list[dict[str, Any]]:
    """One entry per certificate of a file, in file order (see the module docstring)."""
    entries = []
    for index, cert in enumerate(certs, start=1):
        facts = c.certificate_facts(cert, now)
        entry: dict[str, Any] = {
            "index": index,
            "of": len(certs),
            "usage": "trust" if trust else ("end-entity" if index == 1 else "chain"),
            "in_use": in_use,
        }
        entry.update((key, facts[key]) for key in _FROM_CERTIFICATE)
        entry["can_issue"] = c.can_issue(cert)
        entry["anchor_of"] = []
        entry["detail"] = describe(entry, now)
        entries.append(entry)
    return entries


def short_name(text: str | None) -> str:
    """A subject CN as a message shows it: at most :data:`MAX_NAME` characters."""
    if not text:
        return "no CN"
    return f"CN={text}" if len(text) <= MAX_NAME else f"CN={text[: MAX_NAME - 3]}..."


def describe(entry: dict[str, Any], now: datetime) -> str:
    """``certificate 2 of 3, CN=Plant Intermediate, RSA 1024-bit key, SHA-1 signature, valid until 2027-01-01,
    214 days left``: where the certificate is and what the rules about it look at."""
    parts = [f"certificate {entry['index']} of {entry['of']}", short_name(entry["subject_cn"])]
    kind, bits = entry["key_type"], entry["key_bits"]
    if kind in ("Ed25519", "Ed448"):
        parts.append(f"{kind} key")
    elif kind:
        parts.append(f"{kind} {bits}-bit key" if bits else f"{kind} key")
    digest = entry["signature_hash"]
    if digest:
        parts.append("self-signed" if entry["self_signed"] else f"{_HASH_NAMES.get(digest, digest.upper())} signature")
    parts.append(validity(entry, now))
    return ", ".join(parts)


def validity(entry: dict[str, Any], now: datetime) -> str:
    """``valid until 2027-01-01, 214 days left``, ``expired on ..., N days ago`` or ``not valid before ...``."""
    after = entry["not_after"][:10]
    if entry["expired"]:
        ago = (c.utc(now) - datetime.fromisoformat(entry["not_after"])).days
        return f"expired on {after}, {_days(ago, 'ago')}"
    if entry["not_yet_valid"]:
        before = entry["not_before"][:10]
        ahead = (datetime.fromisoformat(entry["not_before"]) - c.utc(now)).days
        return f"not valid before {before}, {_days(ahead, 'from now')}"
    return f"valid until {after}, {_days(entry['days_left'], 'left')}"


def _days(count: int, when: str) -> str:
    if count < 1:
        return f"less than a day {when}"
    return f"1 day {when}" if count == 1 else f"{count:,} days {when}"
