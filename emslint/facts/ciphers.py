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

from collections.abc import Iterable
from functools import cache
from typing import Any, NamedTuple

from emslint import records
from emslint.inspect.openssl_models import SDK_DEFAULT_CIPHER_STRING, SDK_FIPS_CIPHER_STRING, ModelChoice, select_model
from emslint.profiling import stage
from emslint.schema.defaults import schema_members
from emslint.settings.model import Settings
from emslint.user_cache import CacheFolder

__all__ = ["EMS_ROLES", "cipher_item", "deployment_openssl", "openssl_facts"]

PREFIX = "ciphers-"
KIND = "emslint cipher-list record 1"
KEEP = 32
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


def cipher_item(ems: dict[str, Any] | None, ems_raw: Any, options: Settings,
                store: CacheFolder | None = None) -> dict[str, Any] | None:
    """The "ciphers" item of the facts document, or None without config.json (or for a list too long to
    evaluate in bounded time: the schema's maxLength reports it, EMS015). With a ``store``, from a record of an
    earlier run when the inputs (:class:`CipherInputs`) and the code are the same (:mod:`emslint.records`)."""

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
    inputs = CipherInputs(string=string, model=choice.model.name, model_reason=choice.reason, build=options.build,
                          string_set=is_set, fips_mode=fips_mode, java7=options.platform_java == 7,
                          recommend=options.fixes_wanted and not fips_mode)
    with stage("ciphers"):
        if store is None:
            return _evaluate(inputs)
        name = records.record_name(PREFIX, [_code_identity(choice.model.data_file), *inputs])
        record = records.load_record(store, name, KIND)
        if record is not None and isinstance(record.get("item"), dict):
            item: dict[str, Any] = record["item"]
            return item
        item = _evaluate(inputs)
        records.save_record(store, name, KIND, {"item": item}, prefix=PREFIX, keep=KEEP)
        return item


class CipherInputs(NamedTuple):
    """Everything the "ciphers" item depends on besides the code (the record's key)."""

    string: str  # the list the EMS evaluates: the configured one, the SDK's default, or the SDK's FIPS list
    model: str  # OpenSSL model name (openssl_models)
    model_reason: str
    build: str
    string_set: bool
    fips_mode: bool
    java7: bool
    recommend: bool  # fixes are wanted: the item carries the list a fix would write


def _evaluate(inputs: CipherInputs) -> dict[str, Any]:
    # imported here: the cipher tables and evaluator are what a record saves (docs/decisions/0003, decision 7)
    from emslint.facts.cipher_facts import cipher_item_from

    return cipher_item_from(**inputs._asdict())


@cache
def _code_identity(data_file: str) -> str:
    return records.code_identity(("inspect", "facts/ciphers.py", "facts/cipher_facts.py", f"data/{data_file}",
                                  "data/mozilla-server-side-tls-5.7.json"))


