"""Evaluate OpenSSL cipher strings exactly as the EMS's OpenSSL does: 1.0.2q, 1.1.1q or 3.1.2.

One port of ``ssl_create_cipher_list`` / ``ssl_cipher_process_rulestr`` / ``ssl_cipher_apply_rule`` from
``ssl/ssl_ciph.c``, parametrised by an :class:`~emslint.inspect.openssl_models.OpenSSLModel`: the rule engine
did not change between the versions; the tables, aliases, default lists, the start-up preference order, the
security level (``@SECLEVEL=n``), the TLS 1.3 suites and provider availability did. The machine's own OpenSSL
is never consulted. Reference answers of real builds are in ``tests/data/openssl-*-cipher-oracle.json``.

Builds: ``default`` and ``weak`` (enable-weak-ssl-ciphers; for 1.0.2 also enable-ssl2); 1.0.2 also FIPS mode
(``fips=True``: a FIPS-capable build with FIPS_mode() on, which keeps only SSL_FIPS suites); 3.1 also the
legacy provider (``legacy_provider=True``: SEED, IDEA, RC4, single DES become available).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from emslint.inspect.cipher_table import MIN_TLS_BIT, Cipher, CipherSuite, Entry, Table, load_table, tls_version
from emslint.inspect.openssl_models import OpenSSLModel, get_model
from emslint.read.matching import always_match

__all__ = [
    "BUILDS",
    "ERR_INVALID_COMMAND",
    "ERR_INVALID_SPECIAL",
    "ERR_NO_CIPHER_MATCH",
    "CipherResult",
    "CipherSuite",
    "describe",
    "evaluate",
    "weakness_classes",
]

BUILDS = ("default", "weak")

# 1.0.2q error lines (kept for callers of the 1.0.2 model; each model carries its own).
ERR_INVALID_COMMAND = get_model("1.0.2").err_invalid_char
ERR_INVALID_SPECIAL = get_model("1.0.2").err_invalid_special
ERR_NO_CIPHER_MATCH = get_model("1.0.2").err_no_match

_ADD, _KILL, _DEL, _ORD, _SPECIAL, _BUMP = 1, 2, 3, 4, 5, 6  # CIPHER_* in ssl_ciph.c
_SEPARATORS = frozenset(":;, ")  # ITEM_SEP() in ssl_ciph.c
_END = "\0"
_STRENGTH = "@STRENGTH"  # a preference step: ssl_cipher_strength_sort()

# check_suiteb_cipher_list(): a rule string starting with one of these is replaced entirely.
_SUITEB = (
    ("SUITEB128ONLY", "ECDHE-ECDSA-AES128-GCM-SHA256"),
    ("SUITEB128C2", "ECDHE-ECDSA-AES256-GCM-SHA384"),
    ("SUITEB128", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384"),
    ("SUITEB192", "ECDHE-ECDSA-AES256-GCM-SHA384"),
)

# ssl_cipher_get_disabled() of 1.0.2: OPENSSL_NO_* defines of a build -> (mkey, auth, enc, mac) bits.
# Of these only OPENSSL_NO_KRB5 is set in the modelled builds (so the KRB5 aliases are unknown words).
_DISABLING_DEFINES_102: dict[str, tuple[tuple[str, ...], ...]] = {
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

# ssl_load_ciphers() of 1.1.1/3.x: algorithms libssl cannot fetch at run time. GOST needs an external engine
# (1.1.1) or provider (3.x), so in every modelled build these are disabled (mkey, auth, enc, mac).
_GOST_DISABLED = (
    ("SSL_kGOST", "SSL_kGOST18"),
    ("SSL_aGOST01", "SSL_aGOST12"),
    ("SSL_eGOST2814789CNT", "SSL_eGOST2814789CNT12", "SSL_MAGMA", "SSL_KUZNYECHIK"),
    ("SSL_GOST94", "SSL_GOST89MAC", "SSL_GOST12_256", "SSL_GOST12_512", "SSL_GOST89MAC12", "SSL_MAGMAOMAC",
     "SSL_KUZNYECHIKOMAC"),
)
# 3.x: ciphers that live in the legacy provider (without it EVP_CIPHER_fetch() finds none).
_LEGACY_PROVIDER_ENC = ("SSL_DES", "SSL_RC4", "SSL_RC2", "SSL_IDEA", "SSL_SEED")

# ssl_create_cipher_list(): the preference order set up before the string is read (pattern, rule).
_Step = tuple[dict[str, tuple[str, ...]], int] | str
_PREFERENCE_102: tuple[_Step, ...] = (
    ({"mkey": ("SSL_kEECDH",)}, _ADD),
    ({"mkey": ("SSL_kEECDH",)}, _DEL),
    ({"enc": ("SSL_AES128", "SSL_AES256", "SSL_AES128GCM", "SSL_AES256GCM")}, _ADD),
    ({}, _ADD),
    ({"mac": ("SSL_MD5",)}, _ORD),
    ({"auth": ("SSL_aNULL",)}, _ORD),
    ({"auth": ("SSL_aECDH",)}, _ORD),
    ({"mkey": ("SSL_kRSA",)}, _ORD),
    ({"mkey": ("SSL_kPSK",)}, _ORD),
    ({"mkey": ("SSL_kKRB5",)}, _ORD),
    ({"enc": ("SSL_RC4",)}, _ORD),
    _STRENGTH,
    ({}, _DEL),
)
_PREFERENCE_111: tuple[_Step, ...] = (
    ({"mkey": ("SSL_kECDHE",), "auth": ("SSL_aECDSA",)}, _ADD),
    ({"mkey": ("SSL_kECDHE",)}, _ADD),
    ({"mkey": ("SSL_kECDHE",)}, _DEL),
    ({"enc": ("SSL_AES128GCM", "SSL_AES256GCM")}, _ADD),
    ({"enc": ("SSL_CHACHA20POLY1305",)}, _ADD),
    ({"enc": ("SSL_AES128", "SSL_AES256", "SSL_AES128CCM", "SSL_AES256CCM", "SSL_AES128CCM8",
              "SSL_AES256CCM8")}, _ADD),  # SSL_AES ^ SSL_AESGCM
    ({}, _ADD),
    ({"mac": ("SSL_MD5",)}, _ORD),
    ({"auth": ("SSL_aNULL",)}, _ORD),
    ({"mkey": ("SSL_kRSA",)}, _ORD),
    ({"mkey": ("SSL_kPSK",)}, _ORD),
    ({"enc": ("SSL_RC4",)}, _ORD),
    _STRENGTH,
    ({"ssl": ("TLSv1.2",)}, _BUMP),
    ({"mac": ("SSL_AEAD",)}, _BUMP),
    ({"mkey": ("SSL_kDHE", "SSL_kECDHE")}, _BUMP),
    ({"mkey": ("SSL_kDHE", "SSL_kECDHE"), "mac": ("SSL_AEAD",)}, _BUMP),
    ({}, _DEL),
)

_MINBITS = (0, 80, 112, 128, 192, 256)  # ssl_security_default_callback(): minimum bits per level 1..5


@dataclass
class CipherResult:
    """What `openssl ciphers -v STRING` prints (``ciphers``, TLS 1.3 suites first from 1.1.1 on) and what
    `openssl ciphers -s -v STRING` prints (``supported``: the suites a client with default settings offers at
    the list's security level; None for 1.0.2, which has neither -s nor security levels)."""

    ok: bool
    error: str | None
    ciphers: list[CipherSuite] = field(default_factory=list)
    ignored_words: list[str] = field(default_factory=list)
    error_reason: str | None = None  # "invalid command" | "no cipher match"
    supported: list[CipherSuite] | None = None
    security_level: int | None = None
    model: str = "1.0.2"
    security_level_set: bool = False  # an "@SECLEVEL=n" took effect
    ignored_in_exclusions: list[str] = field(default_factory=list)  # ignored words only seen after ! - +

    @property
    def words_added(self) -> list[str]:
        """The ignored words that were meant to add suites (at least once without ! - +)."""
        excluded = set(self.ignored_in_exclusions)
        return [w for w in self.ignored_words if w not in excluded]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.ciphers]

    @property
    def supported_names(self) -> list[str] | None:
        return None if self.supported is None else [c.name for c in self.supported]


# ---------------------------------------------------------------------------------------- rule engine


class _Pattern:
    """The selection of one rule: a suite matches if it shares a bit with every non-zero category."""

    __slots__ = ("auth", "cipher_id", "enc", "mac", "mkey", "ssl", "strength")

    def __init__(self, mkey: int = 0, auth: int = 0, enc: int = 0, mac: int = 0, ssl: int = 0,
                 strength: int = 0, cipher_id: int = 0) -> None:
        self.mkey, self.auth, self.enc, self.mac = mkey, auth, enc, mac
        self.ssl, self.strength, self.cipher_id = ssl, strength, cipher_id

    def key(self) -> tuple[int, ...]:
        return (self.mkey, self.auth, self.enc, self.mac, self.ssl, self.strength, self.cipher_id)


class _State:
    """The CIPHER_ORDER linked list as a Python list plus the set of active suites.

    Every rule of ssl_cipher_apply_rule() is a stable partition of that list, which is what the C loops
    (forward for ADD/ORD/KILL, backward for DEL/BUMP) amount to.
    """

    def __init__(self, order: list[Cipher], active: set[int], table: Table) -> None:
        self.order = order
        self.active = active
        self._masks = tuple(m for m in table.strength_masks if m)
        self.present = {c.idx for c in order}  # the suites still in the list (KILL removes them for good)
        self._last: tuple[int, ...] | None = None
        self._hit_cache: dict[tuple[int, ...], frozenset[int]] = {}

    def matches(self, c: Cipher, p: _Pattern) -> bool:
        e = c.entry
        if p.cipher_id and p.cipher_id != e.id:
            return False
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
        return all(not (s & mask) or bool(s & mask & e.strength) for mask in self._masks)

    def apply(self, p: _Pattern, rule: int) -> None:
        """Apply one cipher-string rule (add, kill, delete, move to the end, strength sort) to the matching suites,
        as ssl_cipher_apply_rule does."""
        key = (rule, *p.key())
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
        if rule in (_DEL, _ORD, _BUMP) and hits.isdisjoint(active):
            return
        want_active = rule != _ADD  # ADD moves inactive suites, ORD, DEL and BUMP move active ones
        moved, rest = [], []
        for c in self.order:
            if c.idx in hits and (c.idx in active) == want_active:
                moved.append(c)
            else:
                rest.append(c)
        if rule in (_DEL, _BUMP):
            self.order = moved + rest
            if rule == _DEL:
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

    def __init__(self, order: tuple[Cipher, ...], lookup: dict[str, Entry]) -> None:
        self.order = order  # after the preference moves of ssl_create_cipher_list(), all inactive
        self.lookup = lookup  # ca_list: the collected suites first, then the enabled aliases


_STARTS: dict[tuple[str, str, bool, bool], _Start] = {}


def runtime_variant(model: OpenSSLModel, build: str, legacy_provider: bool) -> str:
    """The oracle's name of a runtime variant: "default", "weak", "legacy-provider", "weak+legacy-provider"."""
    if not legacy_provider:
        return build
    return "legacy-provider" if build == "default" else f"{build}+legacy-provider"


def disabled_masks(table: Table, build: str, legacy_provider: bool) -> tuple[int, int, int, int]:
    """(mkey, auth, enc, mac) bits ssl_load_ciphers() disables in this build and run-time configuration."""
    masks = [0, 0, 0, 0]
    if table.model.name == "1.0.2":
        for define in table.defines[table.build_configs[build]]:
            for i, names in enumerate(_DISABLING_DEFINES_102.get(define, ((), (), (), ()))):
                masks[i] |= table.bit(*names)
        return masks[0], masks[1], masks[2], masks[3]
    for i, names in enumerate(_GOST_DISABLED):
        masks[i] |= table.bit(*names)
    if table.model.providers and not legacy_provider:
        masks[2] |= table.bit(*_LEGACY_PROVIDER_ENC)
    return masks[0], masks[1], masks[2], masks[3]


def collected(table: Table, build: str, fips: bool, legacy_provider: bool) -> list[Cipher]:
    """ssl_cipher_collect_ciphers(): the suites of this build libssl can use, in the order it walks them."""
    config = table.build_configs[build]
    d_mkey, d_auth, d_enc, d_mac = disabled_masks(table, build, legacy_provider)
    rows = []
    for c in table.ciphers:
        e = c.entry
        if c.tls13 or config not in c.builds or (fips and not c.fips):
            continue
        if e.mkey & d_mkey or e.auth & d_auth or e.enc & d_enc or e.mac & d_mac:
            continue
        rows.append(c)
    rows.sort(key=lambda c: c.collect_key)
    return rows


def _start(model: OpenSSLModel, build: str, fips: bool, legacy_provider: bool) -> _Start:
    key = (model.name, build, fips, legacy_provider)
    start = _STARTS.get(key)
    if start is None:
        start = _STARTS[key] = _make_start(load_table(model), build, fips, legacy_provider)
    return start


def _pattern(table: Table, spec: dict[str, tuple[str, ...]]) -> _Pattern:
    values = {k: table.bit(*names) for k, names in spec.items() if k != "ssl"}
    if "ssl" in spec:  # a protocol version (1.1.0+ min_tls)
        values["ssl"] = MIN_TLS_BIT[spec["ssl"][0]]
    return _Pattern(**values)


def _make_start(table: Table, build: str, fips: bool, legacy_provider: bool) -> _Start:
    state = _State(collected(table, build, fips, legacy_provider), set(), table)
    steps = _PREFERENCE_102 if table.model.name == "1.0.2" else _PREFERENCE_111
    for step in steps:
        if isinstance(step, str):  # _STRENGTH
            state.strength_sort()
        else:
            spec, rule = step
            state.apply(_pattern(table, spec), rule)

    lookup: dict[str, Entry] = {}
    for c in state.order:
        lookup.setdefault(c.entry.name, c.entry)
    d_mkey, d_auth, d_enc, d_mac = disabled_masks(table, build, legacy_provider)
    for a in table.aliases:  # ssl_cipher_collect_aliases()
        if (a.mkey and not a.mkey & ~d_mkey) or (a.auth and not a.auth & ~d_auth):
            continue
        if (a.enc and not a.enc & ~d_enc) or (a.mac and not a.mac & ~d_mac):
            continue
        lookup.setdefault(a.name, a)
    return _Start(tuple(state.order), lookup)


# -------------------------------------------------------------------------------------------- parser


# always_match: these and every model's word pattern match the empty string.
_TO_SEPARATOR = always_match(re.compile(r"[^:;, \x00]*"))
_TO_PLUS_OR_SEPARATOR = always_match(re.compile(r"[^:;, \x00+]*"))


class _Parser:
    """ssl_cipher_process_rulestr(), character by character (its quirks are observable behaviour)."""

    def __init__(self, state: _State, lookup: dict[str, Entry], table: Table) -> None:
        self.state = state
        self.lookup = lookup
        self.model = table.model
        self.word = always_match(re.compile(table.model.word_pattern))
        self.masks = tuple(m for m in table.strength_masks if m)
        self.last_error: str | None = None
        self.ignored: list[str] = []
        self.ignored_added: set[str] = set()  # ignored words of ADD terms (the rest only excluded or moved)
        self.security_level = table.model.default_security_level
        self.security_level_set = False
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
                if not self._special(word):
                    self.last_error = self.model.err_invalid_special
                    retval = False
                pos = self._skip_to_separator(pos)
            elif found and pattern is not None:
                self.state.apply(pattern, rule)
            else:
                pos = self._skip_to_separator(pos)
            if self._at(pos) == _END:
                break
        return retval

    def _special(self, word: str) -> bool:
        if word == "STRENGTH":
            self.state.strength_sort()
            return True
        # 1.1.0+: "SECLEVEL=" and one character, '0'..'5' (buf[9] - '0')
        if self.model.security_levels and len(word) == 10 and word.startswith("SECLEVEL="):
            level = ord(word[9]) - ord("0")
            if 0 <= level <= 5:
                self.security_level = level
                self.security_level_set = True
                return True
        return False

    def _at(self, pos: int) -> str:
        return self.s[pos] if pos < len(self.s) else _END

    def _skip_to_separator(self, pos: int) -> int:
        return _TO_SEPARATOR(self.s, pos).end() if pos < len(self.s) else pos

    def _read_word(self, pos: int) -> tuple[int, str]:
        if pos >= len(self.s):
            return pos, ""
        end = self.word(self.s, pos).end()
        return end, self.s[pos:end]

    def _read_term(self, pos: int, rule: int) -> tuple[int, bool, _Pattern | None, str, bool]:
        """One term ("AES", "ECDHE+AESGCM"): (new pos, found, pattern, last word, no syntax error)."""
        acc = [0, 0, 0, 0, 0, 0, 0]  # mkey auth enc mac ssl strength cipher_id
        word = ""
        while True:
            start = pos
            pos, word = self._read_word(pos)
            if not word:
                # Not a word, operator or separator (e.g. "_", a dangling "+"): an error, but the rest of the
                # string is still parsed.  pos may step past the end like the C code's l++.
                self.last_error = self.model.err_invalid_char
                return pos + 1, False, None, word, False
            if rule == _SPECIAL:
                return pos, False, None, word, True
            multi = self._at(pos) == "+"
            if multi:
                pos += 1
            entry = self.lookup.get(word)
            if entry is None:
                span = self._ignored_span(start)
                self.ignored.append(span)
                if rule == _ADD:
                    self.ignored_added.add(span)
                return pos, False, None, word, True
            if not self._combine(acc, entry):
                return pos, False, None, word, True  # e.g. "kRSA+kEDH": empty, silently skipped
            if not multi:
                return pos, True, _Pattern(*acc), word, True

    def _ignored_span(self, start: int) -> str:
        # The unknown word with whatever the parser skips with it ("TLS_RSA_WITH_..." is skipped whole).
        return self.s[start : _TO_PLUS_OR_SEPARATOR(self.s, start).end()]

    def _combine(self, acc: list[int], e: Entry) -> bool:
        """AND one more alias into the term (multi-part "A+B"); False when a category becomes empty."""
        for i, value in enumerate((e.mkey, e.auth, e.enc, e.mac)):
            if value:
                acc[i] = acc[i] & value if acc[i] else value
                if not acc[i]:
                    return False
        for mask in self.masks:
            part = e.strength & mask
            if part:
                if acc[5] & mask:
                    acc[5] &= part | ~mask
                    if not acc[5] & mask:
                        return False
                else:
                    acc[5] |= part
        if self.model.match_by_id:
            acc[6] = e.id if e.valid else 0  # reset per word: only a last explicit suite counts
        if not e.valid and e.ssl:  # an explicit suite's protocol is not part of the pattern
            acc[4] = acc[4] & e.ssl if acc[4] else e.ssl
            if not acc[4]:
                return False
        return True


# ------------------------------------------------------------------------------------- supported (-s)


def version_range(model: OpenSSLModel, level: int) -> tuple[int, int]:
    """ssl_get_min_max_version() of a TLS client with default options at a security level (no SSLv3 in
    these builds: OPENSSL_NO_SSL3)."""
    low = tls_version("TLSv1")
    if model.tls10_needs_level0 and level > 0:
        low = tls_version("TLSv1.2")  # 3.0+: TLS 1.0 and 1.1 only at level 0
    elif level >= 4:
        low = tls_version("TLSv1.2")
    elif level >= 3:
        low = tls_version("TLSv1.1")
    return low, tls_version("TLSv1.3")


def _supported(table: Table, suites: list[Cipher], level: int) -> list[Cipher]:
    """SSL_get1_supported_ciphers(): ssl_set_client_disabled() (no PSK/SRP callbacks) and
    ssl_cipher_disabled() (protocol range, ssl_security_default_callback()).

    The signature-algorithm mask of ssl_set_client_disabled() never disables aRSA, aDSS or aECDSA here: at
    every level 0..5 a SHA-512 signature algorithm of each kind meets the level."""
    no_callback_k = table.bit("SSL_kPSK", "SSL_kRSAPSK", "SSL_kECDHEPSK", "SSL_kDHEPSK", "SSL_kSRP")
    no_callback_a = table.bit("SSL_aPSK", "SSL_aSRP")
    low, high = version_range(table.model, level)
    forward_secret = table.bit("SSL_kDHE", "SSL_kECDHE")
    a_null, md5, sha1, rc4 = (table.bit(n) for n in ("SSL_aNULL", "SSL_MD5", "SSL_SHA1", "SSL_RC4"))
    out = []
    for c in suites:
        e = c.entry
        if e.mkey & no_callback_k or e.auth & no_callback_a:
            continue
        if c.min_tls > high or c.max_tls < low:
            continue
        if level > 0:
            minbits = _MINBITS[level]
            if c.strength_bits < minbits or e.auth & a_null or e.mac & md5:
                continue
            if minbits > 160 and e.mac & sha1:
                continue
            if level >= 2 and e.enc == rc4:
                continue
            if level >= 3 and not c.tls13 and not e.mkey & forward_secret:
                continue
        out.append(c)
    return out


# ------------------------------------------------------------------------------------------ public API


def _check(model: OpenSSLModel, build: str, fips: bool, legacy_provider: bool) -> None:
    if build not in model.builds:
        raise ValueError(f"unknown build {build!r}; expected one of {', '.join(model.builds)}")
    if fips and not model.fips_mode:
        raise ValueError(f"OpenSSL {model.name} has no FIPS mode (FIPS is not supported in 1.1.1/3.x EMS builds)")
    if legacy_provider and not model.providers:
        raise ValueError(f"OpenSSL {model.name} has no providers (--legacy-provider is 3.x only)")


def evaluate(cipher_string: str, build: str = "default", fips: bool = False, *, openssl: str = "1.0.2",
             legacy_provider: bool = False) -> CipherResult:
    """The cipher list `SSL_CTX_set_cipher_list(ctx, cipher_string)` yields in OpenSSL ``openssl``, in order.

    ``ok`` is False when OpenSSL rejects the string; ``error`` is then its last error line and
    ``error_reason`` its reason. Words it silently ignores (unknown aliases, suites not compiled into this
    build) are in ``ignored_words``. From 1.1.1 on, ``ciphers`` starts with the default TLS 1.3 suites and
    ``supported`` holds what `openssl ciphers -s` prints.
    """
    model = get_model(openssl)
    _check(model, build, fips, legacy_provider)
    table = load_table(model)
    start = _start(model, build, fips, legacy_provider)
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
    level = parser.security_level
    excluded = list(dict.fromkeys(w for w in parser.ignored if w not in parser.ignored_added))
    if not ok:
        return _rejected(model, parser.last_error or model.err_invalid_char, parser.ignored, level, excluded)
    chosen = [c for c in state.order if c.idx in state.active]
    if not chosen:  # 1.1.1+: cipher_list_tls12_num() == 0, whatever the TLS 1.3 suites
        return _rejected(model, model.err_no_match, parser.ignored, level, excluded)
    listed = [*table.tls13_default, *chosen]
    supported = None
    if model.security_levels:
        supported = [c.suite for c in _supported(table, listed, level if level is not None else 1)]
    return CipherResult(True, None, [c.suite for c in listed], parser.ignored, None, supported, level, model.name,
                        parser.security_level_set, excluded)


def _rejected(model: OpenSSLModel, error: str, ignored: list[str], level: int | None,
              excluded: list[str]) -> CipherResult:
    reason = "no cipher match" if error == model.err_no_match else "invalid command"
    return CipherResult(False, error, [], ignored, reason, None, level, model.name, False, excluded)


def weakness_classes(suite: CipherSuite | str, openssl: str = "1.0.2") -> tuple[str, ...]:
    """Why a suite is weak: "NULL", "anonymous", "EXPORT", "LOW", "DES", "RC2", "RC4", "MD5", "3DES",
    "SSLv2", "no-forward-secrecy" (no ephemeral key exchange).  Accepts a CipherSuite or a suite name."""
    if isinstance(suite, CipherSuite):
        return suite.weak
    for c in load_table(get_model(openssl)).ciphers:  # SSLv3/TLS suites come first, so "RC4-MD5" is TLS
        if c.entry.name == suite:
            return c.suite.weak
    raise KeyError(f"not an OpenSSL {openssl} cipher suite name: {suite!r}")


def describe(suite: CipherSuite) -> str:
    """The `openssl ciphers -v` line of a suite (SSL_CIPHER_description of its version, without newline)."""
    if suite.line:
        return suite.line
    return f"{suite.name} {suite.protocol} Kx={suite.kx} Au={suite.au} Enc={suite.enc}({suite.bits}) " \
           f"Mac={suite.mac}"
