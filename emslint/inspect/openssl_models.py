"""Which OpenSSL an EMS release reads its cipher list with, and what differs between those OpenSSL versions.

PTC's release notes (docs/ and /rules sources): EMS/LSR 5.4.11 and 5.4.12 are built on C SDK 3.0.0 with
OpenSSL 1.1.1q, EMS/LSR 5.5.0 on C SDK 3.1.0 with OpenSSL 3.1.2, neither with FIPS support. For 5.4.10 and
older no release note names the OpenSSL; 1.0.2 is the team's finding (reference section f) but one C SDK note
(CSDK-1883) mentions 1.1.1j, so the mapping can always be overridden (``openssl = "1.1.1"``).

Every verdict that depends on the model carries a :class:`ModelChoice` (the model and why it was chosen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MODELS",
    "ModelChoice",
    "OpenSSLModel",
    "get_model",
    "parse_model_name",
    "select_model",
]

# The C SDK's own cipher strings (inferred from the SDK source, C SDK 2.2.1 ``tls/twOpenSSL.h``): the FIPS one
# replaces the configured list whenever FIPS mode is on; the default one is used when no list is configured
# (PTC's help says the default is ``ALL``: HELP_DEFAULT_CIPHER_STRING).
SDK_FIPS_CIPHER_STRING = "TLSv1.2+FIPS:kRSA+FIPS:!eNULL:!aNULL"
SDK_DEFAULT_CIPHER_STRING = "ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!3DES:!SRP"
HELP_DEFAULT_CIPHER_STRING = "ALL"

MODELS = ("1.0.2", "1.1.1", "3.1")


@dataclass(frozen=True)
class OpenSSLModel:
    """What one OpenSSL version does with a cipher string (the evaluator is parametrised by this)."""

    name: str  # "1.0.2" | "1.1.1" | "3.1"
    release: str  # the exact release the tables and oracles come from
    data_file: str  # in emslint/data/
    builds: tuple[str, ...]  # emslint build names: "default", "weak"
    fips_mode: bool  # a FIPS-capable build exists (FIPS Object Module 2.0): 1.0.2 only
    providers: bool  # algorithm availability decided by loaded providers (3.x): --legacy-provider
    tls13: bool  # TLS 1.3 suites, configured apart from the cipher list and always listed first
    security_levels: bool  # @SECLEVEL=n and the security level filter of SSL_get1_supported_ciphers()
    default_security_level: int | None
    match_by_id: bool  # an explicit suite name selects that suite by id (1.1.0+), not by its algorithms
    word_pattern: str  # the characters ssl_cipher_process_rulestr() reads as a word
    tls10_needs_level0: bool  # 3.0+: TLS 1.0/1.1 only at security level 0 (commit aba03ae)
    # The last error line `openssl ciphers` prints, per reason; None where the source line is not verified.
    err_invalid_char: str
    err_invalid_special: str
    err_no_match: str

    @property
    def label(self) -> str:
        return f"OpenSSL {self.release}"


_OPENSSL_102 = OpenSSLModel(
    name="1.0.2",
    release="1.0.2q",
    data_file="openssl-1.0.2-ciphers.json",
    builds=("default", "weak"),
    fips_mode=True,
    providers=False,
    tls13=False,
    security_levels=False,
    default_security_level=None,
    match_by_id=False,
    word_pattern=r"[A-Za-z0-9.\-]*",
    tls10_needs_level0=False,
    err_invalid_char="SSL_CIPHER_PROCESS_RULESTR: invalid command:ssl_ciph.c:1221:",
    err_invalid_special="SSL_CIPHER_PROCESS_RULESTR: invalid command:ssl_ciph.c:1377:",
    err_no_match="SSL_CTX_set_cipher_list: no cipher match:ssl_lib.c:1383:",
)

# The source line of an invalid special command ("@SECLEVEL=6") is not in the oracles, so its error line
# names the function and reason only (tests compare the reason, as the oracles advise).
_OPENSSL_111 = OpenSSLModel(
    name="1.1.1",
    release="1.1.1q",
    data_file="openssl-1.1.1q-ciphers.json",
    builds=("default", "weak"),
    fips_mode=False,
    providers=False,
    tls13=True,
    security_levels=True,
    default_security_level=1,
    match_by_id=True,
    word_pattern=r"[A-Za-z0-9.\-=]*",
    tls10_needs_level0=False,
    err_invalid_char="error:140E6118:SSL routines:ssl_cipher_process_rulestr:invalid command:ssl/ssl_ciph.c:1028:",
    err_invalid_special="error:140E6118:SSL routines:ssl_cipher_process_rulestr:invalid command",
    err_no_match="error:1410D0B9:SSL routines:SSL_CTX_set_cipher_list:no cipher match:ssl/ssl_lib.c:2574:",
)

_OPENSSL_31 = OpenSSLModel(
    name="3.1",
    release="3.1.2",
    data_file="openssl-3.1.2-ciphers.json",
    builds=("default", "weak"),
    fips_mode=False,
    providers=True,
    tls13=True,
    security_levels=True,
    default_security_level=1,
    match_by_id=True,
    word_pattern=r"[A-Za-z0-9.\-=]*",
    tls10_needs_level0=True,
    err_invalid_char="error:0A000118:SSL routines:ssl_cipher_process_rulestr:invalid command:ssl/ssl_ciph.c:1070:",
    err_invalid_special="error:0A000118:SSL routines:ssl_cipher_process_rulestr:invalid command",
    err_no_match="error:0A0000B9:SSL routines:SSL_CTX_set_cipher_list:no cipher match:ssl/ssl_lib.c:2761:",
)

_BY_NAME = {m.name: m for m in (_OPENSSL_102, _OPENSSL_111, _OPENSSL_31)}
_ALIASES = {"1.0.2q": "1.0.2", "1.1.1q": "1.1.1", "3.1.2": "3.1", "3": "3.1", "3.x": "3.1"}


def parse_model_name(text: str) -> str | None:
    """ "1.0.2" / "1.1.1" / "3.1" (also "1.0.2q", "1.1.1q", "3.1.2", "3.x") -> the model name; None if unknown."""
    key = text.strip().lower()
    key = _ALIASES.get(key, key)
    return key if key in _BY_NAME else None


def get_model(name: str) -> OpenSSLModel:
    found = parse_model_name(name)
    if found is None:
        raise ValueError(f"unknown OpenSSL model {name!r}; expected one of {', '.join(MODELS)}")
    return _BY_NAME[found]


@dataclass(frozen=True)
class ModelChoice:
    """The OpenSSL model used for a verdict and why."""

    model: OpenSSLModel
    reason: str
    assumed: bool  # neither the release nor an override said which OpenSSL runs

    @property
    def name(self) -> str:
        return self.model.name

    def as_facts(self) -> dict[str, object]:
        return {
            "model": self.model.name,
            "release": self.model.release,
            "reason": self.reason,
            "assumed": self.assumed,
            "fips_supported": self.model.fips_mode,
            "tls13": self.model.tls13,
        }


_VERSION = re.compile(r"\s*[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?")
_UNCERTAIN_102 = (
    "PTC ships OpenSSL 1.0.2 up to EMS 5.4.10 (not confirmed for every release: one C SDK note mentions "
    "OpenSSL 1.1.1j; override with openssl = \"1.1.1\")"
)


def _version_tuple(text: str) -> tuple[int, int, int] | None:
    match = _VERSION.match(text)
    if not match:
        return None
    major, minor, patch = (int(g) if g is not None else 0 for g in match.groups())
    return major, minor, patch


def select_model(ems_version: str | None, override: str | None = None) -> ModelChoice:
    """The OpenSSL model for an EMS release: <= 5.4.10 -> 1.0.2, 5.4.11-5.4.12 -> 1.1.1, >= 5.5.0 -> 3.1.

    ``override`` ("1.0.2" | "1.1.1" | "3.1", settings key ``openssl`` / ``--openssl``) wins. Without either,
    1.0.2 is assumed and the reason says so. Raises ValueError for an unknown override.
    """
    from_version = _from_version(ems_version) if ems_version else None
    if override is not None:
        model = get_model(override)
        reason = f"openssl = {model.name} was set explicitly"
        if ems_version and from_version is not None and from_version[0] is not model:
            reason += f" (EMS {ems_version.strip()} would mean OpenSSL {from_version[0].name})"
        return ModelChoice(model, reason, assumed=False)
    if from_version is not None:
        return ModelChoice(from_version[0], from_version[1], assumed=False)
    if ems_version:
        return ModelChoice(
            _OPENSSL_102, f"EMS version {ems_version.strip()!r} not understood: OpenSSL 1.0.2 assumed", assumed=True
        )
    return ModelChoice(
        _OPENSSL_102,
        "EMS version unknown: OpenSSL 1.0.2 assumed (EMS 5.4.10 and older); give ems_version or openssl",
        assumed=True,
    )


def _from_version(ems_version: str) -> tuple[OpenSSLModel, str] | None:
    version = _version_tuple(ems_version)
    if version is None:
        return None
    shown = ems_version.strip()
    if version < (5, 4, 11):
        return _OPENSSL_102, f"EMS {shown}: {_UNCERTAIN_102}"
    if version < (5, 5, 0):
        return _OPENSSL_111, f"EMS {shown}: C SDK 3.0.0 with OpenSSL 1.1.1q (PTC release notes of 5.4.11/5.4.12)"
    return _OPENSSL_31, f"EMS {shown}: C SDK 3.1.0 with OpenSSL 3.1.2 (PTC release notes of 5.5.0 and later)"
