"""The facts document's "ciphers" item and "target.openssl": certificates.cipher_suite as the EMS's OpenSSL reads it.

Which OpenSSL: :func:`emslint.inspect.openssl_models.select_model` (``ems_version``, or the ``openssl``
option). Which list (C SDK behaviour, inferred from the SDK source, C SDK 2.2.1 ``tls/twOpenSSL.h``):

* FIPS mode on (``fips.enabled``, OpenSSL 1.0.2): the SDK replaces the configured list with
  ``TLSv1.2+FIPS:kRSA+FIPS:!eNULL:!aNULL``, evaluated in FIPS mode; ``cipher_suite`` is not used;
* no ``cipher_suite``: the SDK's default, PTC's hardened sample list (PTC's help says ``ALL``; both are
  reported by EMS507);
* otherwise the configured list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from emslint.inspect.cipher_recommend import recommended_cipher_string
from emslint.inspect.cipher_verdicts import SDK_DEFAULT_CIPHER_STRING, SDK_FIPS_CIPHER_STRING
from emslint.inspect.openssl_models import select_model
from emslint.profiling import stage
from emslint.schema.defaults import schema_members
from emslint.settings.model import Settings

if TYPE_CHECKING:  # imported where used: cipher facts load only for deployments that need them
    from emslint.inspect.openssl_models import ModelChoice, OpenSSLModel

__all__ = ["EMS_ROLES", "cipher_item", "deployment_openssl", "openssl_facts"]

EMS_ROLES = ("ems", "ems-booted", "lsr")
"""The config files whose product runs on the EMS's OpenSSL (a connector file does not)."""


def _choice(options: Settings) -> ModelChoice:

    try:
        return select_model(options.ems_version, options.openssl)
    except ValueError:  # an unvalidated override from a library caller: the version decides
        return select_model(options.ems_version, None)


def openssl_facts(options: Settings) -> dict[str, Any]:
    """``target.openssl``: the OpenSSL model of the deployment and why (also for LSR-only deployments)."""
    return _choice(options).as_facts()


def deployment_openssl(settings: Settings, roles: Iterable[str]) -> dict[str, Any] | None:
    """A deployment's OpenSSL model and why (:func:`openssl_facts`) when one of its config files (by role) is the
    EMS's or the LSR's, else None: the model its cipher lists were read with, for the reports."""
    return openssl_facts(settings) if any(role in EMS_ROLES for role in roles) else None


@cache
def _cipher_string_max() -> float:
    """The schema's maxLength of certificates.cipher_suite: the longest list evaluated."""

    node = next(m.target for m in schema_members("ems") if m.pattern == "/certificates/cipher_suite")
    longest: float = node.get("maxLength", float("inf"))
    return longest


def cipher_item(ems: dict[str, Any] | None, ems_raw: Any, options: Settings) -> dict[str, Any] | None:
    """The "ciphers" item of the facts document, or None without config.json (or for a list too long to
    evaluate in bounded time: the schema's maxLength reports it, EMS015)."""

    if not ems:
        return None
    certificates: dict[str, Any] = ems["certificates"] if isinstance(ems.get("certificates"), dict) else {}
    raw_certs = ems_raw.get("certificates") if isinstance(ems_raw, dict) else None
    is_set = isinstance(raw_certs, dict) and "cipher_suite" in raw_certs
    configured = certificates.get("cipher_suite") if is_set else None
    if is_set and (not isinstance(configured, str) or len(configured) > _cipher_string_max()):
        return None
    choice = _choice(options)
    fips: dict[str, Any] = ems["fips"] if isinstance(ems.get("fips"), dict) else {}
    fips_mode = fips.get("enabled") is True and choice.model.fips_mode
    if fips_mode:
        string = SDK_FIPS_CIPHER_STRING
    elif is_set:
        string = str(configured)
    else:
        string = SDK_DEFAULT_CIPHER_STRING
    with stage("ciphers"):
        facts = _cipher_facts(string, choice.model.name, options.build, fips_mode)
    label = choice.model.label
    facts.update(
        {
            "model": choice.model.name,
            "model_reason": choice.reason,
            "string_set": is_set,
            "string_used": is_set and not fips_mode,
            "fips_mode": fips_mode,
            "at": {"file": "ems", "pointer": "/certificates/cipher_suite"},
            "link": "platform",
            "detail": _classes_detail(facts, label),
        }
    )
    facts["rejected"] = {"detail": _rejected_detail(facts, label, string)} if not facts["ok"] else None
    facts["ignored_summary"] = _ignored_summary(facts, label)
    facts["seclevel"] = _seclevel(facts, choice.model, label)
    facts["default"] = (None if is_set or fips_mode
                        else {"detail": _default_detail(choice.model.name, options.build, label,
                                                        options.platform_java == 7)})
    facts["fips"] = {"detail": _fips_detail(facts)} if fips_mode else None
    facts["unusable"] = {"detail": _unusable_detail(facts, label)} if facts["nothing_usable"] else None
    facts["recommended"] = None if fips_mode or not options.fixes_wanted else _recommended(choice.model.name, options)
    facts["tls13_note"] = (
        {"detail": f"; {label} also offers {facts['tls13']} TLS 1.3 suites, but ThingWorx Platform 9.4.x does "
                   "not support TLS 1.3"}
        if facts["tls13"] else None
    )
    return facts


def _recommended(model: str, options: Settings) -> str | None:
    return recommended_cipher_string(model, options.build, options.platform_java == 7)


# (string, model, build, fips) -> facts as JSON text: a fleet uses a handful of cipher strings; each use is a copy
_cipher_cache: dict[tuple[str, str, str, bool], str] = {}


def _cipher_facts(string: str, model: str, build: str, fips: bool) -> dict[str, Any]:
    key = (string, model, build, fips)
    text = _cipher_cache.get(key)
    if text is None:
        from emslint.inspect.cipher_verdicts import cipher_facts

        facts = cipher_facts(string, openssl=model, build=build, fips=fips)
        if len(_cipher_cache) >= 256:
            _cipher_cache.clear()
        text = _cipher_cache[key] = json.dumps(facts)
    copy: dict[str, Any] = json.loads(text)
    return copy


def _shorten(word: str, limit: int = 60) -> str:
    return word if len(word) <= limit else word[:limit] + "..."


def _classes_detail(facts: dict[str, Any], label: str) -> str:
    classes = {k: v for k, v in (facts.get("classes") or {}).items() if v}
    parts = ", ".join(f"{count} {name}" for name, count in sorted(classes.items()))
    level = facts.get("security_level")
    where = label if level is None else f"{label} at security level {level}"
    return f"{where}: {parts or 'none'}"


def _rejected_detail(facts: dict[str, Any], label: str, string: str) -> str:
    reason = facts.get("error_reason") or "rejected"
    hint = ""
    if reason == "invalid command" and "@SECLEVEL" in string:
        hint = (": @SECLEVEL exists only from OpenSSL 1.1.0 on" if label == "OpenSSL 1.0.2q"
                else ": @SECLEVEL takes a level from 0 to 5")
    elif reason == "no cipher match":
        words = [w for w in facts.get("ignored_words") or [] if w.get("note")]
        if any(w["note"].startswith("a TLS 1.3 suite") for w in words):
            hint = (": TLS 1.3 names are not cipher-list words, and the list must select at least one TLS 1.2 "
                    "suite; OpenSSL offers its TLS 1.3 suites anyway")
        elif any(w["note"].startswith("TLS 1.3 name") for w in words):
            hint = ": OpenSSL 1.0.2 has no TLS 1.3; use TLS 1.2 names such as ECDHE-RSA-AES256-GCM-SHA384"
        elif words:
            hint = f": '{_shorten(words[0]['word'])}' {words[0]['note']}"
    return f"{label} ({reason}{hint})"


def _ignored_summary(facts: dict[str, Any], label: str) -> dict[str, Any]:
    """EMS502's count and detail: the ignored words of a configured list, harmless exclusions left out."""
    words = [w for w in facts.get("ignored_words") or [] if not w.get("harmless")]
    if not facts.get("string_used"):
        words = []  # the SDK's own list (unset, or FIPS mode): nothing the author wrote

    def explain(w: dict[str, Any]) -> str:
        if w.get("suggestion"):
            return f"'{_shorten(w['word'])}' (did you mean {w['suggestion']}?)"
        if w.get("note"):
            return f"'{_shorten(w['word'])}' ({w['note']})"
        return f"'{_shorten(w['word'])}'"

    detail = ", ".join(explain(w) for w in words[:10]) + (f" and {len(words) - 10} more" if len(words) > 10 else "")
    return {"count": len(words), "detail": f"{label}: {detail}" if words else ""}


def _seclevel(facts: dict[str, Any], model: OpenSSLModel, label: str) -> dict[str, Any] | None:
    if not model.security_levels or not facts.get("security_level_set"):
        return None
    level = int(facts.get("security_level") or 0)
    if level == 0:
        effects = ["anonymous, NULL, MD5 and RC4 suites it lists become usable"]
        if model.tls10_needs_level0:
            effects.append("TLS 1.0/1.1 and SHA-1 signatures return")
        effects.append("platform keys below 1024 bits are accepted")
        effect = ", ".join(effects[:-1]) + " and " + effects[-1]
    else:
        effect = f"only suites of {(0, 80, 112, 128, 192, 256)[level]} bits and more stay usable"
    return {"level": level, "detail": f"@SECLEVEL={level} on {label}: {effect}"}


@cache
def _default_detail(model: str, build: str, label: str, java7: bool) -> str:
    """What ALL offers that is weak under ``label``, and a list to set instead (the one the cipher fixes write)."""
    all_facts = _cipher_facts("ALL", model, build, False)
    classes = {k: v for k, v in (all_facts.get("classes") or {}).items() if v}
    parts = ", ".join(f"{count} {name}" for name, count in sorted(classes.items()))
    weak = f"ALL under {label}: {parts}" if parts else f"ALL under {label}: no weak suite usable"
    recommended = recommended_cipher_string(model, build, java7)
    return f"{weak}; a list that passes every cipher rule here: {recommended}" if recommended else weak


def _unusable_detail(facts: dict[str, Any], label: str) -> str:
    listed = facts.get("listed", 0)
    level = facts.get("security_level")
    return (f"{label} at security level {level} lets the EMS offer none of the {listed} TLS 1.2 suites it lists "
            "(the level, or PSK/SRP suites the EMS cannot use)")


def _fips_detail(facts: dict[str, Any]) -> str:
    total = facts.get("count", 0)
    fs = facts.get("forward_secrecy", 0)
    triple = (facts.get("classes") or {}).get("3DES", 0)
    return (f"{total} suites by key strength, ECDHE first in each group; {total - fs} of them static-RSA/DH "
            "without forward secrecy" + (", DES-CBC3-SHA (3DES) last" if triple else ""))
