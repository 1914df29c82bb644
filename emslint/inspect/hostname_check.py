"""The host-name check of a server certificate, as a facts object whose ``detail`` names what was compared.

``cert.hostname_check`` of an EMS or LSR server certificate item: the host its peer dials (``host``, from
``host_property``), the names the certificate offers for it (``names``: subjectAltName DNS names and IP
addresses, or the subject CN when there is no subjectAltName, as RFC 6125 and OpenSSL use them), whether one
matches (``ok``; ``null`` for wildcard binds), which peer checks (``peer``: ``lsr`` checks the EMS server
certificate, ``ems`` the LSR's) and the file's ``in_use`` (so that a condition on this object sees it).
``detail`` is one line for EMS616's message, with at most :data:`MAX_NAMES` names of at most
:data:`MAX_NAME` characters each: host names are configuration, not secrets.
"""

from __future__ import annotations

from typing import Any

from emslint.inspect import certificates as c
from emslint.inspect.quiet import quiet

MAX_NAMES = 5
MAX_NAME = 64
_PEERS = {"lsr": "the LSR", "ems": "the EMS"}


@quiet
def hostname_check(cert: Any, host: str, host_property: str, peer: str, in_use: bool | None) -> dict[str, Any]:
    """The facts object described in the module docstring."""
    found = c.sans(cert)
    if found is not None:
        names = [*found[0], *(str(ip) for ip in found[1])]
        offered = "in its subjectAltName"
    else:
        cn = c.subject_attr(cert, "CN")
        names = [cn] if cn else []
        offered = "as its subject CN (it has no subjectAltName)"
    ok = c.hostname_matches(cert, host)
    if names:
        shown = ", ".join(_short(n) for n in names[:MAX_NAMES])
        more = len(names) - MAX_NAMES
        listed = f"{shown} and {more} more" if more > 0 else shown
        offers = f"the certificate names {listed} {offered}"
    else:
        offers = "the certificate names no host (no subjectAltName, no CN)"
    detail = f"{_PEERS.get(peer, peer)} dials '{_short(host)}', set in {host_property}; {offers}"
    return {
        "peer": peer,
        "in_use": in_use,
        "host": host,
        "names": names[:MAX_NAMES],
        "ok": ok,
        "detail": detail,
    }


def _short(text: str) -> str:
    return text if len(text) <= MAX_NAME else f"{text[: MAX_NAME - 3]}..."
