"""Read certificate, CA-list, key and PKCS#12 files and turn certificates into plain facts.

Formats: PEM (any number of blocks: certificates, PKCS#8 keys, encrypted PKCS#8, traditional OpenSSL keys
with or without ``Proc-Type: 4,ENCRYPTED``), DER (certificate, PKCS#8, encrypted PKCS#8, traditional key) and
PKCS#12 (opened when it has no password; otherwise only its structure is read, see :mod:`.keys`).
Reading is capped at :data:`MAX_BYTES`; only regular files are opened, read-only and non-blocking.
No parse error escapes: each one becomes a status with a one-line detail that never quotes file content.

Chain checks use an own path builder (:func:`verify_chain`): issuer/subject names, the signature verified
with the issuer's public key (by hand: :func:`signed_by`), every certificate's validity at ``now`` (unless
the caller judges the dates itself: ``dates=False``), and the issuer being a CA (basicConstraints CA:TRUE
and, when keyUsage is present, keyCertSign; a self-signed X.509 v1 certificate is accepted as a legacy
root, as OpenSSL does without ``-x509_strict``).
``cryptography.x509.verification`` is not used: it applies the Web-PKI (CA/B Forum) profile, which rejects
many valid private-PKI certificates that the EMS/LSR (OpenSSL) accept. Path-length constraints, name
constraints, policies and extended key usage are not checked.

``cryptography`` is imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from emslint.inspect import keys as k
from emslint.inspect.key_files import MAX_BYTES, read_capped
from emslint.inspect.pkcs12_cost import opening_cost
from emslint.inspect.quiet import quiet

EXPIRES_SOON = timedelta(days=30)
# Issuer candidates a chain search may examine (each one a name match, then at most one signature check):
# a real chain needs a handful; a CA bundle of 1,000 certificates sharing one name would otherwise ask 10^6.
MAX_CHAIN_STEPS = 2_000

# A BEGIN or END line's marker. The label is bounded, so each position costs at most ~70 steps; blocks are
# paired in one pass over the markers (pem_blocks), never by searching ahead for an END from each BEGIN (a
# file of BEGIN lines made that quadratic).
_PEM_MARKER = re.compile(rb"-----(BEGIN|END) ([A-Z0-9 #/-]{1,64}?)-----")
_CERT_LABELS = {b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE"}
_TRADITIONAL = {b"RSA PRIVATE KEY": "RSA", b"EC PRIVATE KEY": "EC", b"DSA PRIVATE KEY": "DSA"}
_OTHER_LABELS = {
    b"PUBLIC KEY": "a public key",
    b"RSA PUBLIC KEY": "a public key",
    b"CERTIFICATE REQUEST": "a certificate signing request",
    b"NEW CERTIFICATE REQUEST": "a certificate signing request",
    b"X509 CRL": "a certificate revocation list",
    b"PKCS7": "a PKCS#7 bundle",
    b"CMS": "a PKCS#7 bundle",
    b"OPENSSH PRIVATE KEY": "an OpenSSH private key (OpenSSL cannot load that format)",
    b"SSH2 ENCRYPTED PRIVATE KEY": "an SSH private key (OpenSSL cannot load that format)",
}
# The private key is never used, only its public half and size are read, so the RSA consistency check
# (~60 ms per 2048-bit key) is skipped.
_NO_RSA_CHECK = {"unsafe_skip_rsa_key_validation": True}
_IGNORED_LABELS = {b"EC PARAMETERS", b"DH PARAMETERS", b"DSA PARAMETERS", b"X9.42 DH PARAMETERS"}


# ---------------------------------------------------------------------------------------------------------
# Reading


# ---------------------------------------------------------------------------------------------------------
# Parsing


@dataclass(slots=True)
class Pkcs12Info:
    opened: bool  # opened without a password (None or empty)
    structure: k.Pkcs12Structure | None


@dataclass(slots=True)
class Material:
    """Everything found in one file."""

    format: str = "unknown"  # "pem" | "der" | "pkcs12" | "empty" | "unknown"
    certs: list[Any] = field(default_factory=list)  # cryptography x509.Certificate, file order
    keys: list[k.KeyInfo] = field(default_factory=list)
    pkcs12: Pkcs12Info | None = None
    other: list[str] = field(default_factory=list)  # "a public key", "a certificate signing request", ...
    problems: list[str] = field(default_factory=list)  # blocks that did not parse (no content quoted)
    limits: list[str] = field(default_factory=list)  # bounds hit while reading (the file was not fully judged)
    digest: bytes = b""  # SHA-256 of the content, when it came through parse_material_cached

    @property
    def empty(self) -> bool:
        return not (self.certs or self.keys or self.pkcs12 or self.other)


@quiet
def parse_material(data: bytes) -> Material:
    """Parse a file's bytes. Never raises."""
    if not data.strip():
        return Material(format="empty", problems=["the file is empty"])
    if b"-----BEGIN " in data:
        material = _parse_pem(data)
    else:
        try:
            material = _parse_der(data)
        except Exception:  # hostile input: any failure means unparsable
            return Material(format="unknown", problems=["neither PEM nor DER"])
    for number, cert in enumerate(material.certs, start=1):
        problem = certificate_problem(cert)
        if problem is not None:
            material.problems.append(f"certificate {number} of the file has {problem}")
    return material


def certificate_problem(cert: Any) -> str | None:
    """What of a loaded certificate cannot be read, or None.

    ``cryptography`` parses extensions and names only when they are first used, and then raises (a
    duplicated extension: ``DuplicateExtension``; a malformed one: ``ValueError``). Every accessor below
    tolerates that; this names it so that the certificate gets a finding instead of silently fewer facts.
    """
    try:
        for extension in cert.extensions:
            _ = extension.value
    except Exception:  # DuplicateExtension, ValueError, anything a hostile DER can provoke
        return "a duplicated or malformed extension"
    try:
        _ = (cert.subject, cert.issuer)
    except Exception:
        return "a subject or issuer name that does not parse"
    return None


# Fleets share files (one CA, an image's LSR certificate): parse results and signature checks are kept by
# content for the rest of the run. Materials are never modified after parsing. Each cache is emptied when
# it reaches _CACHE_SIZE entries, so memory stays bounded however many deployments a process lints.
_CACHE_SIZE = 512
_parsed: dict[bytes, Material] = {}
_signed: dict[tuple[Any, Any], bool] = {}
_static_facts: dict[Any, Any] = {}
_sans: dict[Any, Any] = {}


_K = TypeVar("_K")
_V = TypeVar("_V")


def remember(cache: dict[_K, _V], key: _K, value: _V) -> _V:
    """``cache[key] = value`` for the content caches of the inspect stage, emptied past _CACHE_SIZE entries."""
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def parse_material_cached(data: bytes) -> Material:
    """:func:`parse_material`, once per distinct content in a process."""

    digest = hashlib.sha256(data).digest()
    found = _parsed.get(digest)
    if found is None:
        found = parse_material(data)
        found.digest = digest
        remember(_parsed, digest, found)
    return found


@dataclass(frozen=True, slots=True)
class PemBlock:
    label: bytes
    block: bytes  # from the BEGIN marker to the end of the END marker
    body: bytes  # between the markers


def pem_blocks(data: bytes) -> list[PemBlock]:
    """The ``-----BEGIN X-----`` ... ``-----END X-----`` blocks of ``data``, in order, in linear time.

    One left-to-right pass over the markers: a BEGIN opens a block (replacing one still open, whose END never
    came), the END with the same label closes it, an END with another label drops it.
    """
    blocks: list[PemBlock] = []
    label: bytes | None = None
    start = body = 0
    for marker in _PEM_MARKER.finditer(data):
        kind, found = marker.group(1), marker.group(2)
        if kind == b"BEGIN":
            label, start, body = found, marker.start(), marker.end()
        elif label is not None:
            if found == label:
                blocks.append(PemBlock(label, data[start : marker.end()], data[body : marker.start()]))
            label = None
    return blocks


def _parse_pem(data: bytes) -> Material:
    material = Material(format="pem")
    blocks = pem_blocks(data)
    if not blocks:
        material.problems.append("PEM block without a matching END line")
    for number, found in enumerate(blocks, start=1):
        label = found.label
        try:
            _parse_pem_block(material, label, found.block, found.body)
        except Exception:  # hostile input: any failure means unparsable
            material.problems.append(
                f"PEM block {number} ({label.decode('ascii', 'replace')}) does not parse"
            )
    return material


def _split_pem_body(body: bytes) -> tuple[dict[str, str], bytes]:
    headers: dict[str, str] = {}
    lines = [line.strip() for line in body.replace(b"\r", b"").split(b"\n")]
    b64: list[bytes] = []
    for line in lines:
        if b":" in line and not b64:
            name, _, value = line.partition(b":")
            headers[name.strip().decode("ascii", "replace")] = value.strip().decode("ascii", "replace")
        elif line:
            b64.append(line)
    return headers, base64.b64decode(b"".join(b64), validate=True)


def _parse_pem_block(material: Material, label: bytes, block: bytes, body: bytes) -> None:
    """Add one PEM block's certificate or key to ``material`` (an unparsable block becomes a problem, never an
    exception)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    if label in _IGNORED_LABELS:
        return
    if label in _OTHER_LABELS:
        material.other.append(_OTHER_LABELS[label])
        return
    headers, der = _split_pem_body(body)
    if label in _CERT_LABELS:
        if label == b"TRUSTED CERTIFICATE":  # OpenSSL aux trust data follows the certificate
            der = der[: k.read_tlv(der).end]
        material.certs.append(x509.load_der_x509_certificate(der))
    elif label == b"PRIVATE KEY":
        material.keys.append(
            k.key_from_private(serialization.load_der_private_key(der, None, **_NO_RSA_CHECK), "pkcs8")
        )
    elif label == b"ENCRYPTED PRIVATE KEY":
        encryption = k.analyse_encrypted_pkcs8(der)
        material.keys.append(k.KeyInfo("pkcs8-encrypted", encrypted=True, encryption=encryption))
    elif label in _TRADITIONAL:
        if "ENCRYPTED" in headers.get("Proc-Type", "").upper():
            encryption = k.analyse_dek_info(headers.get("DEK-Info"))
            info = k.KeyInfo(
                "traditional-encrypted", _TRADITIONAL[label], encrypted=True, encryption=encryption
            )
            material.keys.append(info)
        else:
            material.keys.append(
                k.key_from_private(
                    serialization.load_pem_private_key(block, None, **_NO_RSA_CHECK), "traditional"
                )
            )
    else:
        material.other.append(f"a PEM block labelled {label.decode('ascii', 'replace')}")


def _parse_der(data: bytes) -> Material:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    if k.looks_like_pkcs12(data):
        return _parse_pkcs12(data)
    material = Material(format="der")
    top = k.read_one(data)  # raises for anything that is not one ASN.1 element
    parts = k.children(top) if top.tag == k.SEQUENCE else []
    if len(parts) == 3 and parts[0].tag == k.SEQUENCE and parts[2].tag == k.BIT_STRING:
        material.certs.append(x509.load_der_x509_certificate(data))
    elif k.looks_like_encrypted_pkcs8(data):
        material.keys.append(
            k.KeyInfo("pkcs8-encrypted", encrypted=True, encryption=k.analyse_encrypted_pkcs8(data))
        )
    elif len(parts) == 2 and parts[0].tag == k.SEQUENCE and parts[1].tag == k.BIT_STRING:
        material.other.append("a public key")
    else:
        material.keys.append(
            k.key_from_private(serialization.load_der_private_key(data, None, **_NO_RSA_CHECK), "der")
        )
    return material


def _parse_pkcs12(data: bytes) -> Material:
    """A PKCS#12 file's certificates and key, opened only when its key-derivation cost is within the budget (EMS628
    otherwise)."""
    from cryptography.hazmat.primitives.serialization import pkcs12


    material = Material(format="pkcs12")
    try:
        structure = k.analyse_pkcs12(data)
    except k.DerError:
        material.problems.append("PKCS#12 structure does not parse")
        return material
    loaded = None
    # Opening runs the file's own KDFs (MAC, safes, key bags): every one is costed first (pkcs12_cost).
    # OpenSSL's PKCS12_parse tries no password and the empty one itself, so one call covers both.
    cost = opening_cost(data)
    if cost.limit is not None:
        material.limits.append(cost.limit)
    if cost.openable:
        try:
            loaded = pkcs12.load_pkcs12(data, None)
        except Exception:  # wrong password, unsupported algorithm and damage look alike
            loaded = None
    if loaded is None:
        material.pkcs12 = Pkcs12Info(False, structure)
        encryption = structure.key_encryption
        if structure.plain_key_bag:
            material.keys.append(k.KeyInfo("pkcs12", note="unencrypted key bag"))
        elif encryption is not None:
            material.keys.append(k.KeyInfo("pkcs12", encrypted=True, encryption=encryption))
        return material
    material.pkcs12 = Pkcs12Info(True, structure)
    if loaded.key is not None:
        info = k.key_from_private(loaded.key, "pkcs12")
        info.note = "opens without a password"
        material.keys.append(info)
    if loaded.cert is not None:
        material.certs.append(loaded.cert.certificate)
    material.certs.extend(c.certificate for c in loaded.additional_certs)
    return material


def load_material(path: Path, max_bytes: int = MAX_BYTES) -> tuple[Material | None, str, str]:
    """(material, status, detail) of the file at ``path`` (:func:`read_capped`, then :func:`material_from`)."""
    return material_from(*read_capped(path, max_bytes))


@quiet
def material_from(data: bytes | None, status: str, detail: str) -> tuple[Material | None, str, str]:
    """(material, status, detail) of what :func:`read_capped` returned.

    Status ``ok``, ``too-large``, ``unreadable``, ``not-a-file`` or ``unparsable``.
    """
    if data is None:
        return None, status, detail
    material = parse_material_cached(data)
    if material.empty:
        return (
            material,
            "unparsable",
            material.problems[0] if material.problems else "no certificate or key found",
        )
    if material.problems:
        return material, "unparsable", material.problems[0]
    return material, "ok", ""


# ---------------------------------------------------------------------------------------------------------
# Certificate facts

_SIG_HASH_BY_OID = {
    "1.2.840.113549.1.1.2": "md2",
    "1.2.840.113549.1.1.3": "md4",
    "1.2.840.113549.1.1.4": "md5",
    "1.2.840.113549.1.1.5": "sha1",
    "1.3.14.3.2.29": "sha1",
    "1.2.840.113549.1.1.14": "sha224",
    "1.2.840.113549.1.1.11": "sha256",
    "1.2.840.113549.1.1.12": "sha384",
    "1.2.840.113549.1.1.13": "sha512",
    "1.2.840.10045.4.1": "sha1",
    "1.2.840.10045.4.3.1": "sha224",
    "1.2.840.10045.4.3.2": "sha256",
    "1.2.840.10045.4.3.3": "sha384",
    "1.2.840.10045.4.3.4": "sha512",
    "1.2.840.10040.4.3": "sha1",
    "2.16.840.1.101.3.4.3.1": "sha224",
    "2.16.840.1.101.3.4.3.2": "sha256",
}
WEAK_SIGNATURE_HASHES = frozenset({"md2", "md4", "md5", "sha1"})
WILDCARD_BINDS = frozenset({"0.0.0.0", "::", "*", "0:0:0:0:0:0:0:0"})


def utc(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@quiet
def fingerprint_sha256(cert: Any) -> str:
    from cryptography.hazmat.primitives import hashes

    digest: bytes = cert.fingerprint(hashes.SHA256())
    return digest.hex()


def _attr(name: Any, oid: Any) -> str | None:
    try:
        values = name.get_attributes_for_oid(oid)
        return str(values[0].value) if values else None
    except Exception:  # a name that does not parse
        return None


def subject_attr(cert: Any, field_name: str, *, issuer: bool = False) -> str | None:
    """``CN``, ``O`` or ``OU`` of the subject (or issuer)."""
    from cryptography.x509.oid import NameOID

    oid = {"CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME, "OU": NameOID.ORGANIZATIONAL_UNIT_NAME}
    try:
        name = cert.issuer if issuer else cert.subject
    except Exception:  # a name that does not parse (certificate_problem reports it)
        return None
    return _attr(name, oid[field_name])


def _extension(cert: Any, cls: Any) -> Any:
    from cryptography import x509

    try:
        return cert.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None
    except Exception:  # duplicated or malformed extensions (certificate_problem reports them)
        return None


def is_ca(cert: Any) -> bool:
    from cryptography import x509

    bc = _extension(cert, x509.BasicConstraints)
    return bool(bc and bc.ca)


def key_cert_sign(cert: Any) -> bool:
    from cryptography import x509

    ku = _extension(cert, x509.KeyUsage)
    return bool(ku and ku.key_cert_sign)


def can_issue(cert: Any) -> bool:
    """CA:TRUE and (no keyUsage or keyCertSign); or a self-signed v1 certificate (a legacy root)."""
    from cryptography import x509

    if cert.version == x509.Version.v1:
        return is_self_signed(cert)
    ku = _extension(cert, x509.KeyUsage)
    return is_ca(cert) and (ku is None or ku.key_cert_sign)


def signed_by(child: Any, issuer: Any) -> bool:
    """Names match and ``child``'s signature verifies with ``issuer``'s public key.

    Verified by hand rather than with ``verify_directly_issued_by``, which refuses SHA-1 and MD5 signatures:
    the EMS's OpenSSL accepts those, so the chain is judged as it would, and the weak hash is reported apart.
    """
    if not _names_match(child, issuer):
        return False
    key = (child, issuer)  # certificates hash and compare by their DER encoding
    found = _signed.get(key)
    if found is not None:
        return found
    try:
        ok = _verify_signature(child, issuer.public_key())
    except Exception:  # InvalidSignature, unsupported algorithm, key/algorithm mismatch
        ok = False
    return remember(_signed, key, ok)


_HASH_CLASSES = {
    "md5": "MD5",
    "sha1": "SHA1",
    "sha224": "SHA224",
    "sha256": "SHA256",
    "sha384": "SHA384",
    "sha512": "SHA512",
}
_RSA_PSS = "1.2.840.113549.1.1.10"


def _verify_signature(child: Any, pub: Any) -> bool:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa

    signature, tbs = child.signature, child.tbs_certificate_bytes
    if isinstance(pub, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        pub.verify(signature, tbs)
        return True
    digest_name = _HASH_CLASSES.get(signature_hash(child) or "")
    if digest_name is None:
        return False
    digest = getattr(hashes, digest_name)()
    if isinstance(pub, rsa.RSAPublicKey):
        if child.signature_algorithm_oid.dotted_string == _RSA_PSS:
            pad = child.signature_algorithm_parameters
        else:
            pad = padding.PKCS1v15()
        pub.verify(signature, tbs, pad, digest)
    elif isinstance(pub, ec.EllipticCurvePublicKey):
        pub.verify(signature, tbs, ec.ECDSA(digest))
    elif isinstance(pub, dsa.DSAPublicKey):
        pub.verify(signature, tbs, digest)
    else:
        return False
    return True


def is_self_signed(cert: Any) -> bool:
    try:
        if cert.subject != cert.issuer:
            return False
    except Exception:  # a name that does not parse
        return False
    return signed_by(cert, cert)


def signature_hash(cert: Any) -> str | None:
    try:
        algorithm = cert.signature_hash_algorithm
        if algorithm is not None:
            return str(algorithm.name).lower()
    except Exception:  # UnsupportedAlgorithm for md2/md4 and exotic OIDs
        pass
    try:
        return _SIG_HASH_BY_OID.get(cert.signature_algorithm_oid.dotted_string)
    except Exception:
        return None


def public_key_facts(cert: Any) -> tuple[str | None, int | None, str | None]:
    try:
        return k.describe_public_key(cert.public_key())
    except Exception:  # unsupported key types
        return None, None, None


def weak_reason(cert: Any, *, anchor: bool = False) -> str | None:
    """Weak key, or a weak signature hash.

    The hash is ignored for trust anchors: their self-signature is never checked.
    """
    kind, bits, _ = public_key_facts(cert)
    reason = k.weak_key_reason(kind, bits)
    if reason:
        return reason
    digest = signature_hash(cert)
    if not anchor and digest in WEAK_SIGNATURE_HASHES:
        return f"{digest.upper()} signature"
    return None


def sans(cert: Any) -> tuple[list[str], list[Any]] | None:
    """(DNS names, IP addresses) of the subjectAltName extension, None when there is none (read once per
    certificate: the facts, the host-name match and its detail all ask)."""
    found = _sans.get(cert, _NOT_READ)
    if found is _NOT_READ:
        from cryptography import x509

        san = _extension(cert, x509.SubjectAlternativeName)
        found = remember(_sans, cert, None if san is None else (
            tuple(san.get_values_for_type(x509.DNSName)), tuple(san.get_values_for_type(x509.IPAddress))))
    return None if found is None else (list(found[0]), list(found[1]))


_NOT_READ = object()


def _dns_match(pattern: str, host: str) -> bool:
    """RFC 6125 §6.4: exact match, or ``*`` as the whole left-most label matching exactly one label."""
    pattern = pattern.strip().lower().rstrip(".")
    if pattern.startswith("*."):
        rest = pattern[2:]
        label, dot, host_rest = host.partition(".")
        return bool(label and dot) and "*" not in rest and "." in rest and host_rest == rest
    return "*" not in pattern and pattern == host


def _as_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


@quiet
def hostname_matches(cert: Any, host: str | None) -> bool | None:
    """SAN DNS/IP match (wildcards per RFC 6125), CN only when there is no SAN. None: nothing to check."""
    if host is None:
        return None
    host = host.strip().lower().rstrip(".")
    if not host or host.strip("[]") in WILDCARD_BINDS:
        return None
    ip = _as_ip(host)
    names = sans(cert)
    if names is not None:
        dns, ips = names
        if ip is not None:
            return any(ip == other for other in ips)
        return any(_dns_match(pattern, host) for pattern in dns)
    cn = subject_attr(cert, "CN")
    if cn is None:
        return False
    if ip is not None:
        return _as_ip(cn) == ip
    return _dns_match(cn, host)


def in_validity(cert: Any, now: datetime) -> bool:
    start: datetime = cert.not_valid_before_utc
    end: datetime = cert.not_valid_after_utc
    return start <= now <= end


@quiet
def certificate_facts(cert: Any, now: datetime) -> dict[str, Any]:
    """Facts of one certificate (relations such as hostname and chain are added by the caller)."""
    now = utc(now)
    before, after = cert.not_valid_before_utc, cert.not_valid_after_utc
    left = after - now
    expired = now > after
    facts = _static_certificate_facts(cert)
    facts.update(
        days_left=left.days,
        expired=expired,
        not_yet_valid=now < before,
        expires_soon=not expired and left < EXPIRES_SOON,
    )
    return facts


def _static_certificate_facts(cert: Any) -> dict[str, Any]:
    """The part of :func:`certificate_facts` that does not depend on the time: a fresh dict in key order."""
    found = _static_facts.get(cert)
    if found is None:
        found = remember(_static_facts, cert, _compute_static_facts(cert))
    facts = dict(found)
    if facts["san"] is not None:
        facts["san"] = list(facts["san"])
    return facts


def _compute_static_facts(cert: Any) -> dict[str, Any]:
    """The time-independent facts of one certificate (key, signature, names, CA flags, extensions), cached per
    certificate."""
    from cryptography import x509

    before, after = cert.not_valid_before_utc, cert.not_valid_after_utc
    kind, bits, curve = public_key_facts(cert)
    names = sans(cert)
    self_signed = is_self_signed(cert)
    return {
        "subject_cn": subject_attr(cert, "CN"),
        "issuer_cn": subject_attr(cert, "CN", issuer=True),
        "version": 1 if cert.version == x509.Version.v1 else 3,
        "self_signed": self_signed,
        "is_ca": is_ca(cert),
        "key_cert_sign": key_cert_sign(cert),
        "key_type": kind,
        "key_bits": bits,
        "key_curve": curve,
        "signature_hash": signature_hash(cert),
        "weak": weak_reason(cert, anchor=self_signed and can_issue(cert)),
        "not_before": iso(before),
        "not_after": iso(after),
        "days_left": None,
        "expired": None,
        "not_yet_valid": None,
        "expires_soon": None,
        "fingerprint_sha256": fingerprint_sha256(cert),
        "san": None if names is None else [*names[0], *(str(ip) for ip in names[1])],
        "hostname": None,
        "hostname_at": None,
        "hostname_ok": None,
        "hostname_check": None,
        "chains_to": None,
        "chain_ok": None,
        "chain_detail": None,
        "criteria_mismatch": None,
    }


@quiet
def ca_list_facts(certs: list[Any], now: datetime) -> dict[str, Any]:
    """Counts over a CA list.

    ``issuers``: can issue certificates (see :func:`can_issue`); ``non_ca``: cannot; ``weak``: see
    :func:`weak_reason`.
    """
    now = utc(now)
    key = ("ca-list", *certs)
    counts = _static_facts.get(key)
    if counts is None:
        counts = remember(_static_facts, key, (
            sum(1 for c in certs if not can_issue(c)),
            sum(1 for c in certs if weak_reason(c, anchor=is_self_signed(c)) is not None),
        ))
    return {
        "count": len(certs),
        "issuers": len(certs) - counts[0],
        "non_ca": counts[0],
        "expired": sum(1 for c in certs if now > c.not_valid_after_utc),
        "weak": counts[1],
    }


# ---------------------------------------------------------------------------------------------------------
# Chains


@dataclass(frozen=True, slots=True)
class ChainResult:
    ok: bool
    detail: str  # why not, or "" when ok
    anchor: Any = None  # the trust anchor reached
    steps: int = 0  # issuer candidates examined (each a name match, then a signature check)
    exhausted: bool = False  # the search hit MAX_CHAIN_STEPS: the answer is unknown, ``ok`` is False


@quiet
def verify_chain(
    leaf: Any,
    intermediates: list[Any],
    anchors: list[Any],
    now: datetime,
    depth: int = 8,
    budget: int | None = None,
    *,
    dates: bool = True,
) -> ChainResult:
    """Does ``leaf`` chain to one of ``anchors``, possibly through ``intermediates`` (the rest of its file)?

    The own checker described in the module docstring. With ``dates`` (the default) every certificate on the
    path must be within its validity period at ``now``; with ``dates=False`` only the structure is checked
    (names, signatures, CA flags), for callers that judge every certificate's dates on their own (the
    deployment inspector does: one expired certificate is one finding, not also a broken chain). A leaf
    that is itself in the CA list (a pinned self-signed certificate) is trusted as it is. At most ``depth``
    intermediates are used.

    Bounded work: a breadth-first search in which each certificate is expanded at most once and issuers are
    looked up by subject name, so certificates that all sign each other cost one visit each instead of every
    ordering. Each issuer candidate examined is a step; after ``budget`` steps (default
    :data:`MAX_CHAIN_STEPS`) the search stops with ``exhausted=True`` and a detail saying so.
    """
    now = utc(now)
    budget = MAX_CHAIN_STEPS if budget is None else budget
    anchor_ders = {_der(a): a for a in anchors}
    if dates and not in_validity(leaf, now):
        return ChainResult(False, "the certificate is outside its validity period")
    if _der(leaf) in anchor_ders:
        return ChainResult(True, "", anchor_ders[_der(leaf)])
    valid = (lambda cert: in_validity(cert, now)) if dates else (lambda cert: True)
    return _search(leaf, _by_subject(intermediates), _by_subject(anchors), valid, depth, budget)


def _by_subject(certs: list[Any]) -> dict[Any, list[Any]]:
    """Certificates by subject name (``x509.Name`` hashes and compares like :func:`_names_match`)."""
    index: dict[Any, list[Any]] = {}
    for cert in certs:
        try:
            index.setdefault(cert.subject, []).append(cert)
        except Exception:  # a subject that does not parse issues nothing
            continue
    return index


def _issuer_name(cert: Any) -> Any:
    try:
        return cert.issuer
    except Exception:  # an issuer name that does not parse
        return None


def _search(
    leaf: Any,
    pool: dict[Any, list[Any]],
    anchors: dict[Any, list[Any]],
    valid: Callable[[Any], bool],
    depth: int,
    budget: int,
) -> ChainResult:
    """Depth-first search for a chain from ``leaf`` to an anchor, memoised, giving up after ``budget`` candidate
    issuers."""
    problem = "not issued by any certificate in the CA list"
    steps = 0
    seen = {_der(leaf)}
    level = [leaf]
    for hop in range(depth + 1):
        following: list[Any] = []
        for cert in level:
            issuer = _issuer_name(cert)
            for anchor in anchors.get(issuer, ()) if issuer is not None else ():
                steps += 1
                if steps > budget:
                    return _exhausted(budget)
                if not signed_by(cert, anchor):
                    problem = "the issuer's signature does not verify"
                elif not can_issue(anchor):
                    problem = "the issuing certificate is not a CA (no CA:TRUE or keyCertSign)"
                elif not valid(anchor):
                    problem = "the issuing CA certificate is outside its validity period"
                else:
                    return ChainResult(True, "", anchor, steps)
            if hop == depth:
                problem = "chain too long"
                continue
            if issuer is None:
                continue
            for inter in pool.get(issuer, ()):
                der = _der(inter)
                if der in seen:
                    continue
                steps += 1
                if steps > budget:
                    return _exhausted(budget)
                if not signed_by(cert, inter):
                    continue
                if not can_issue(inter):
                    problem = "an intermediate certificate is not a CA"
                elif not valid(inter):
                    problem = "an intermediate certificate is outside its validity period"
                else:
                    seen.add(der)
                    following.append(inter)
        if not following:
            break
        level = following
    return ChainResult(False, problem, None, steps)


def _exhausted(budget: int) -> ChainResult:
    return ChainResult(
        False,
        f"the chain search stopped after {budget:,} issuer checks (limit): too many certificates share the"
        " issuer names",
        None,
        budget,
        exhausted=True,
    )


def _names_match(child: Any, issuer: Any) -> bool:
    try:
        return bool(child.issuer == issuer.subject)
    except Exception:  # a name that does not parse
        return False


def _der(cert: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    der: bytes = cert.public_bytes(serialization.Encoding.DER)
    return der
