"""Evaluate OpenSSL cipher strings exactly as OpenSSL 1.0.2q does (the EMS 5.4.0-5.4.10 TLS library).

This is a port of ``ssl_create_cipher_list`` / ``ssl_cipher_process_rulestr`` / ``ssl_cipher_apply_rule``
from ``ssl/ssl_ciph.c`` (OpenSSL_1_0_2q) over the packaged cipher table
``emslint/data/openssl-1.0.2-ciphers.json``.  The machine's own OpenSSL (3.x) is never consulted: its
aliases, defaults and ordering differ.  Reference answers of real 1.0.2q builds are in
``tests/data/openssl-1.0.2q-cipher-oracle.json``.

Three builds are modelled: ``default`` (./config), ``weak`` (enable-weak-ssl-ciphers enable-ssl2) and FIPS
mode (``fips=True``: a FIPS-capable build run with FIPS_mode() on, which keeps only SSL_FIPS suites).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "BUILDS",
    "EMS_DEFAULT_CIPHER_STRING",
    "FACT_CLASSES",
    "CipherResult",
    "CipherSuite",
    "cipher_facts",
    "describe",
    "evaluate",
    "suggest_name",
    "weakness_classes",
]

BUILDS = ("default", "weak")
EMS_DEFAULT_CIPHER_STRING = "ALL"  # certificates.cipher_suite unset (reference section f)

# Weakness classes counted in the facts document (weakness_classes() may also return "RC2" and
# "no-forward-secrecy", which are not "weak" on their own for weak_total).
FACT_CLASSES = ("NULL", "anonymous", "EXPORT", "LOW", "DES", "RC4", "MD5", "3DES", "SSLv2")

# Error lines exactly as `openssl ciphers` 1.0.2q prints them (see the oracle's "error" answers).
ERR_INVALID_COMMAND = "SSL_CIPHER_PROCESS_RULESTR: invalid command:ssl_ciph.c:1221:"
ERR_INVALID_SPECIAL = "SSL_CIPHER_PROCESS_RULESTR: invalid command:ssl_ciph.c:1377:"
ERR_NO_CIPHER_MATCH = "SSL_CTX_set_cipher_list: no cipher match:ssl_lib.c:1383:"

_DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "openssl-1.0.2-ciphers.json"

_ADD, _KILL, _DEL, _ORD, _SPECIAL = 1, 2, 3, 4, 5  # CIPHER_* in ssl_ciph.c
_SEPARATORS = frozenset(":;, ")  # ITEM_SEP() in ssl_ciph.c
_END = "\0"
_CATEGORIES = ("mkey", "auth", "enc", "mac", "ssl", "strength")  # SSL_CIPHER algorithm fields

# check_suiteb_cipher_list(): a rule string starting with one of these is replaced entirely.
_SUITEB = (
    ("SUITEB128ONLY", "ECDHE-ECDSA-AES128-GCM-SHA256"),
    ("SUITEB128C2", "ECDHE-ECDSA-AES256-GCM-SHA384"),
    ("SUITEB128", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384"),
    ("SUITEB192", "ECDHE-ECDSA-AES256-GCM-SHA384"),
)

# ssl_cipher_get_disabled(): OPENSSL_NO_* defines of a build -> (mkey, auth, enc, mac) bits it disables.
# Of these only OPENSSL_NO_KRB5 is set in the modelled builds (so the KRB5 aliases are unknown words).
_DISABLING_DEFINES: dict[str, tuple[tuple[str, ...], ...]] = {
    "OPENSSL_NO_RSA": (("SSL_kRSA",), ("SSL_aRSA",), (), ()),
    "OPENSSL_NO_DSA": ((), ("SSL_aDSS",), (), ()),
    "OPENSSL_NO_DH": (("SSL_kDHr", "SSL_kDHd", "SSL_kEDH"), ("SSL_aDH",), (), ()),
    "OPENSSL_NO_KRB5": (("SSL_kKRB5",), ("SSL_aKRB5",), (), ()),
    "OPENSSL_NO_ECDSA": ((), ("SSL_aECDSA",), (), ()),
    "OPENSSL_NO_ECDH": (("SSL_kECDHe", "SSL_kECDHr"), ("SSL_aECDH",), (), ()),
    "OPENSSL_NO_PSK": (("SSL_kPSK",), ("SSL_aPSK",), (), ()),
    "OPENSSL_NO_SRP": (("SSL_kSRP",), (), (), ()),
    "OPENSSL_NO_IDEA": ((), (), ("SSL_IDEA",), ()),  # via ssl_load_ciphers(): no EVP idea-cbc
}

# OpenSSL 1.1.1+/3.x TLS 1.3 suite names -> the TLS 1.2 suite with the same AEAD that a 1.0.2 client
# negotiates with an RSA-certificate platform.  None: the algorithm does not exist in 1.0.2.
_TLS13_NAMES: dict[str, str | None] = {
    "TLS_AES_128_GCM_SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
    "TLS_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
    "TLS_CHACHA20_POLY1305_SHA256": None,
    "TLS_AES_128_CCM_SHA256": None,
    "TLS_AES_128_CCM_8_SHA256": None,
}
_MISSING_IN_102 = ("CHACHA20", "POLY1305", "CCM", "ARIA")  # names of 1.1.0+ algorithms

# Suites a Java 7 platform (SunJSSE server, default JCE policy) enables by default AND an OpenSSL 1.0.2 EMS
# can complete.  Source: the "enabled by default" block of openjdk/jdk7u
# jdk/src/share/classes/sun/security/ssl/CipherSuite.java (late 7u updates: RC4 no longer enabled; no GCM
# in JDK 7; AES_256 suites need the unlimited-strength policy files, absent by default, and SHA384 suites
# are AES_256 only).  DHE suites are supported by JSSE but left out: Java 7 offers at most 1024-bit DH
# and PTC documents that the EMS cannot connect to a Java 7 platform unless kEDH is disabled (reference
# section f, SETUP page).
_JAVA7_SUITES = frozenset({
    "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDH-ECDSA-AES128-SHA256",
    "ECDH-RSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDH-ECDSA-AES128-SHA",
    "ECDH-RSA-AES128-SHA", "AES128-SHA256", "AES128-SHA", "ECDHE-ECDSA-DES-CBC3-SHA",
    "ECDHE-RSA-DES-CBC3-SHA", "ECDH-ECDSA-DES-CBC3-SHA", "ECDH-RSA-DES-CBC3-SHA", "DES-CBC3-SHA",
})


@dataclass(frozen=True)
class CipherSuite:
    """One suite as `openssl ciphers -v` describes it (enc/mac are family names, bits = strength bits)."""

    name: str
    protocol: str  # "SSLv2" | "SSLv3" | "TLSv1.2" (minimum protocol, as printed by 1.0.2)
    kx: str
    au: str
    enc: str
    mac: str
    bits: int
    alg_bits: int
    weak: tuple[str, ...]


@dataclass
class CipherResult:
    ok: bool
    error: str | None
    ciphers: list[CipherSuite] = field(default_factory=list)
    ignored_words: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.ciphers]


# --------------------------------------------------------------------------------------------- table


class _Entry:
    """A cipher or an alias with its algorithm bits, as ssl_cipher_process_rulestr() sees it."""

    __slots__ = ("auth", "enc", "mac", "mkey", "name", "ssl", "strength", "valid")

    def __init__(self, name: str, bits: tuple[int, int, int, int, int, int], valid: bool) -> None:
        self.name = name
        self.mkey, self.auth, self.enc, self.mac, self.ssl, self.strength = bits
        self.valid = valid  # True: an explicit suite (its protocol bits are not part of the pattern)


class _Cipher:
    __slots__ = ("builds", "description", "entry", "file", "fips", "iana", "idx", "source_line",
                 "strength_bits", "suite")

    def __init__(self, idx: int, entry: _Entry, row: dict[str, Any], suite: CipherSuite) -> None:
        self.idx = idx
        self.entry = entry
        self.suite = suite
        self.strength_bits: int = row["strength_bits"]
        self.fips: bool = row["fips"]
        self.builds = frozenset(row["in_builds"])
        self.file: str = row["file"]
        self.source_line: int = row["source_line"]
        self.description: str = row["description"]
        self.iana: str | None = row.get("iana_name")


class _Table:
    __slots__ = ("aliases", "bits", "build_configs", "ciphers", "default_list", "defines", "exp_mask",
                 "strong_mask")

    def __init__(self, raw: dict[str, Any]) -> None:
        bits = {name: int(value, 16) for name, value in raw["bit_values"].items()}
        self.bits = bits
        self.exp_mask = int(raw["masks"]["SSL_EXP_MASK"], 16)
        self.strong_mask = int(raw["masks"]["SSL_STRONG_MASK"], 16)
        ciphers = []
        for idx, row in enumerate(raw["ciphers"]):
            spec = {k: [v] for k, v in row["bits"].items() if k != "strength"}
            entry = _entry(bits, row["name"], spec | {"strength": row["bits"]["strength"]}, valid=True)
            suite = CipherSuite(row["name"], row["protocol"], row["kx"], row["au"], row["enc"], row["mac"],
                                row["strength_bits"], row["alg_bits"], _classes_of(entry, bits))
            ciphers.append(_Cipher(idx, entry, row, suite))
        self.ciphers = tuple(ciphers)
        self.aliases = tuple(_entry(bits, a["name"], a, valid=bool(a["valid"])) for a in raw["aliases"])
        self.default_list: str = raw["default_cipher_list"]
        # emslint build name -> ./config variant; ./config variant -> its OPENSSL_NO_* defines
        self.build_configs = {k: v for k, v in raw["build_names"].items() if k != "note"}
        self.defines = {k: frozenset(v) for k, v in raw["builds"].items()}


_TABLE: _Table | None = None
_STARTS: dict[tuple[str, bool], _Start] = {}


def _table() -> _Table:
    global _TABLE
    if _TABLE is None:
        _TABLE = _Table(json.loads(_DATA_FILE.read_text(encoding="utf-8")))
    return _TABLE


def _mask(bits: dict[str, int], spec: Any) -> int:
    """A JSON bit list (OR of names) or {"not": [...]} (the C code's ~X) as an int."""
    if not spec:
        return 0
    if isinstance(spec, dict):
        return ~_mask(bits, spec["not"]) & 0xFFFFFFFF
    value = 0
    for name in spec:
        value |= bits[name]
    return value


def _entry(bits: dict[str, int], name: str, spec: dict[str, Any], valid: bool) -> _Entry:
    mkey, auth, enc, mac, ssl, strength = (_mask(bits, spec.get(k)) for k in _CATEGORIES)
    return _Entry(name, (mkey, auth, enc, mac, ssl, strength), valid)


def _classes_of(e: _Entry, bits: dict[str, int]) -> tuple[str, ...]:
    checks = (
        ("NULL", e.enc == bits["SSL_eNULL"]),
        ("anonymous", e.auth == bits["SSL_aNULL"]),
        ("EXPORT", bool(e.strength & bits["SSL_EXPORT"])),
        ("LOW", bool(e.strength & bits["SSL_LOW"])),
        ("DES", e.enc == bits["SSL_DES"]),
        ("RC2", e.enc == bits["SSL_RC2"]),
        ("RC4", e.enc == bits["SSL_RC4"]),
        ("MD5", e.mac == bits["SSL_MD5"]),
        ("3DES", e.enc == bits["SSL_3DES"]),
        ("SSLv2", e.ssl == bits["SSL_SSLV2"]),
        ("no-forward-secrecy", not e.mkey & (bits["SSL_kEDH"] | bits["SSL_kEECDH"])),
    )
    return tuple(name for name, hit in checks if hit)


# ---------------------------------------------------------------------------------------- rule engine


class _Pattern:
    """The selection of one rule: a suite matches if it shares a bit with every non-zero category."""

    __slots__ = ("auth", "enc", "mac", "mkey", "ssl", "strength")

    def __init__(self, mkey: int = 0, auth: int = 0, enc: int = 0, mac: int = 0, ssl: int = 0,
                 strength: int = 0) -> None:
        self.mkey, self.auth, self.enc, self.mac = mkey, auth, enc, mac
        self.ssl, self.strength = ssl, strength


class _State:
    """The CIPHER_ORDER linked list as a Python list plus the set of active suites.

    Every rule of ssl_cipher_apply_rule() is a stable partition of that list, which is what the C loops
    (forward for ADD/ORD/KILL, backward for DEL) amount to.
    """

    def __init__(self, order: list[_Cipher], active: set[int], table: _Table) -> None:
        self.order = order
        self.active = active
        self._exp = table.exp_mask
        self._strong = table.strong_mask
        self._not_default = table.bits["SSL_NOT_DEFAULT"]
        self.present = {c.idx for c in order}  # the suites still in the list (KILL removes them for good)
        self._last: tuple[int, ...] | None = None
        self._hit_cache: dict[tuple[int, ...], frozenset[int]] = {}

    def matches(self, c: _Cipher, p: _Pattern) -> bool:
        e = c.entry
        if p.mkey and not p.mkey & e.mkey:
            return False
        if p.auth and not p.auth & e.auth:
            return False
        if p.enc and not p.enc & e.enc:
            return False
        if p.mac and not p.mac & e.mac:
            return False
        if p.ssl and not p.ssl & e.ssl:
            return False
        s = p.strength
        if s & self._exp and not s & self._exp & e.strength:
            return False
        if s & self._strong and not s & self._strong & e.strength:
            return False
        return not (s & self._not_default and not e.strength & self._not_default)

    def apply(self, p: _Pattern, rule: int) -> None:
        key = (rule, p.mkey, p.auth, p.enc, p.mac, p.ssl, p.strength)
        if key == self._last:
            return  # every rule is idempotent: "RC4:RC4:..." (100,000 times) costs one pass
        self._last = key
        hits = self._hits(key[1:], p)
        active = self.active
        # Rules that would move nothing are skipped without a pass over the list (a hostile string
        # alternates thousands of them); the checks are exactly "moved would be empty" of the code below.
        if rule == _KILL:
            if hits.isdisjoint(self.present):
                return
            self.order = [c for c in self.order if c.idx not in hits]
            self.present.difference_update(hits)
            active.difference_update(hits)
            return
        if rule == _ADD and not (hits & self.present) - active:
            return
        if rule == _DEL and hits.isdisjoint(active):
            return
        want_active = rule != _ADD  # ADD moves inactive suites, ORD and DEL move active ones
        moved, rest = [], []
        for c in self.order:
            if c.idx in hits and (c.idx in active) == want_active:
                moved.append(c)
            else:
                rest.append(c)
        if rule == _DEL:
            self.order = moved + rest
            active.difference_update(c.idx for c in moved)
        else:
            self.order = rest + moved
            if rule == _ADD:
                active.update(c.idx for c in moved)

    def _hits(self, key: tuple[int, ...], p: _Pattern) -> frozenset[int]:
        """The suites of the list a pattern selects (independent of the state, so computed once)."""
        hits = self._hit_cache.get(key)
        if hits is None:
            hits = self._hit_cache[key] = frozenset(c.idx for c in self.order if self.matches(c, p))
        return hits

    def strength_sort(self) -> None:
        # ssl_cipher_strength_sort(): CIPHER_ORD per used strength_bits value, descending.
        rest = [c for c in self.order if c.idx not in self.active]
        act = [c for c in self.order if c.idx in self.active]
        act.sort(key=lambda c: -c.strength_bits)  # stable, like the repeated ORD moves
        self.order = rest + act
        self._last = None


class _Start:
    __slots__ = ("lookup", "order")

    def __init__(self, order: tuple[_Cipher, ...], lookup: dict[str, _Entry]) -> None:
        self.order = order  # after the preference moves of ssl_create_cipher_list(), all inactive
        self.lookup = lookup  # ca_list: the collected suites first, then the enabled aliases


def _start(build: str, fips: bool) -> _Start:
    key = (build, fips)
    start = _STARTS.get(key)
    if start is None:
        start = _STARTS[key] = _make_start(_table(), build, fips)
    return start


def _collected(table: _Table, config: str, fips: bool) -> list[_Cipher]:
    # ssl23_get_cipher(): ssl3_ciphers[] backwards, then ssl2_ciphers[] backwards.
    out: list[_Cipher] = []
    for file in ("ssl/s3_lib.c", "ssl/s2_lib.c"):
        rows = [c for c in table.ciphers if c.file == file and config in c.builds and (c.fips or not fips)]
        rows.sort(key=lambda c: c.source_line, reverse=True)
        out.extend(rows)
    return out


def _disabled(table: _Table, config: str) -> tuple[int, int, int, int]:
    masks = [0, 0, 0, 0]
    for define in table.defines[config]:
        for i, names in enumerate(_DISABLING_DEFINES.get(define, ((), (), (), ()))):
            for name in names:
                masks[i] |= table.bits[name]
    return masks[0], masks[1], masks[2], masks[3]


def _make_start(table: _Table, build: str, fips: bool) -> _Start:
    config = table.build_configs[build]
    b = table.bits
    state = _State(_collected(table, config, fips), set(), table)
    moves = (
        (_Pattern(mkey=b["SSL_kEECDH"]), _ADD),
        (_Pattern(mkey=b["SSL_kEECDH"]), _DEL),
        (_Pattern(enc=_aes_bits(b)), _ADD),
        (_Pattern(), _ADD),
        (_Pattern(mac=b["SSL_MD5"]), _ORD),
        (_Pattern(auth=b["SSL_aNULL"]), _ORD),
        (_Pattern(auth=b["SSL_aECDH"]), _ORD),
        (_Pattern(mkey=b["SSL_kRSA"]), _ORD),
        (_Pattern(mkey=b["SSL_kPSK"]), _ORD),
        (_Pattern(mkey=b["SSL_kKRB5"]), _ORD),
        (_Pattern(enc=b["SSL_RC4"]), _ORD),
    )
    for pattern, rule in moves:
        state.apply(pattern, rule)
    state.strength_sort()
    state.apply(_Pattern(), _DEL)

    lookup: dict[str, _Entry] = {}
    for c in state.order:
        lookup.setdefault(c.entry.name, c.entry)
    d_mkey, d_auth, d_enc, d_mac = _disabled(table, config)
    for a in table.aliases:  # ssl_cipher_collect_aliases()
        if (a.mkey and not a.mkey & ~d_mkey) or (a.auth and not a.auth & ~d_auth):
            continue
        if (a.enc and not a.enc & ~d_enc) or (a.mac and not a.mac & ~d_mac):
            continue
        lookup.setdefault(a.name, a)
    return _Start(tuple(state.order), lookup)


def _aes_bits(b: dict[str, int]) -> int:
    return b["SSL_AES128"] | b["SSL_AES256"] | b["SSL_AES128GCM"] | b["SSL_AES256GCM"]


# -------------------------------------------------------------------------------------------- parser


# The C loops over characters; "\0" ends the string there (_END), separators are ITEM_SEP().
_WORD = re.compile(r"[A-Za-z0-9.\-]*")
_TO_SEPARATOR = re.compile(r"[^:;, \x00]*")
_TO_PLUS_OR_SEPARATOR = re.compile(r"[^:;, \x00+]*")


class _Parser:
    """ssl_cipher_process_rulestr(), character by character (its quirks are observable behaviour)."""

    def __init__(self, state: _State, lookup: dict[str, _Entry], table: _Table) -> None:
        self.state = state
        self.lookup = lookup
        self.exp = table.exp_mask
        self.strong = table.strong_mask
        self.not_default = table.bits["SSL_NOT_DEFAULT"]
        self.last_error: str | None = None
        self.ignored: list[str] = []
        self.s = ""

    def run(self, s: str) -> bool:
        self.s = s
        retval = True
        pos = 0
        while True:
            ch = self._at(pos)
            if ch == _END:
                break
            rule = {"-": _DEL, "+": _ORD, "!": _KILL, "@": _SPECIAL}.get(ch, _ADD)
            if rule != _ADD:
                pos += 1
            if ch in _SEPARATORS:
                pos += 1
                continue
            pos, found, pattern, word, word_ok = self._read_term(pos, rule)
            if not word_ok:
                retval = False
            if rule == _SPECIAL:
                if word == "STRENGTH":
                    self.state.strength_sort()
                else:
                    self.last_error = ERR_INVALID_SPECIAL
                    retval = False
                pos = self._skip_to_separator(pos)
            elif found and pattern is not None:
                self.state.apply(pattern, rule)
            else:
                pos = self._skip_to_separator(pos)
            if self._at(pos) == _END:
                break
        return retval

    def _at(self, pos: int) -> str:
        return self.s[pos] if pos < len(self.s) else _END

    def _skip_to_separator(self, pos: int) -> int:
        return _TO_SEPARATOR.match(self.s, pos).end() if pos < len(self.s) else pos

    def _read_word(self, pos: int) -> tuple[int, str]:
        if pos >= len(self.s):
            return pos, ""
        end = _WORD.match(self.s, pos).end()
        return end, self.s[pos:end]

    def _read_term(self, pos: int, rule: int) -> tuple[int, bool, _Pattern | None, str, bool]:
        """One term ("AES", "ECDHE+AESGCM"): (new pos, found, pattern, last word, no syntax error)."""
        acc = [0, 0, 0, 0, 0, 0]  # mkey auth enc mac ssl strength
        word = ""
        while True:
            start = pos
            pos, word = self._read_word(pos)
            if not word:
                # Not a word, operator or separator (e.g. "_", "=", a dangling "+"): an error, but the
                # rest of the string is still parsed.  pos may step past the end like the C code's l++.
                self.last_error = ERR_INVALID_COMMAND
                return pos + 1, False, None, word, False
            if rule == _SPECIAL:
                return pos, False, None, word, True
            multi = self._at(pos) == "+"
            if multi:
                pos += 1
            entry = self.lookup.get(word)
            if entry is None:
                self.ignored.append(self._ignored_span(start))
                return pos, False, None, word, True
            if not self._combine(acc, entry):
                return pos, False, None, word, True  # e.g. "kRSA+kEDH": empty, silently skipped
            if not multi:
                return pos, True, _Pattern(*acc), word, True

    def _ignored_span(self, start: int) -> str:
        # The unknown word with whatever the parser skips with it ("TLS_RSA_WITH_..." is skipped whole).
        return self.s[start:_TO_PLUS_OR_SEPARATOR.match(self.s, start).end()]

    def _combine(self, acc: list[int], e: _Entry) -> bool:
        """AND one more alias into the term (multi-part "A+B"); False when a category becomes empty."""
        for i, value in enumerate((e.mkey, e.auth, e.enc, e.mac)):
            if value:
                acc[i] = acc[i] & value if acc[i] else value
                if not acc[i]:
                    return False
        for mask in (self.exp, self.strong):
            part = e.strength & mask
            if part:
                if acc[5] & mask:
                    acc[5] &= part | ~mask
                    if not acc[5] & mask:
                        return False
                else:
                    acc[5] |= part
        if e.strength & self.not_default:
            acc[5] |= self.not_default
        if not e.valid and e.ssl:  # an explicit suite's protocol is not part of the pattern
            acc[4] = acc[4] & e.ssl if acc[4] else e.ssl
            if not acc[4]:
                return False
        return True


# ------------------------------------------------------------------------------------------ public API


def _check_build(build: str) -> None:
    if build not in BUILDS:
        raise ValueError(f"unknown build {build!r}; expected one of {', '.join(BUILDS)}")


def evaluate(cipher_string: str, build: str = "default", fips: bool = False) -> CipherResult:
    """The cipher list `SSL_CTX_set_cipher_list(ctx, cipher_string)` yields in OpenSSL 1.0.2q, in order.

    ``ok`` is False when 1.0.2q rejects the string; ``error`` is then its last error line.  Words it
    silently ignores (unknown aliases, suites not compiled into this build) are in ``ignored_words``.
    """
    _check_build(build)
    table = _table()
    start = _start(build, fips)
    state = _State(list(start.order), set(), table)
    parser = _Parser(state, start.lookup, table)

    rule_str = cipher_string
    for prefix, replacement in _SUITEB:
        if rule_str.startswith(prefix):
            rule_str = replacement
            break
    ok = True
    if rule_str.startswith("DEFAULT"):
        ok = parser.run(table.default_list)
        rule_str = rule_str[7:]
        if rule_str.startswith(":"):
            rule_str = rule_str[1:]
    if ok and rule_str:
        ok = parser.run(rule_str)
    if not ok:
        return CipherResult(False, parser.last_error, [], parser.ignored)
    suites = [c.suite for c in state.order if c.idx in state.active]
    if not suites:
        return CipherResult(False, ERR_NO_CIPHER_MATCH, [], parser.ignored)
    return CipherResult(True, None, suites, parser.ignored)


def weakness_classes(suite: CipherSuite | str) -> tuple[str, ...]:
    """Why a suite is weak: "NULL", "anonymous", "EXPORT", "LOW", "DES", "RC2", "RC4", "MD5", "3DES",
    "SSLv2", "no-forward-secrecy" (no ephemeral key exchange).  Accepts a CipherSuite or a 1.0.2 name."""
    if isinstance(suite, CipherSuite):
        return suite.weak
    for c in _table().ciphers:  # SSLv3/TLS suites come first, so "RC4-MD5" is the TLS one
        if c.entry.name == suite:
            return c.suite.weak
    raise KeyError(f"not an OpenSSL 1.0.2 cipher suite name: {suite!r}")


_VOCAB: tuple[dict[str, str], dict[str, str], list[str]] | None = None


def _vocabulary() -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(IANA name -> 1.0.2 name, UPPERCASE word -> word, all 1.0.2 words)."""
    global _VOCAB
    if _VOCAB is None:
        table = _table()
        iana = {c.iana: c.entry.name for c in table.ciphers if c.iana and c.file == "ssl/s3_lib.c"}
        words = [c.entry.name for c in table.ciphers] + [a.name for a in table.aliases] + ["DEFAULT"]
        upper: dict[str, str] = {}
        for w in words:  # on a case collision ("aDH"/"ADH") prefer the all-capitals word
            if w.upper() not in upper or w == w.upper():
                upper[w.upper()] = w
        _VOCAB = (iana, upper, list(dict.fromkeys(words)))
    return _VOCAB


def suggest_name(word: str) -> str | None:
    """The 1.0.2 spelling of a word 1.0.2 ignores: IANA/Java names and OpenSSL 3 TLS 1.3 names map to the
    1.0.2 suite name; typos map to the closest name or alias.  None if there is nothing better."""
    import difflib  # only needed when a word was ignored

    iana, upper, words = _vocabulary()
    known = set(words)
    w = word.strip()
    if not w or w in known:  # empty, or already a 1.0.2 word
        return None
    key = w.upper()
    if key.startswith("SSL_"):  # Java/JSSE spelling of the same IANA suite
        key = "TLS_" + key[4:]
    if key in iana:
        return iana[key]
    if key in _TLS13_NAMES:
        return _TLS13_NAMES[key]
    if any(part in key for part in _MISSING_IN_102):
        return None
    if key in upper:
        return upper[key]
    close = difflib.get_close_matches(w, words, n=1, cutoff=0.8)
    if not close:
        close = difflib.get_close_matches(key, list(upper), n=1, cutoff=0.8)
        close = [upper[c] for c in close]
    return close[0] if close else None


_SUGGESTED = 10  # the words a message shows; difflib over every word of a hostile string would take minutes
_SUGGEST_MAX_LEN = 80  # longer than any suite name (IANA names included)


def _ignored(words: list[str]) -> list[dict[str, str | None]]:
    """Each ignored word once, in order of appearance, with a suggestion for the first few."""
    distinct = list(dict.fromkeys(words))
    return [
        {"word": w, "suggestion": suggest_name(w) if i < _SUGGESTED and len(w) <= _SUGGEST_MAX_LEN else None}
        for i, w in enumerate(distinct)
    ]


def _fact_counts(suites: list[CipherSuite]) -> dict[str, Any]:
    classes = {name: sum(name in s.weak for s in suites) for name in FACT_CLASSES}
    weak_total = sum(any(name in s.weak for name in FACT_CLASSES) for s in suites)
    return {
        "classes": classes,
        "weak_total": weak_total,
        "forward_secrecy": sum("no-forward-secrecy" not in s.weak for s in suites),
        # kEDH prints as Kx=DH (or DH(512) for export suites); static DH is DH/RSA, DH/DSS
        "kedh": sum(s.kx == "DH" or s.kx.startswith("DH(") for s in suites),
        "java7_compatible": sum(s.name in _JAVA7_SUITES for s in suites),
    }


def cipher_facts(cipher_string: str, *, build: str = "default", fips: bool = False,
                 platform_java: int | None = None) -> dict[str, Any]:
    """The facts document's "ciphers" object (without "at") for a set certificates.cipher_suite.

    ``platform_java`` is accepted for the facts builder's convenience; the Java 7 count is always
    computed (rules combine it with /target/platform_java).
    """
    del platform_java  # counts do not depend on it; see the docstring
    result = evaluate(cipher_string, build, fips)
    plain = result if not fips else evaluate(cipher_string, build, False)
    fips_result = result if fips else evaluate(cipher_string, build, True)
    dropped = [s.name for s in plain.ciphers if s.name not in {f.name for f in fips_result.ciphers}]
    facts: dict[str, Any] = {
        "string_set": True,
        "ok": result.ok,
        "error": result.error,
        "count": len(result.ciphers),
        "names_sample": result.names[:5],
        "ignored_words": _ignored(result.ignored_words),
    }
    facts.update(_fact_counts(result.ciphers))
    facts["fips_dropped"] = len(dropped)
    facts["fips_dropped_sample"] = dropped[:5]
    facts["fips_ok"] = (fips_result.ok and bool(fips_result.ciphers)) if plain.ok else None
    return facts


def describe(suite: CipherSuite) -> str:
    """The `openssl ciphers -v` line of a suite (1.0.2q SSL_CIPHER_description, without newline)."""
    for c in _table().ciphers:
        if c.suite is suite or (c.entry.name == suite.name and c.suite.protocol == suite.protocol):
            return c.description
    return f"{suite.name} {suite.protocol} Kx={suite.kx} Au={suite.au} Enc={suite.enc}({suite.bits}) " \
           f"Mac={suite.mac}"
