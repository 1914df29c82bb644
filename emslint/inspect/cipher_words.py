"""Words of a cipher string that OpenSSL ignores: what the author probably meant, and why the word is unknown.

OpenSSL skips unknown words without an error. The most common reasons in EMS configs: IANA or Java names
(``TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256``), TLS 1.3 names (never cipher-list words), typos, words of another
OpenSSL version (``kDH`` is gone since 1.1.0, ``CHACHA20`` is new in 1.1.0) and suites or aliases this build
lacks (3DES only with enable-weak-ssl-ciphers; SEED, IDEA, RC4 in 3.x only with the legacy provider).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emslint.inspect.cipher_table import Table, load_table
from emslint.inspect.ciphers import collected, disabled_masks
from emslint.inspect.openssl_models import get_model
from emslint.suggest import closest

__all__ = ["WordHint", "explain_word", "ignored_word_facts", "suggest_name"]

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

_SUGGESTED = 10  # the words a message explains; difflib over every word of a hostile string would take minutes
_SUGGEST_MAX_LEN = 80  # longer than any suite name (IANA names included)


@dataclass(frozen=True)
class WordHint:
    suggestion: str | None  # the word this OpenSSL knows, if there is one
    note: str | None  # why the word is unknown here, when that is not a plain typo


class _Vocabulary:
    def __init__(self, table: Table) -> None:
        ciphers = [c for c in table.ciphers if not c.tls13]
        self.iana = {c.iana: c.entry.name for c in ciphers if c.iana}
        self.suites = {c.entry.name: c for c in ciphers}
        self.aliases = {a.name: a for a in table.aliases}
        words = [c.entry.name for c in ciphers] + [a.name for a in table.aliases] + ["DEFAULT"]
        self.words = list(dict.fromkeys(words))
        self.known = set(self.words)
        self.upper: dict[str, str] = {}
        for w in self.words:  # on a case collision ("aDH"/"ADH") prefer the all-capitals word
            if w.upper() not in self.upper or w == w.upper():
                self.upper[w.upper()] = w


_VOCABS: dict[str, _Vocabulary] = {}


def _vocabulary(openssl: str) -> _Vocabulary:
    model = get_model(openssl)
    vocab = _VOCABS.get(model.name)
    if vocab is None:
        vocab = _VOCABS[model.name] = _Vocabulary(load_table(model))
    return vocab


def suggest_name(word: str, openssl: str = "1.0.2") -> str | None:
    """The spelling OpenSSL ``openssl`` knows for a word it ignores: IANA/Java names and TLS 1.3 names (for
    1.0.2) map to the suite name; typos map to the closest name or alias. None if there is nothing better."""
    return explain_word(word, openssl).suggestion


def explain_word(word: str, openssl: str = "1.0.2", build: str = "default",
                 legacy_provider: bool = False) -> WordHint:
    """Why OpenSSL ``openssl`` (this build and provider set) ignores ``word``, and what it probably meant."""
    model = get_model(openssl)
    vocab = _vocabulary(model.name)
    w = word.strip()
    if not w:
        return WordHint(None, None)
    if w in vocab.known:
        return WordHint(None, _unavailable_note(w, model.name, build, legacy_provider))
    key = w.upper()
    if key.startswith("SSL_"):  # Java/JSSE spelling of the same IANA suite
        key = "TLS_" + key[4:]
    if key in _TLS13_NAMES:
        if model.tls13:
            return WordHint(None, "a TLS 1.3 suite: not a cipher-list word; OpenSSL offers its TLS 1.3 suites apart "
                                  "from the list")
        return WordHint(_TLS13_NAMES[key], "TLS 1.3 name; OpenSSL 1.0.2 has no TLS 1.3")
    if key in vocab.iana:
        return WordHint(vocab.iana[key], None)
    if model.name == "1.0.2" and any(part in key for part in _MISSING_IN_102):
        return WordHint(None, "an OpenSSL 1.1.0+ algorithm; 1.0.2 has none")
    if model.name != "1.0.2" and w in _vocabulary("1.0.2").known:
        return WordHint(None, "an OpenSSL 1.0.2 word that 1.1.0 and later no longer know")
    if key in vocab.upper:
        return WordHint(vocab.upper[key], None)
    close = closest(w, vocab.words, cutoff=0.8)
    if close is None:
        upper = closest(key, vocab.upper, cutoff=0.8)
        close = vocab.upper[upper] if upper is not None else None
    return WordHint(close, None)


def _unavailable_note(word: str, openssl: str, build: str, legacy_provider: bool) -> str | None:
    """Why a word of this version's tables is unknown to this build (None: it is known, e.g. a mis-split)."""

    model = get_model(openssl)
    table = load_table(model)
    vocab = _vocabulary(model.name)
    suite = vocab.suites.get(word)
    if suite is not None:
        if table.build_configs[build] not in suite.builds:
            return "not in this build: only builds with enable-weak-ssl-ciphers have it"
        if suite in collected(table, build, False, legacy_provider):
            return None
    else:
        alias = vocab.aliases.get(word)
        if alias is None:
            return None
        d_mkey, d_auth, d_enc, d_mac = disabled_masks(table, build, legacy_provider)
        if not ((alias.mkey and not alias.mkey & ~d_mkey) or (alias.auth and not alias.auth & ~d_auth)
                or (alias.enc and not alias.enc & ~d_enc) or (alias.mac and not alias.mac & ~d_mac)):
            return None
    if model.providers and not legacy_provider:
        with_legacy = disabled_masks(table, build, True)
        entry = suite.entry if suite is not None else vocab.aliases[word]
        if not (entry.enc & with_legacy[2] or entry.auth & with_legacy[1] or entry.mac & with_legacy[3]):
            return "needs the legacy provider, which EMS 5.5 is not known to load"
    if model.name != "1.0.2":
        return "needs a GOST engine or provider"
    return "not available in this build"


# Notes that make an exclusion ("!EXP", "-DES-CBC3-SHA") of the word harmless: what it would exclude does not
# exist in this version, build or provider set, so the list still means what it says.
_ABSENT = ("an OpenSSL 1.0.2 word", "an OpenSSL 1.1.0+ algorithm", "not in this build", "needs the legacy provider",
           "needs a GOST engine", "not available in this build")


def ignored_word_facts(words: list[str], openssl: str = "1.0.2", build: str = "default",
                       legacy_provider: bool = False, excluded: list[str] | None = None) -> list[dict[str, Any]]:
    """Each ignored word once, in order of appearance, with a suggestion and a note for the first few.

    ``harmless`` is True for a word only used to exclude (``excluded``) whose suites this OpenSSL, build and
    provider set do not have anyway: ``!EXP`` in PTC's list on OpenSSL 1.1.1 excludes what does not exist."""
    out = []
    only_excluded = set(excluded or ())
    for i, w in enumerate(dict.fromkeys(words)):
        hint = WordHint(None, None)
        if i < _SUGGESTED and len(w) <= _SUGGEST_MAX_LEN:
            hint = explain_word(w, openssl, build, legacy_provider)
        harmless = w in only_excluded and hint.note is not None and hint.note.startswith(_ABSENT)
        out.append({"word": w, "suggestion": hint.suggestion, "note": hint.note, "harmless": harmless})
    return out
