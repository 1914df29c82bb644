"""Compare what the EMS offers with Mozilla's Server Side TLS guidelines (5.7), as sslyze --mozilla_config does.

The guidelines are written for servers; for the EMS (a client) they say which suites a well-configured
platform should be able to pick and which suites are better not offered at all. The comparison is over what
the EMS offers (:func:`emslint.inspect.cipher_verdicts.offered`): TLS <= 1.2 suites by OpenSSL name, TLS 1.3
on its own line, and the protocol versions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from emslint.inspect.cipher_verdicts import offered, protocol_floor
from emslint.inspect.ciphers import CipherResult

__all__ = ["PROFILES", "ProfileComparison", "compare"]

PROFILES = {"mozilla-intermediate": "intermediate", "mozilla-modern": "modern"}
_DATA = Path(__file__).resolve().parent.parent / "data" / "mozilla-server-side-tls-5.7.json"
_FLOORS = ("TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3")


@cache
def _guidelines() -> dict[str, Any]:
    guidelines: dict[str, Any] = json.loads(_DATA.read_text(encoding="utf-8"))
    return guidelines


@dataclass
class ProfileComparison:
    profile: str
    source: str
    beyond: list[str] = field(default_factory=list)  # offered TLS <= 1.2 suites the profile does not have
    missing: list[str] = field(default_factory=list)  # profile suites the EMS does not offer
    tls13: str = ""
    protocols: str = ""
    compliant: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"profile": self.profile, "source": self.source, "compliant": self.compliant,
                "beyond_profile": self.beyond, "missing_from_list": self.missing, "tls13": self.tls13,
                "protocols": self.protocols}


def compare(result: CipherResult, profile: str) -> ProfileComparison:
    """What ``result`` (an accepted list) offers beyond ``profile`` and what the profile has that it lacks."""
    data = _guidelines()
    config = data["configurations"][PROFILES[profile]]
    wanted = list(config["ciphers"]["openssl"])
    suites = offered(result) if result.ok else []
    tls12 = [s.name for s in suites if s.protocol != "TLSv1.3"]
    tls13 = [s.name for s in suites if s.protocol == "TLSv1.3"]
    out = ProfileComparison(profile, data["source"])
    out.beyond = [n for n in tls12 if n not in wanted]
    out.missing = [n for n in wanted if n not in tls12]
    want13 = config["ciphersuites"]
    if not tls13:
        out.tls13 = f"TLS 1.3: the profile has {', '.join(want13)}; OpenSSL {result.model} offers none"
    elif set(tls13) == set(want13):
        out.tls13 = f"TLS 1.3: as the profile ({', '.join(tls13)}); not chosen by the cipher list"
    else:
        out.tls13 = f"TLS 1.3: offers {', '.join(tls13)}; the profile has {', '.join(want13)}"
    versions = [v.replace("TLSv", "TLS ") for v in config["tls_versions"]]
    floor = protocol_floor(result)
    top = "TLS 1.3" if tls13 else "TLS 1.2"
    offered_versions = [] if floor is None else list(_FLOORS[_FLOORS.index(floor):_FLOORS.index(top) + 1])
    extra = [v for v in offered_versions if v not in versions]
    out.protocols = (f"protocols: offers {', '.join(offered_versions) or 'none'}; the profile has "
                     f"{', '.join(versions)}" + (f" ({', '.join(extra)} beyond it)" if extra else ""))
    if not wanted:
        out.protocols += ("; a cipher list cannot make the EMS TLS 1.3-only: OpenSSL needs at least one TLS 1.2 "
                          "suite in it and no EMS key sets the protocol version")
    out.compliant = result.ok and not out.beyond and not extra and set(tls13) == set(want13)
    return out
