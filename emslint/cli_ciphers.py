"""`emslint ciphers 'STRING'`: the cipher list the EMS's OpenSSL (1.0.2q, 1.1.1q or 3.1.2) makes of a string.

Text output mirrors `openssl ciphers -v` plus a column saying why a suite is weak, under a header naming the
OpenSSL model and why it was chosen. JSON output::

    {"ok", "error", "error_reason",
     "model": {"openssl", "release", "build", "legacy_provider", "fips", "security_level", "reason"},
     "ciphers": [{"name", "protocol", "kx", "au", "enc", "mac", "bits", "weak", "supported"?}],
     "protocol_floor", "ignored_words": [{"word", "suggestion", "note"}], "notes", "profile"?}

``ciphers`` is exactly what `openssl ciphers -v STRING` prints for that version (TLS 1.3 suites included);
``"supported": false`` marks a listed suite the EMS does not offer (`openssl ciphers -s`). With ``--fips``
(1.0.2 only) the list is the C SDK's fixed FIPS list: the SDK ignores ``cipher_suite`` in FIPS mode.

Exit codes: 0 accepted (and, with --profile, within the profile), 1 rejected by OpenSSL or outside the
profile, 2 usage error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # imported where used: `emslint --version` must not load the cipher tables
    from emslint.inspect.ciphers import CipherResult
    from emslint.inspect.mozilla_profiles import ProfileComparison
    from emslint.inspect.openssl_models import ModelChoice

from emslint.inspect.cipher_verdicts import FACT_CLASSES, SDK_FIPS_CIPHER_STRING, offered, protocol_floor
from emslint.inspect.cipher_words import ignored_word_facts
from emslint.inspect.ciphers import describe, evaluate
from emslint.inspect.mozilla_profiles import PROFILES
from emslint.inspect.openssl_models import MODELS, select_model
from emslint.printable import escape_unsafe

FORMATS = ("text", "json")

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class CipherOptions:
    """Everything `emslint ciphers` takes besides the string (one object, whatever parses the command line)."""

    ems_version: str | None = None
    openssl: str | None = None  # "1.0.2" | "1.1.1" | "3.1"; wins over ems_version
    build: str = "default"
    legacy_provider: bool = False
    fips: bool = False
    profile: str | None = None  # "mozilla-intermediate" | "mozilla-modern"
    fmt: str = "text"


class _UsageError(Exception):
    pass


def run_ciphers(cipher_string: str, options: CipherOptions, stream: TextIO, errors: TextIO | None = None) -> int:
    """Evaluate ``cipher_string`` as ``options`` say and write the report to ``stream`` (a usage error to
    ``errors``, default ``stream``); returns the exit code."""
    try:
        choice = _check(options)
    except _UsageError as exc:
        (errors or stream).write(f"emslint: error: {escape_unsafe(str(exc))}\n")
        return EXIT_USAGE

    model = choice.model
    string = SDK_FIPS_CIPHER_STRING if options.fips else cipher_string
    result = evaluate(string, options.build, options.fips, openssl=model.name,
                      legacy_provider=options.legacy_provider)
    words = ignored_word_facts(result.ignored_words, model.name, options.build, options.legacy_provider,
                               result.ignored_in_exclusions)
    notes = _notes(options, model.name)
    comparison = None
    if options.profile is not None:
        from emslint.inspect.mozilla_profiles import compare

        comparison = compare(result, options.profile)
    if options.fmt == "json":
        stream.write(json.dumps(_as_json(result, choice, options, words, notes, comparison), indent=2) + "\n")
    else:
        _write_text(result, choice, options, words, notes, comparison, stream)
    if not result.ok or (comparison is not None and not comparison.compliant):
        return EXIT_REJECTED
    return EXIT_OK


def _check(options: CipherOptions) -> ModelChoice:

    if options.fmt not in FORMATS:
        raise _UsageError(f"unknown format {options.fmt!r} (choose from: {', '.join(FORMATS)})")
    if options.profile is not None and options.profile not in PROFILES:
        raise _UsageError(f"unknown profile {options.profile!r} (choose from: {', '.join(PROFILES)})")
    try:
        choice = select_model(options.ems_version, options.openssl)
    except ValueError:
        raise _UsageError(f"--openssl must be one of {', '.join(MODELS)}; got {options.openssl!r}") from None
    model = choice.model
    if options.build not in model.builds:
        raise _UsageError(f"unknown build {options.build!r} (choose from: {', '.join(model.builds)})")
    if options.legacy_provider and not model.providers:
        raise _UsageError(f"--legacy-provider applies to OpenSSL 3.x only; the model is OpenSSL {model.name} "
                          f"({choice.reason})")
    if options.fips and not model.fips_mode:
        raise _UsageError(f"--fips: FIPS is not supported by OpenSSL {model.name} EMS builds (EMS 5.4.11 and later "
                          f"ship OpenSSL 1.1.1q / 3.1.2 without FIPS support); the model is OpenSSL {model.name} "
                          f"({choice.reason})")
    return choice


def _notes(options: CipherOptions, model: str) -> list[str]:
    notes = []
    if options.fips:
        notes.append("FIPS mode: the C SDK replaces certificates.cipher_suite with its fixed list "
                     "TLSv1.2+FIPS:kRSA+FIPS:!eNULL:!aNULL (inferred from the SDK source), so the given string "
                     "is not used")
    if model != "1.0.2":
        notes.append("TLS 1.3 suites come from OpenSSL's TLS 1.3 ciphersuites setting, not from the cipher "
                     "list; ThingWorx Platform 9.4.x does not support TLS 1.3")
    if options.legacy_provider:
        notes.append("legacy provider loaded: whether EMS 5.5 loads it is not known")
    return notes


def _model_json(result: CipherResult, choice: ModelChoice, options: CipherOptions) -> dict[str, object]:
    return {
        "openssl": choice.model.name,
        "release": choice.model.release,
        "build": options.build,
        "legacy_provider": options.legacy_provider,
        "fips": options.fips,
        "security_level": result.security_level,
        "reason": choice.reason,
    }


def _as_json(
    result: CipherResult,
    choice: ModelChoice,
    options: CipherOptions,
    words: list[dict[str, Any]],
    notes: list[str],
    comparison: ProfileComparison | None,
) -> dict[str, object]:
    """The `emslint ciphers --format json` document: model, suites offered, weak classes, ignored words, notes."""

    supported = None if result.supported is None else {id(s) for s in result.supported}
    ciphers = []
    for c in result.ciphers:
        entry: dict[str, object] = {"name": c.name, "protocol": c.protocol, "kx": c.kx, "au": c.au, "enc": c.enc,
                                    "mac": c.mac, "bits": c.bits, "weak": list(c.weak)}
        if supported is not None and id(c) not in supported:
            entry["supported"] = False
        ciphers.append(entry)
    doc: dict[str, object] = {
        "ok": result.ok,
        "error": result.error,
        "error_reason": result.error_reason,
        "model": _model_json(result, choice, options),
        "ciphers": ciphers,
        "protocol_floor": protocol_floor(result),
        "ignored_words": words,
        "notes": notes,
    }
    if comparison is not None:
        doc["profile"] = comparison.as_json()
    return doc


def _write_text(
    result: CipherResult,
    choice: ModelChoice,
    options: CipherOptions,
    words: list[dict[str, Any]],
    notes: list[str],
    comparison: ProfileComparison | None,
    stream: TextIO,
) -> None:
    """The `emslint ciphers` text report: the model and why, each suite offered with its weakness, then notes."""

    model = choice.model
    mode = f"{model.label}, build {options.build}"
    mode += ", legacy provider" if options.legacy_provider else ""
    mode += ", FIPS mode" if options.fips else ""
    stream.write(f"# {mode}: {choice.reason}\n")
    supported = None if result.supported is None else {id(s) for s in result.supported}
    lines = [describe(c) for c in result.ciphers]
    width = max((len(line) for line in lines), default=0)
    for suite, line in zip(result.ciphers, lines, strict=True):
        marks = list(suite.weak)
        if supported is not None and id(suite) not in supported:
            marks.insert(0, "not offered")
        stream.write(f"{line:<{width}}  {', '.join(marks)}".rstrip() + "\n")
    if result.ok:
        suites = [s for s in offered(result) if s.protocol != "TLSv1.3"]
        weak = sum(1 for c in suites if any(w in FACT_CLASSES for w in c.weak))
        no_fs = sum(1 for c in suites if "no-forward-secrecy" in c.weak)
        level = "" if result.security_level is None else f", security level {result.security_level}"
        tls13 = len(offered(result)) - len(suites)
        summary = f"{len(result.ciphers)} suites listed ({mode}{level})"
        if result.supported is not None:
            summary += f", {len(result.supported)} offered ({tls13} TLS 1.3)"
        summary += f": {weak} weak, {no_fs} without forward secrecy"
        stream.write(f"\n{summary}\n")
        floor = protocol_floor(result)
        stream.write(f"protocol floor: {floor or 'none (nothing usable)'}\n")
    else:
        stream.write(f"error: cipher string rejected ({mode}): {result.error}\n")
    for w in words:
        tail = f" (did you mean {w['suggestion']}?)" if w["suggestion"] else ""
        tail += f" ({w['note']})" if w["note"] else ""
        tail += "; harmless: it only excludes what does not exist here" if w["harmless"] else ""
        stream.write(f"ignored: {w['word']!r} is not known to {model.label}{tail}\n")
    for note in notes:
        stream.write(f"note: {note}\n")
    if comparison is not None:
        _write_profile(comparison, stream)


def _write_profile(comparison: ProfileComparison, stream: TextIO) -> None:
    verdict = "within the profile" if comparison.compliant else "outside the profile"
    stream.write(f"\n{comparison.profile} ({comparison.source}): {verdict}\n")
    stream.write(f"  beyond the profile: {', '.join(comparison.beyond) or 'nothing'}\n")
    stream.write(f"  profile suites not offered: {', '.join(comparison.missing) or 'none'}\n")
    stream.write(f"  {comparison.tls13}\n")
    stream.write(f"  {comparison.protocols}\n")
