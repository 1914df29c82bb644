"""The packaged cipher tables of OpenSSL 1.0.2q, 1.1.1q and 3.1.2 in one shape (see emslint/data/README.md).

Each SSL_CIPHER and cipher alias becomes an :class:`Entry` holding the algorithm bit masks that
``ssl_cipher_process_rulestr()`` and ``ssl_cipher_apply_rule()`` compare. The protocol category differs between
versions: 1.0.2 stores a protocol bit mask (``algorithm_ssl``), 1.1.0+ a minimum version (``min_tls``) that
rules compare for equality. Both are held as one bit per value, which makes "&" and "==" the same test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emslint.inspect.openssl_models import OpenSSLModel

__all__ = ["CATEGORIES", "MIN_TLS_BIT", "Cipher", "CipherSuite", "Entry", "Table", "load_table", "tls_version"]

CATEGORIES = ("mkey", "auth", "enc", "mac", "ssl", "strength")  # SSL_CIPHER algorithm fields
_DATA = Path(__file__).resolve().parent.parent / "data"

# Protocol versions as numbers (SSL3_VERSION ... TLS1_3_VERSION) and as one-hot "ssl" bits (1.1.0+).
_VERSIONS = {"SSLv2": 0x200, "SSLv3": 0x300, "TLSv1": 0x301, "TLSv1.1": 0x302, "TLSv1.2": 0x303, "TLSv1.3": 0x304}
MIN_TLS_BIT = {"SSLv3": 1, "TLSv1": 2, "TLSv1.1": 4, "TLSv1.2": 8, "TLSv1.3": 16}

# ssl/ssl_local.h of 1.1.1q and 3.1.2 (the 1.0.2 file carries its masks in the data).
_STRONG_MASK_111 = 0x1F  # SSL_STRONG_NONE | SSL_LOW | SSL_MEDIUM | SSL_HIGH | SSL_FIPS
_DEFAULT_MASK_111 = 0x20  # SSL_NOT_DEFAULT


def tls_version(name: str) -> int:
    """ "TLSv1.2" -> 0x303 (the protocol names `openssl ciphers -v` prints)."""
    return _VERSIONS[name]


@dataclass(frozen=True)
class CipherSuite:
    """One suite as `openssl ciphers -v` describes it (enc/mac are family names, bits = strength bits)."""

    name: str
    protocol: str  # minimum protocol as printed: "SSLv2" | "SSLv3" | "TLSv1" | "TLSv1.2" | "TLSv1.3"
    kx: str
    au: str
    enc: str
    mac: str
    bits: int
    alg_bits: int
    weak: tuple[str, ...]
    line: str = field(default="", compare=False, repr=False)  # the whole `openssl ciphers -v` line


class Entry:
    """A cipher or an alias with its algorithm bits, as ssl_cipher_process_rulestr() sees it."""

    __slots__ = ("auth", "enc", "id", "mac", "mkey", "name", "ssl", "strength", "valid")

    def __init__(self, name: str, bits: tuple[int, ...], valid: bool, cipher_id: int = 0) -> None:
        self.name = name
        self.mkey, self.auth, self.enc, self.mac, self.ssl, self.strength = bits
        self.valid = valid  # True: an explicit suite (its protocol is not part of the pattern)
        self.id = cipher_id


class Cipher:
    """A suite of the table with what the evaluator needs besides its bits."""

    __slots__ = ("available", "builds", "collect_key", "entry", "fips", "iana", "idx", "max_tls", "min_tls",
                 "strength_bits", "suite", "tls13")

    def __init__(self, idx: int, entry: Entry, suite: CipherSuite, row: dict[str, Any], *, min_tls: int,
                 max_tls: int, collect_key: tuple[int, int], tls13: bool) -> None:
        self.idx = idx
        self.entry = entry
        self.suite = suite
        self.strength_bits: int = row["strength_bits"]
        self.fips: bool = bool(row.get("fips"))
        self.builds = frozenset(row["in_builds"])
        available = row.get("available_at_runtime")
        self.available = frozenset(available) if available is not None else None
        self.iana: str | None = row.get("iana_name")
        self.min_tls = min_tls
        self.max_tls = max_tls
        self.collect_key = collect_key  # ascending = the order ssl_cipher_collect_ciphers() walks
        self.tls13 = tls13


class Table:
    """Ciphers, aliases, bit values and defaults of one OpenSSL version."""

    def __init__(self, model: OpenSSLModel, raw: dict[str, Any]) -> None:
        self.model = model
        self.bits = {name: int(value, 16) for name, value in raw["bit_values"].items()}
        if model.name == "1.0.2":
            masks = raw["masks"]
            self.strength_masks = (int(masks["SSL_EXP_MASK"], 16), int(masks["SSL_STRONG_MASK"], 16),
                                   self.bits["SSL_NOT_DEFAULT"])
            self.build_configs = {k: v for k, v in raw["build_names"].items() if k != "note"}
            self.defines = {k: frozenset(v) for k, v in raw["builds"].items()}
        else:
            self.strength_masks = (0, _STRONG_MASK_111, _DEFAULT_MASK_111)
            self.build_configs = {"default": "default", "weak": "enable-weak-ssl-ciphers"}
            self.defines = {k: frozenset(v["OPENSSL_NO"]) for k, v in raw["builds"].items()}
        self.not_default = self.bits["SSL_NOT_DEFAULT"]
        self.default_list: str = raw["default_cipher_list"]
        ciphers: list[Cipher] = []
        for row in raw["ciphers"]:
            cipher = self._cipher(len(ciphers), row)
            if cipher is not None:
                ciphers.append(cipher)
        self.ciphers: tuple[Cipher, ...] = tuple(ciphers)
        self.aliases = tuple(self._entry(a["name"], a, valid=bool(a["valid"])) for a in raw["aliases"])
        by_name = {c.entry.name: c for c in self.ciphers if c.tls13}
        names = raw.get("tls13_default_ciphersuites") or ""
        self.tls13_default: tuple[Cipher, ...] = tuple(by_name[n] for n in names.split(":") if n)

    def bit(self, *names: str) -> int:
        """OR of the named bits; names this version lacks count as 0."""
        value = 0
        for name in names:
            value |= self.bits.get(name, 0)
        return value

    def _mask(self, spec: Any) -> int:
        """A JSON bit list (OR of names) or {"not": [...]} (the C code's ~X) as an int."""
        if not spec:
            return 0
        if isinstance(spec, dict):
            return ~self._mask(spec["not"]) & 0xFFFFFFFF
        if isinstance(spec, str):
            spec = [spec]
        return self.bit(*spec)

    def _entry(self, name: str, spec: dict[str, Any], valid: bool, cipher_id: int = 0) -> Entry:
        values = [self._mask(spec.get(k)) for k in ("mkey", "auth", "enc", "mac")]
        if self.model.name == "1.0.2":
            ssl = self._mask(spec.get("ssl"))
        else:
            ssl = MIN_TLS_BIT.get(spec.get("min_tls") or "", 0)
        return Entry(name, (*values, ssl, self._mask(spec.get("strength"))), valid, cipher_id)

    def _cipher(self, idx: int, row: dict[str, Any]) -> Cipher | None:
        legacy = self.model.name == "1.0.2"
        if not legacy and (row.get("table") == "ssl3_scsvs" or not row.get("valid")):
            return None  # signalling values are never part of a cipher list
        spec = dict(row["bits"])
        if not legacy:
            spec["min_tls"] = row["min_tls"]
        cipher_id = int(row["id"], 16)
        entry = self._entry(row["name"], spec, valid=True, cipher_id=cipher_id)
        suite = CipherSuite(row["name"], row["protocol"], row["kx"], row["au"], row["enc"], row["mac"],
                            row["strength_bits"], row["alg_bits"], self._classes(entry, row["protocol"]),
                            row["description"])
        if legacy:
            # ssl23_get_cipher(): ssl3_ciphers[] backwards, then ssl2_ciphers[] backwards.
            rank = 0 if row["file"] == "ssl/s3_lib.c" else 1
            min_tls = _VERSIONS[row["protocol"]]
            max_tls = 0x200 if row["protocol"] == "SSLv2" else 0x303
            return Cipher(idx, entry, suite, row, min_tls=min_tls, max_tls=max_tls,
                          collect_key=(rank, -row["source_line"]), tls13=False)
        # ssl_sort_cipher_list() sorts ssl3_ciphers[] by id; ssl3_get_cipher() hands them out backwards.
        return Cipher(idx, entry, suite, row, min_tls=_VERSIONS[row["min_tls"]], max_tls=_VERSIONS[row["max_tls"]],
                      collect_key=(0, -cipher_id), tls13=row["table"] == "tls13_ciphers")

    def _classes(self, e: Entry, protocol: str) -> tuple[str, ...]:
        ephemeral = self.bit("SSL_kEDH", "SSL_kEECDH", "SSL_kDHE", "SSL_kECDHE", "SSL_kDHEPSK", "SSL_kECDHEPSK")
        checks = (
            ("NULL", e.enc == self.bit("SSL_eNULL")),
            ("anonymous", e.auth == self.bit("SSL_aNULL")),
            ("EXPORT", bool(e.strength & self.bit("SSL_EXPORT"))),
            ("LOW", bool(e.strength & self.bit("SSL_LOW"))),
            ("DES", e.enc == self.bit("SSL_DES")),
            ("RC2", e.enc == self.bit("SSL_RC2")),
            ("RC4", e.enc == self.bit("SSL_RC4")),
            ("MD5", e.mac == self.bit("SSL_MD5")),
            ("3DES", e.enc == self.bit("SSL_3DES")),
            ("SSLv2", protocol == "SSLv2"),
            # TLS 1.3 always uses (EC)DHE; its suites carry no key exchange bits
            ("no-forward-secrecy", protocol != "TLSv1.3" and not e.mkey & ephemeral),
        )
        return tuple(name for name, hit in checks if hit)


_TABLES: dict[str, Table] = {}


def load_table(model: OpenSSLModel) -> Table:
    """The table of ``model``, parsed once per process."""
    table = _TABLES.get(model.name)
    if table is None:
        raw = json.loads((_DATA / model.data_file).read_text(encoding="utf-8"))
        table = _TABLES[model.name] = Table(model, raw)
    return table
