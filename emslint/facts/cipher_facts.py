"""The "ciphers" item of the facts document, evaluated (:mod:`emslint.facts.ciphers` decides what is evaluated and
keeps records of the answers): the cipher list's facts from :mod:`emslint.inspect.cipher_verdicts` plus the texts
the cipher rules quote.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from emslint.inspect.cipher_recommend import recommended_cipher_string
from emslint.inspect.cipher_verdicts import cipher_facts
from emslint.inspect.openssl_models import OpenSSLModel, get_model


def cipher_item_from(*, string: str, model: str, model_reason: str, build: str, string_set: bool, fips_mode: bool,
                     java7: bool, recommend: bool) -> dict[str, Any]:
    """The "ciphers" item for these inputs (:class:`emslint.facts.ciphers.CipherInputs` says what each is)."""
    openssl = get_model(model)
    is_set = string_set
    facts = _cipher_facts(string, openssl.name, build, fips_mode)
    label = openssl.label
    facts.update(
        {
            "model": openssl.name,
            "model_reason": model_reason,
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
    facts["seclevel"] = _seclevel(facts, openssl, label)
    facts["default"] = (None if is_set or fips_mode
                        else {"detail": _default_detail(openssl.name, build, label, java7)})
    facts["fips"] = {"detail": _fips_detail(facts)} if fips_mode else None
    facts["unusable"] = {"detail": _unusable_detail(facts, label)} if facts["nothing_usable"] else None
    facts["recommended"] = recommended_cipher_string(openssl.name, build, java7) if recommend else None
    facts["tls13_note"] = (
        {"detail": f"; {label} also offers {facts['tls13']} TLS 1.3 suites, but ThingWorx Platform 9.4.x does "
                   "not support TLS 1.3"}
        if facts["tls13"] else None
    )
    return facts


# (string, model, build, fips) -> facts as JSON text: a fleet uses a handful of cipher strings; each use is a copy
_cipher_cache: dict[tuple[str, str, str, bool], str] = {}


def _cipher_facts(string: str, model: str, build: str, fips: bool) -> dict[str, Any]:
    key = (string, model, build, fips)
    text = _cipher_cache.get(key)
    if text is None:
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
