"""Which settings the key-material inspection reads (:mod:`.keymaterial`), and the view of a config it is given.

The inspection sees only :func:`config_view` of config.json and of config.lua's ``scripts`` table: the file paths,
hosts and flags below, each passphrase only as set or not, ``auto_bind`` only as its entries' protocols. Its
result is therefore a function of that view, of the files it reads and of the time, which is what
:mod:`.keymaterial_cache` keys its records by; the view holds no secret. :func:`setting` refuses a path the view
does not carry, so a new read cannot silently escape the key.
"""

from __future__ import annotations

from typing import Any

EMS_FILES = (
    (("http_server", "certificate"), "ems-rest", "ems-rest-server-cert", "certificate"),
    (("http_server", "private_key"), "ems-rest", "ems-rest-server-key", "private-key"),
    (("certificates", "cert_chain"), "platform", "platform-ca", "ca-list"),
    (("certificates", "client_cert"), "platform", "platform-client-cert", "certificate"),
    (("certificates", "key_file"), "platform", "platform-client-key", "key-or-pkcs12"),
    (("certificates", "http_client_ca_certs"), "lsr-rest", "edge-ca", "ca-list"),
)
LSR_FILES = (
    ("rap_cert_file", "ems-rest", "ems-ca-for-lsr", "ca-list"),
    ("script_resource_certificate_chain", "lsr-rest", "lsr-server-cert", "certificate"),
    ("script_resource_private_key", "lsr-rest", "lsr-server-key", "private-key"),
)


# Every setting the inspection reads, and nothing else: the inspection sees only these (config_view), so its
# result is a function of them and of the files read, which is what keymaterial_cache keys its records by.
EMS_READS: tuple[tuple[str, ...], ...] = (
    *(path for path, _, _, _ in EMS_FILES),
    ("http_server", "host"), ("http_server", "ssl"), ("ws_connection", "encryption"),
    ("certificates", "validate"), ("certificates", "validation_criteria"),
    ("certificates", "fingerprint_allowlist"), ("certificates", "fingerprint_whitelist"),
)
LSR_READS: tuple[tuple[str, ...], ...] = (
    *((key,) for key, _, _, _ in LSR_FILES),
    ("script_resource_host",), ("rap_host",), ("rap_ssl",), ("rap_validate",), ("script_resource_ssl",),
    ("fingerprint_allowlist",), ("fingerprint_whitelist",),
)
# Read as "set or not" only: a passphrase itself never reaches the inspection (nor its cache key).
PASSPHRASES = {
    "ems-rest": ("ems", ("http_server", "passphrase")),
    "platform": ("ems", ("certificates", "key_passphrase")),
    "lsr-rest": ("lsr", ("script_resource_passphrase",)),
}
_READABLE = frozenset(
    {*EMS_READS, *LSR_READS, ("auto_bind",), *(path for _, path in PASSPHRASES.values())}
)


def setting(doc: Any, *path: str, keep_unknown: bool = False) -> Any:
    """The value at ``path``; ``{"$unknown": ...}`` counts as not set unless ``keep_unknown``."""
    assert path in _READABLE, f"{path} is not in the config view"  # the cache key would not cover it
    for name in path:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(name)
    if not keep_unknown and isinstance(doc, dict) and "$unknown" in doc:
        return None
    return doc


def flag_at(doc: Any, *path: str) -> bool | None:
    """A boolean setting: absent = False (reference §c), not statically known = None."""
    return flag(setting(doc, *path, keep_unknown=True))


def path_value(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def config_view(ems: Any, lsr: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The part of each config the inspection reads (plain JSON data, no secret): the settings of ``EMS_READS``
    and ``LSR_READS`` as they are, each passphrase as ``"set"`` or ``None``, ``auto_bind`` as its entries'
    ``protocol``."""
    ems_view = _view(ems, EMS_READS) if isinstance(ems, dict) else None
    lsr_view = _view(lsr, LSR_READS) if isinstance(lsr, dict) else None
    if ems_view is not None:
        binds = setting(ems, "auto_bind")
        ems_view["auto_bind"] = (
            [{"protocol": b.get("protocol")} if isinstance(b, dict) else None for b in binds]
            if isinstance(binds, list) else None
        )
    for doc, view in (("ems", ems_view), ("lsr", lsr_view)):
        for source, path in PASSPHRASES.values():
            if source == doc and view is not None:
                value = setting(ems if doc == "ems" else lsr, *path)
                _put(view, path, "set" if isinstance(value, str) and value.strip() != "" else None)
    return ems_view, lsr_view


def _view(doc: dict[str, Any], paths: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    view: dict[str, Any] = {}
    for path in paths:
        value = setting(doc, *path, keep_unknown=True)
        if value is not None:
            _put(view, path, value)
    return view


def _put(view: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for name in path[:-1]:
        view = view.setdefault(name, {})
    view[path[-1]] = value


def flag(value: Any) -> bool | None:
    if isinstance(value, dict):
        return None  # {"$unknown": ...}
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True
