"""Facts that need computation across values or files (rules cannot compare two values in JSON Schema)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from emslint.facts.normalize import UNKNOWN_KEY
from emslint.facts.virtual_dirs import microserver_paths, virtual_dir_items


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, dict) and UNKNOWN_KEY in value)


def is_loopback(host: Any) -> bool | None:
    """True for localhost/127.x/::1, False for any other bind address, None when not known."""
    if not _known(host) or not isinstance(host, str):
        return None
    text = host.strip().strip("[]").lower()
    if text in ("localhost", "ip6-localhost", "localhost6", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def is_wildcard(host: Any) -> bool:
    return isinstance(host, str) and host.strip().strip("[]") in ("0.0.0.0", "::", "*", "")


def _get(doc: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def _differ(a: object, b: object) -> bool | None:
    if not (_known(a) and _known(b)):
        return None
    return a != b


def _norm_dir(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().replace("\\", "/").rstrip("/") or "/"


def _host_family(host: Any) -> str | None:
    """localhost is the IPv6 loopback for the EMS (reference §b.1); 127.0.0.1 is IPv4.

    Any spelling of ::1 (0:0:0:0:0:0:0:1, [::1]) is the IPv6 loopback, any 127.x.y.z the IPv4 one; other hosts
    compare by their lower-cased text.
    """
    if not isinstance(host, str):
        return None
    text = host.strip().strip("[]").lower()
    if text in ("localhost", "ip6-localhost", "localhost6"):
        return "loopback-v6"
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text
    if address.is_loopback:
        return f"loopback-v{address.version}"
    return str(address)


def _port(value: Any) -> Any:
    """A port as a number: config.json may write "8000" where config.lua has 8000 (already coerced in lsr)."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def derive(
    ems: dict[str, Any] | None, lsr: dict[str, Any] | None, root: Path | None = None, scan_root: Path | None = None
) -> dict[str, Any]:
    """Facts across values; ``root`` (the microserver folder) and ``scan_root`` place file.virtual_dirs
    (emslint/facts/virtual_dirs.py)."""

    http = _get(ems, "http_server") if ems else None
    derived: dict[str, Any] = {
        "platform_tls": None,
        "ems_rest_loopback": None,
        "ems_rest_wildcard": None,
        "lsr_rest_loopback": None,
        "lsr_rest_wildcard": None,
        "ssl_mismatch": None,
        "auth_mismatch": None,
        "port_mismatch": None,
        "host_mismatch": None,
        "log_dir_shared": None,
        "virtual_dirs": None,
    }
    if ems and root is not None:
        # where the microserver is: not a fact (the scanned folder's absolute path would make the facts depend on
        # where a tree is checked), only compared
        derived["virtual_dirs"] = virtual_dir_items(ems, microserver_paths(ems, lsr, root, scan_root or root))
    if ems:
        derived["platform_tls"] = _get(ems, "ws_connection", "encryption") == "ssl"
        derived["ems_rest_loopback"] = is_loopback(_get(http, "host"))
        derived["ems_rest_wildcard"] = is_wildcard(_get(http, "host"))
    if lsr:
        derived["lsr_rest_loopback"] = is_loopback(lsr.get("script_resource_host"))
        derived["lsr_rest_wildcard"] = is_wildcard(lsr.get("script_resource_host"))
    if ems and lsr:
        derived["ssl_mismatch"] = _differ(_get(http, "ssl"), lsr.get("rap_ssl"))
        derived["auth_mismatch"] = _differ(_get(http, "authenticate"), lsr.get("rap_server_authenticate"))
        derived["port_mismatch"] = _differ(_port(_get(http, "port")), _port(lsr.get("rap_port")))
        ems_host, rap_host = _get(http, "host"), lsr.get("rap_host")
        if _known(ems_host) and _known(rap_host) and not is_wildcard(ems_host):
            derived["host_mismatch"] = _host_family(ems_host) != _host_family(rap_host)
        ems_logs = _norm_dir(_get(ems, "logger", "publish_directory"))
        lsr_logs = _norm_dir(lsr.get("log_publish_directory"))
        if ems_logs and lsr_logs:
            derived["log_dir_shared"] = ems_logs == lsr_logs
    return derived
