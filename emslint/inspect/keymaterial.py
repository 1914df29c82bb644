"""The deployment-level inspector: every certificate, CA list and key file the configs reference -> ``files``.

One plain-JSON item per referenced file (and one per fingerprint allowlist), in a fixed order (config.json
first, then config.lua). Every item has the same keys (``null`` when not applicable), see
:data:`ITEM_KEYS`; ``cert``, ``ca``, ``key`` and ``mode`` have fixed keys too. ``cert`` is the file's first
certificate with its relations (below); ``certs`` lists EVERY certificate of the file with its own facts
(:mod:`.certificate_entries`), which the per-certificate rules judge. ``limit`` is
``{"kind": "pkcs12-kdf" | "chain-search", "detail": ...}`` when a work bound was hit on the file (SECURITY.md,
"Bounded work"), else ``null``.

Roles (reference §g):

============================  ========  ==========================================  ==============
role                          link      source                                      expects
============================  ========  ==========================================  ==============
ems-rest-server-cert          ems-rest  ems ``/http_server/certificate``            certificate
ems-rest-server-key           ems-rest  ems ``/http_server/private_key``            private-key
platform-ca                   platform  ems ``/certificates/cert_chain`` (or ``/i``) ca-list
platform-client-cert          platform  ems ``/certificates/client_cert``           certificate
platform-client-key           platform  ems ``/certificates/key_file``              key-or-pkcs12
edge-ca                       lsr-rest  ems ``/certificates/http_client_ca_certs``  ca-list
ems-ca-for-lsr                ems-rest  lsr ``/scripts/rap_cert_file``              ca-list
lsr-server-cert               lsr-rest  lsr ``/scripts/script_resource_certificate_chain``  certificate
lsr-server-key                lsr-rest  lsr ``/scripts/script_resource_private_key``  private-key
fingerprint-allowlist         lsr-rest  ems ``/certificates/fingerprint_allowlist`` (or ``_whitelist``)
fingerprint-allowlist         ems-rest  lsr ``/scripts/fingerprint_allowlist`` (or ``_whitelist``)
============================  ========  ==========================================  ==============

Relations:

* ``cert.hostname`` of the EMS server certificate is ``scripts.rap_host`` (the name the LSR dials and checks)
  when config.lua sets a usable one, else ``http_server.host``; of the LSR server certificate it is
  ``scripts.script_resource_host``. ``hostname_at`` says where it came from. Wildcard binds give
  ``hostname_ok: null``.
* ``cert.hostname_check``: the same check as an object whose ``detail`` names the host and the names compared
  (:mod:`.hostname_check`), for EMS616's message.
* ``cert.chain_ok`` of the EMS server certificate: does it chain to ``rap_cert_file`` (the LSR validates the
  EMS with it)? Of the LSR server certificate: to ``http_client_ca_certs``, else ``cert_chain`` (the EMS
  validates the LSR with those). ``null`` when no CA list is configured or it could not be read. Names,
  signatures and CA flags decide it, not dates: a path within its dates is preferred, and otherwise the dates
  of every certificate of the served file and of the CA reached are reported on their own (EMS606-EMS608), so
  one expired certificate is one finding. The CA-list entry of the CA reached lists the server certificate's
  role in its ``anchor_of``.
* ``cert.criteria_mismatch`` (platform-ca items only, else ``null``): the platform's own certificate is not on
  disk, so ``validation_criteria`` can only be checked for shape (by the schema) and, here, its issuer entries
  (``CA_Cert_Common_Name``, ``CA_Cert_Organization``, ``CA_Cert_Organizational_Name``) against the subjects of
  the CA list: an entry that no certificate of the list satisfies is listed (the platform may still send an
  intermediate that does: treat as a hint). ``Cert_*`` entries are never checkable.
* ``key.matches_certificate``: the key's public key equals the paired certificate's (or, without a configured
  pair, a certificate in the same file, e.g. a PKCS#12). ``null`` while the key is encrypted.
* Fingerprint entries match when, after removing colons and whitespace and lower-casing, they equal the
  SHA-256 fingerprint of the EMS or the LSR server certificate (leaf); a matching entry carries that
  certificate's ``can_issue`` and ``days_left``, and the item's ``detail`` names what is pinned.

``in_use`` tells whether the deployment uses the file at all (e.g. ``http_server.ssl`` is on); ``null`` when
not statically known.

A config value that is absent, ``null``, ``""`` (the documented "empty" default) or ``{"$unknown": ...}``
is "not set" and gets no item; a blank value (``" "``) is reported as a placeholder. Values that are not
strings are left to the schema checks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from emslint.inspect import certificates as c
from emslint.inspect import keys as k
from emslint.inspect.certificate_entries import short_name, validity
from emslint.inspect.hostname_check import hostname_check
from emslint.inspect.key_files import read_capped
from emslint.inspect.key_settings import (
    EMS_FILES,
    LSR_FILES,
    PASSPHRASES,
    config_view,
    flag_at,
    path_value,
    setting,
)
from emslint.inspect.paths import OK, ResolvedPath, shown_path
from emslint.inspect.permissions import mode_facts
from emslint.inspect.quiet import quiet
from emslint.json_values import copy_json

ITEM_KEYS: tuple[str, ...] = (
    "at",
    "link",
    "role",
    "expects",
    "path",
    "related",
    "status",
    "detail",
    "found",
    "format",
    "in_use",
    "cert",
    "certs",
    "ca",
    "key",
    "mode",
    "entries",
    "any_match",
    "limit",
)

STATUSES: tuple[str, ...] = (
    "ok",
    "missing",
    "windows-path",
    "placeholder",
    "outside-root",
    "not-a-file",
    "control-chars",
    "too-large",
    "unreadable",
    "unparsable",
    "wrong-kind",
)

_FOUND_FILE = {"ok", "too-large", "unreadable", "unparsable", "wrong-kind"}


@dataclass(slots=True)
class _Spec:
    file: str  # "ems" | "lsr"
    pointer: str
    link: str
    role: str
    expects: str
    text: str


@dataclass(slots=True)
class _Entry:
    spec: _Spec
    item: dict[str, Any]
    material: Any = None  # certificates.Material or None
    resolved: Path | None = None
    display: str | None = None
    certs: list[Any] = field(default_factory=list)


@quiet
def inspect_key_material(
    ems: dict[str, Any] | None,
    lsr: dict[str, Any] | None,
    *,
    resolve: Callable[[str], ResolvedPath],
    now: datetime,
    display: Callable[[Path], str],
    folder_owner_uid: int | None = None,
    lsr_unread: bool = False,
    read: Callable[[Path], tuple[bytes | None, str, str]] = read_capped,
    mode: Callable[[Path], dict[str, Any] | None] | None = None,
    moments: list[datetime | None] | None = None,
) -> list[dict[str, Any]]:
    """Inspect every referenced certificate, CA list and key file; return the facts ``files`` items.

    ``resolve`` turns a configured path into a :class:`ResolvedPath` (see :mod:`.paths`); ``display`` gives a
    path as reports show it; ``now`` (UTC) drives every time check; ``folder_owner_uid``, the microserver
    folder's owner, feeds ``mode.owner_differs`` (``None``: not compared). ``read`` reads a resolved file
    (:func:`.key_files.read_capped`) and ``mode`` gives its mode facts (:func:`.permissions.mode_facts`):
    :mod:`.keymaterial_cache` passes its own to see what was read. Only :func:`config_view` of the configs is
    looked at. ``moments``, when given, receives the not-before and not-after dates of every certificate read
    (``None`` for one whose dates cannot be had): the result changes with ``now`` only where those dates lie.
    """
    ems, lsr = config_view(ems, lsr)
    if mode is None:
        mode = functools.partial(mode_facts, folder_owner_uid=folder_owner_uid)
    specs = _ems_specs(ems) + _lsr_specs(lsr)
    cache: dict[Path, tuple[Any, str, str]] = {}
    entries = [_inspect_one(spec, resolve, display, now, cache, read, mode, moments) for spec in specs]
    by_role: dict[str, list[_Entry]] = {}
    for entry in entries:
        by_role.setdefault(entry.spec.role, []).append(entry)
        entry.item["in_use"] = _in_use(entry.spec.role, ems, lsr, lsr_unread)
        for cert in entry.item["certs"] or ():
            cert["in_use"] = entry.item["in_use"]
    _relate(by_role, ems, lsr, now)
    items = [e.item for e in entries]
    items.extend(_fingerprint_items(ems, lsr, by_role, now, lsr_unread))
    return items


# ---------------------------------------------------------------------------------------------------------
# Which files


def _ems_specs(ems: dict[str, Any] | None) -> list[_Spec]:
    if ems is None:
        return []
    specs: list[_Spec] = []
    for path, link, role, expects in EMS_FILES:
        pointer = "/" + "/".join(path)
        value = setting(ems, *path)
        # cert_chain's 5.4.0 array form: one item per element
        pairs = (
            [(f"{pointer}/{i}", v) for i, v in enumerate(value)]
            if isinstance(value, list)
            else [(pointer, value)]
        )
        for at, element in pairs:
            text = path_value(element)
            if text is not None:
                specs.append(_Spec("ems", at, link, role, expects, text))
    return specs


def _lsr_specs(lsr: dict[str, Any] | None) -> list[_Spec]:
    if lsr is None:
        return []
    specs = []
    for key, link, role, expects in LSR_FILES:
        text = path_value(setting(lsr, key))
        if text is not None:
            specs.append(_Spec("lsr", f"/scripts/{key}", link, role, expects, text))
    return specs


# ---------------------------------------------------------------------------------------------------------
# One file


def _blank_item(spec: _Spec) -> dict[str, Any]:
    item: dict[str, Any] = dict.fromkeys(ITEM_KEYS)
    item.update(
        at={"file": spec.file, "pointer": spec.pointer},
        link=spec.link,
        role=spec.role,
        expects=spec.expects,
        related=[],
        detail="",
    )
    return item


def _inspect_one(
    spec: _Spec,
    resolve: Callable[[str], ResolvedPath],
    display: Callable[[Path], str],
    now: datetime,
    cache: dict[Path, tuple[Any, str, str]],
    read: Callable[[Path], tuple[bytes | None, str, str]],
    mode: Callable[[Path], dict[str, Any] | None],
    moments: list[datetime | None] | None,
) -> _Entry:
    """Resolve, read and inspect the file one key-material setting names, as an entry with its facts item."""

    entry = _Entry(spec, _blank_item(spec))
    item = entry.item
    resolved = resolve(spec.text)
    if resolved.status != OK or resolved.path is None:
        item.update(status=resolved.status, detail=resolved.detail)
        return entry
    entry.resolved = resolved.path
    entry.display = shown_path(display, resolved.path)
    item.update(path=entry.display, related=[entry.display])
    key = _cache_key(resolved.path)
    if key not in cache:
        cache[key] = c.material_from(*read(resolved.path))
    material, status, detail = cache[key]
    entry.material = material
    if moments is not None and material is not None:
        moments.extend(_dates(material))
    item.update(status=status, detail=detail)
    if material is not None and material.limits:
        item["limit"] = {"kind": "pkcs12-kdf", "detail": material.limits[0]}
    if material is not None:
        try:
            _describe(entry, now)
        except Exception:  # hostile content must never stop the analysis
            item.update(
                status="unparsable", detail="the file content could not be analysed", cert=None, key=None
            )
    if item["status"] not in _FOUND_FILE:
        item.update(path=None, related=[])
    elif _wants_mode(entry):
        item["mode"] = mode(resolved.path)
    return entry


def _dates(material: Any) -> list[datetime | None]:
    found: list[datetime | None] = []
    for cert in material.certs:
        try:
            found += [cert.not_valid_before_utc, cert.not_valid_after_utc]
        except Exception:  # a date cryptography cannot give: nobody can say when the result changes
            found.append(None)
    return found


def _cache_key(path: Path) -> Path:
    # Not resolved (70 us a call): two spellings of one file are read twice, and certificates.load_material
    # parses a content only once anyway.
    return path


def _wants_mode(entry: _Entry) -> bool:
    if entry.spec.expects in ("private-key", "key-or-pkcs12", "ca-list"):  # CA lists: who may write them (EMS708)
        return True
    m = entry.material
    return m is not None and bool(m.keys or m.pkcs12)


def _describe(entry: _Entry, now: datetime) -> None:
    """Set the item's facts of the file's content (format, certificates, key, CA list, summary). Fleets share
    files (one CA, an image's LSR certificate and key): the facts of a content, for an expected kind, a moment and
    a status, are kept (bounded) and copied into each item, which later steps change."""
    item, material = entry.item, entry.material
    if not material.empty:
        entry.certs = list(material.certs)
    key = (material.digest, entry.spec.expects, now, item["status"]) if material.digest else None
    fields = _described.get(key) if key is not None else None
    if fields is None:
        fields = {}
        try:
            _content_facts(fields, material, entry.spec.expects, item["status"], now)
        except Exception:
            item.update(fields)  # what was found before hostile content stopped it (the caller marks the rest)
            raise
        if key is not None:
            c.remember(_described, key, fields)
    item.update(copy_json(fields))


_described: dict[tuple[bytes, str, datetime, str], dict[str, Any]] = {}


def _content_facts(fields: dict[str, Any], material: Any, expects: str, status: str, now: datetime) -> None:
    """Fill ``fields`` with the item fields that depend only on the content, the expected kind, the status so far
    and ``now``, in order (what was filled stays when a step raises)."""
    fields["format"] = material.format if material.format in ("pem", "der", "pkcs12") else None
    found, wrong = _found(material, expects)
    fields["found"] = found
    if material.empty:
        return
    if material.certs:
        from emslint.inspect.certificate_entries import certificate_entries

        fields["cert"] = c.certificate_facts(material.certs[0], now)
        fields["certs"] = certificate_entries(material.certs, now, trust=expects == "ca-list", in_use=None)
    if expects == "ca-list" and material.certs:
        fields["ca"] = c.ca_list_facts(material.certs, now)
    if material.keys or material.pkcs12:
        fields["key"] = _key_facts(material)
    if wrong:
        fields.update(status="wrong-kind", detail=wrong)
    elif status == "ok":
        fields["detail"] = _summary({"cert": None, "ca": None, "key": None, "certs": None, **fields}, now)


def _found(material: Any, expects: str) -> tuple[str | None, str | None]:
    """(found, wrong-kind detail or None)."""
    p12 = material.pkcs12 is not None
    other = material.other[0] if material.other else "nothing usable"
    if expects in ("certificate", "ca-list"):
        if p12:
            return "pkcs12", "file is PKCS#12; a PEM certificate file is expected"
        if material.certs:
            return expects, None
        if material.keys:
            return "private-key", "file holds a private key, not a certificate"
        return None, f"file holds {other}, not a certificate"
    if p12:
        if expects == "private-key":
            return "pkcs12", "file is PKCS#12; a PEM private key is expected"
        return "pkcs12", None if material.keys else "the PKCS#12 file holds no private key"
    if material.keys:
        return "private-key", None
    if material.certs:
        return "certificate", "file holds a certificate, not a private key"
    return None, f"file holds {other}, not a private key"


def _key_facts(material: Any) -> dict[str, Any]:

    info = material.keys[0] if material.keys else k.KeyInfo("pkcs12", encrypted=True)
    enc = info.encryption if info.encrypted else None
    return {
        "type": info.type,
        "bits": info.bits,
        "curve": info.curve,
        "weak": k.weak_key_reason(info.type, info.bits),
        "encrypted": info.encrypted,
        "encryption": enc.scheme if enc else None,
        "prf": enc.prf if enc else None,
        "weak_encryption": enc.weak if enc else None,
        "iterations": enc.iterations if enc else None,
        "kdf": enc.kdf if enc else None,
        "cipher": enc.cipher if enc else None,
        "scrypt_n": enc.scrypt[0] if enc and enc.scrypt else None,
        "scrypt_r": enc.scrypt[1] if enc and enc.scrypt else None,
        "scrypt_p": enc.scrypt[2] if enc and enc.scrypt else None,
        "passphrase_configured": False,
        "matches_certificate": None,
        "fips_loadable": k.fips_loadable(info),
        "source": info.source,
    }


def _summary(item: dict[str, Any], now: datetime) -> str:
    cert, ca, key = item["cert"], item["ca"], item["key"]
    if ca is not None:
        return _ca_list_summary(ca, item["certs"] or [], now)
    if cert is not None and item["found"] == "certificate":
        who = f"CN={cert['subject_cn']}" if cert["subject_cn"] else "no CN"
        return (
            f"certificate {who}, {cert['key_type']} {cert['key_bits']}, valid until {cert['not_after'][:10]}"
        )
    if key is not None:
        size = f" {key['bits']}" if key["bits"] else ""
        kind = f"{key['type']}{size} private key" if key["type"] else "private key"
        protection = f"encrypted ({_protection(key)})" if key["encrypted"] else "not encrypted"
        return f"{kind}, {protection}"
    return ""


def _ca_list_summary(ca: dict[str, Any], certs: list[dict[str, Any]], now: datetime) -> str:
    """``CA list with 2 certificates, the first to expire: CN=..., valid until ... (N days left)``."""

    count = ca["count"]
    if not certs:
        return f"CA list with {count} certificate(s)"
    first = min(certs, key=lambda e: e["not_after"])
    until = validity(first, now)
    if count == 1:
        return f"CA list with 1 certificate: {short_name(first['subject_cn'])}, {until}"
    return f"CA list with {count:,} certificates, the first to expire: {short_name(first['subject_cn'])}, {until}"


def _protection(key: dict[str, Any]) -> str:
    """``pbes2-pbkdf2-aes-256-cbc, 2,048 iterations``: the scheme and its work factor."""
    scheme = key["encryption"] or "unknown scheme"
    if key["scrypt_n"] is not None:
        return f"{scheme}, N={key['scrypt_n']:,}, r={key['scrypt_r']}, p={key['scrypt_p']}"
    if key["kdf"] == "evp-bytestokey-md5":
        return f"{scheme}, one MD5 round"
    if key["iterations"] is not None:
        count = key["iterations"]
        return f"{scheme}, {count:,} iteration{'' if count == 1 else 's'}"
    return scheme


# ---------------------------------------------------------------------------------------------------------
# Relations between files


_PAIRS = {
    "ems-rest-server-key": "ems-rest-server-cert",
    "platform-client-key": "platform-client-cert",
    "lsr-server-key": "lsr-server-cert",
    "ems-rest-server-cert": "ems-rest-server-cert",
    "platform-client-cert": "platform-client-cert",
    "lsr-server-cert": "lsr-server-cert",
}


def _relate(
    by_role: dict[str, list[_Entry]], ems: dict[str, Any] | None, lsr: dict[str, Any] | None, now: datetime
) -> None:
    for entries in by_role.values():
        for entry in entries:
            if entry.item["key"] is not None:
                _guarded(entry, _relate_key, entry, by_role, ems, lsr)
    for entry in by_role.get("ems-rest-server-cert", []):
        _guarded(entry, _set_hostname, entry, *_ems_host(ems, lsr), "lsr")
        _guarded(entry, _set_chain, entry, by_role.get("ems-ca-for-lsr", []), now)
    for entry in by_role.get("lsr-server-cert", []):
        host = _host(setting(lsr, "script_resource_host"))
        at = {"file": "lsr", "pointer": "/scripts/script_resource_host"} if host else None
        _guarded(entry, _set_hostname, entry, host, at, "ems")
        anchors = by_role.get("edge-ca") or by_role.get("platform-ca", [])
        _guarded(entry, _set_chain, entry, anchors, now)
    platform = by_role.get("platform-ca", [])
    if platform:
        mismatch = _criteria_mismatch(setting(ems, "certificates", "validation_criteria"), platform)
        for entry in platform:
            if entry.item["cert"] is not None:
                entry.item["cert"]["criteria_mismatch"] = mismatch


def _guarded(entry: _Entry, relate: Callable[..., None], *args: Any) -> None:
    """Run one relation check; content that makes it fail marks this file, and the others go on."""
    try:
        relate(*args)
    except Exception:  # hostile content must never stop the analysis of the other files
        entry.item.update(status="unparsable", detail="the file content could not be analysed")


def _relate_key(
    entry: _Entry, by_role: dict[str, list[_Entry]], ems: dict[str, Any] | None, lsr: dict[str, Any] | None
) -> None:

    key = entry.item["key"]
    source = PASSPHRASES.get(entry.spec.link)
    if source is not None and entry.spec.role not in ("platform-ca", "edge-ca", "ems-ca-for-lsr"):
        doc = ems if source[0] == "ems" else lsr
        value = setting(doc, *source[1])
        key["passphrase_configured"] = isinstance(value, str) and value.strip() != ""
    info = entry.material.keys[0] if entry.material.keys else None
    if info is None or info.public_key is None:
        return
    partner = by_role.get(_PAIRS.get(entry.spec.role, ""), [])
    certs = partner[0].certs if partner and partner[0].certs else entry.certs
    if certs:
        key["matches_certificate"] = k.same_public_key(info.public_key, certs[0].public_key())


def _host(value: Any) -> str | None:
    """A configured host usable as a name to check (not a placeholder such as ``EMS IP Address``)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or re.search(r"\s|[<>{}]", text):
        return None
    return text


def _ems_host(ems: dict[str, Any] | None, lsr: dict[str, Any] | None) -> tuple[str | None, dict[str, Any] | None]:
    rap = _host(setting(lsr, "rap_host"))
    if rap is not None:
        return rap, {"file": "lsr", "pointer": "/scripts/rap_host"}
    host = _host(setting(ems, "http_server", "host"))
    return host, ({"file": "ems", "pointer": "/http_server/host"} if host else None)


def _set_hostname(entry: _Entry, host: str | None, at: dict[str, Any] | None, peer: str) -> None:

    cert = entry.item["cert"]
    if cert is None or not entry.certs:
        return
    cert["hostname"] = host
    cert["hostname_at"] = at
    cert["hostname_ok"] = c.hostname_matches(entry.certs[0], host)
    if host is not None and at is not None:
        where = ".".join(part for part in at["pointer"].split("/") if part)
        cert["hostname_check"] = hostname_check(entry.certs[0], host, where, peer, entry.item["in_use"])


def _set_chain(entry: _Entry, ca_entries: list[_Entry], now: datetime) -> None:

    cert = entry.item["cert"]
    if cert is None or not entry.certs or not ca_entries:
        return
    usable = [e for e in ca_entries if e.certs]
    if not usable:
        status = ca_entries[0].item["status"]
        cert["chain_detail"] = f"the configured CA list cannot be used ({status})"
        return
    anchors = [a for e in usable for a in e.certs]
    # A path within its dates is preferred (as OpenSSL prefers valid issuers: a renewed CA beside the expired
    # one it replaces). Failing that, dates are left out: every certificate of the served file and the anchor
    # reached are judged on their own (EMS606-EMS608), so an expired certificate is one finding, not also a
    # broken chain (EMS615).
    result = c.verify_chain(entry.certs[0], entry.certs[1:], anchors, now)
    if not result.ok and not result.exhausted:
        result = c.verify_chain(entry.certs[0], entry.certs[1:], anchors, now, dates=False)
    home = next((e for e in usable if any(a is result.anchor for a in e.certs)), usable[0])
    if result.ok and result.anchor is not None and result.anchor != entry.certs[0]:
        _mark_anchor(home, result.anchor, entry.spec.role)
    cert["chains_to"] = home.display
    cert["chain_ok"] = None if result.exhausted else result.ok  # not known when the search was cut short
    cert["chain_detail"] = result.detail or None
    if result.exhausted:
        entry.item["limit"] = {"kind": "chain-search", "detail": result.detail}


def _mark_anchor(home: _Entry, anchor: Any, role: str) -> None:
    """Record on the CA list's entry for ``anchor`` that ``role``'s server certificate chains to it (a pinned
    copy of the served certificate itself is not marked: its dates are reported on the served file)."""
    entries = home.item["certs"] or []
    for index, cert in enumerate(home.certs):
        if cert is anchor and index < len(entries) and role not in entries[index]["anchor_of"]:
            entries[index]["anchor_of"].append(role)


_CRITERIA_FIELDS = {
    "CA_Cert_Common_Name": "CN",
    "CA_Cert_Organization": "O",
    "CA_Cert_Organizational_Name": "OU",
}


def _criteria_mismatch(criteria: Any, platform: list[_Entry]) -> list[str]:

    if not isinstance(criteria, dict):
        return []
    certs = [cert for e in platform for cert in e.certs]
    mismatch = []
    for name, attr in _CRITERIA_FIELDS.items():
        wanted = criteria.get(name)
        if not isinstance(wanted, str) or not certs:
            continue
        values = {(c.subject_attr(cert, attr) or "").strip().casefold() for cert in certs}
        if wanted.strip().casefold() not in values:
            mismatch.append(name)
    return mismatch


def _all(*flags: bool | None) -> bool | None:
    """Three-valued AND: False wins over unknown."""
    if any(f is False for f in flags):
        return False
    return None if any(f is None for f in flags) else True


def _in_use(role: str, ems: dict[str, Any] | None, lsr: dict[str, Any] | None, lsr_unread: bool) -> bool | None:
    if role.startswith("ems-rest-server"):
        return flag_at(ems, "http_server", "ssl")
    if role.startswith("platform"):
        encryption = setting(ems, "ws_connection", "encryption")
        ssl = isinstance(encryption, str) and encryption.strip().lower() == "ssl"
        if role == "platform-ca":
            return _all(ssl, flag_at(ems, "certificates", "validate"))
        return ssl
    if role in ("edge-ca", "fingerprint-allowlist-ems"):
        return _edge_tls(ems, lsr, lsr_unread)
    if role in ("ems-ca-for-lsr", "fingerprint-allowlist-lsr"):
        return _all(flag_at(lsr, "rap_ssl"), flag_at(lsr, "rap_validate"))
    if role.startswith("lsr-server"):
        return flag_at(lsr, "script_resource_ssl")
    return None


def _edge_tls(ems: dict[str, Any] | None, lsr: dict[str, Any] | None, lsr_unread: bool) -> bool | None:
    """Does the EMS call an edge resource over HTTPS (the LSR, or an auto_bind entry)? Not known (None) when
    config.lua exists but could not be read: no LSR is not the same as an LSR emslint could not read."""
    binds = setting(ems, "auto_bind")
    https_bind = isinstance(binds, list) and any(
        isinstance(b, dict)
        and isinstance(b.get("protocol"), str)
        and b["protocol"].strip().lower() == "https"
        for b in binds
    )
    lsr_ssl = flag_at(lsr, "script_resource_ssl") if lsr is not None else (None if lsr_unread else False)
    if https_bind or lsr_ssl:
        return True
    return None if lsr_ssl is None else False


# ---------------------------------------------------------------------------------------------------------
# Fingerprint allowlists

_FP_PLAIN = re.compile(r"^[0-9A-Fa-f]{64}$")
_FP_COLONS = re.compile(r"^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){31}$")


def _fingerprint_items(
    ems: dict[str, Any] | None, lsr: dict[str, Any] | None, by_role: dict[str, list[_Entry]], now: datetime,
    lsr_unread: bool,
) -> list[dict[str, Any]]:
    """The facts items of the fingerprint allow-lists of config.json and config.lua, matched against the configured
    server certificates."""
    servers: dict[str, _Pinned] = {}
    for role in ("ems-rest-server-cert", "lsr-server-cert"):
        for entry in by_role.get(role, []):
            first = (entry.item["certs"] or [None])[0]
            if first is not None and entry.display:
                servers.setdefault(first["fingerprint_sha256"], _Pinned(entry.display, first))
    items = []
    for name in ("fingerprint_allowlist", "fingerprint_whitelist"):
        value = setting(ems, "certificates", name)
        if value is not None:
            pointer = f"/certificates/{name}"
            values = value if isinstance(value, list) else [value]
            pointers = (
                [f"{pointer}/{i}" for i in range(len(values))] if isinstance(value, list) else [pointer]
            )
            in_use = _edge_tls(ems, lsr, lsr_unread)
            items.append(_fp_item("ems", pointer, "lsr-rest", values, pointers, servers, in_use, now, not lsr_unread))
        value = setting(lsr, name)
        if value is not None:
            pointer = f"/scripts/{name}"
            if isinstance(value, str):
                values = value.split(",") if value.strip() else []
            else:
                values = value if isinstance(value, list) else [value]
            in_use = _in_use("fingerprint-allowlist-lsr", ems, lsr, lsr_unread)
            items.append(
                _fp_item("lsr", pointer, "ems-rest", values, [pointer] * len(values), servers, in_use, now)
            )
    return items


@dataclass(frozen=True, slots=True)
class _Pinned:
    """A configured server certificate a fingerprint entry may name: its file and its ``certs`` entry."""

    display: str
    cert: dict[str, Any]


def _fp_item(
    file: str,
    pointer: str,
    link: str,
    values: list[Any],
    pointers: list[str],
    servers: dict[str, _Pinned],
    in_use: bool | None,
    now: datetime,
    servers_known: bool = True,
) -> dict[str, Any]:
    """One fingerprint allow-list item: each entry well formed or not, which configured certificate it pins, and
    whether pins are in use. With ``servers_known`` false (config.lua exists but was not read) an entry that
    matches nothing may pin the LSR's certificate: whether any entry matches is then unknown."""

    item: dict[str, Any] = dict.fromkeys(ITEM_KEYS)
    entries = []
    related: list[str] = []
    pinned: list[_Pinned] = []
    for index, (value, at) in enumerate(zip(values, pointers, strict=True)):
        text = value if isinstance(value, str) else ""
        well_formed = bool(_FP_PLAIN.match(text) or _FP_COLONS.match(text))
        normal = re.sub(r"[\s:]", "", text).lower()
        server = servers.get(normal)
        if server is not None and server.display not in related:
            related.append(server.display)
            pinned.append(server)
        entries.append({
            "index": index,
            "pointer": at,
            "well_formed": well_formed,
            "matches": server is not None,
            "can_issue": None if server is None else server.cert["can_issue"],
            "days_left": None if server is None else server.cert["days_left"],
        })
    any_match = any(e["matches"] for e in entries) if entries and servers else None
    if any_match is False and not servers_known:
        any_match = None
    malformed = sum(1 for e in entries if not e["well_formed"])
    detail = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    if malformed:
        detail += f", {malformed} not a SHA-256 fingerprint (64 hex digits, colons optional)"
    if any_match is False:
        detail += ", none matches a configured server certificate"
    if pinned:
        first = min(pinned, key=lambda p: p.cert["not_after"])
        who = short_name(first.cert["subject_cn"])
        detail += f"; pins the server certificate {first.display}, {who}, {validity(first.cert, now)}"
        if len(pinned) > 1:
            detail += f" and {len(pinned) - 1} more"
    item.update(
        at={"file": file, "pointer": pointer},
        link=link,
        role="fingerprint-allowlist",
        related=related,
        status="ok",
        detail=detail,
        in_use=in_use,
        entries=entries,
        any_match=any_match,
    )
    return item
