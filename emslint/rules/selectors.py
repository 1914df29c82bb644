"""Rule selectors: an id ("EMS101"), an id prefix ("EMS1"), a name ("platform-encryption-none") or a group
("secrets"), as used by ``select``, ``ignore``, per-path ignores, inline suppressions and ``severity``."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from emslint.rules.model import Rule

_ID_PREFIX = re.compile(r"[A-Z]+[0-9]*")


def selector_matches(selector: str, rule: Rule) -> bool:
    """Whether ``selector`` names ``rule``: its id, name or group (any case), or an upper-case id prefix."""
    s = selector.strip()
    if not s:
        return False
    if s.casefold() in (rule.id.casefold(), rule.name.casefold(), rule.group.casefold()):
        return True
    # Prefixes are upper case ("EMS1"), so that a lower-case group or name is never read as one.
    return bool(_ID_PREFIX.fullmatch(s)) and rule.id.startswith(s)


def any_matches(selectors: Iterable[str], rule: Rule) -> bool:
    return any(selector_matches(s, rule) for s in selectors)


def unknown_selector_message(selector: str, rules: Iterable[Rule]) -> str | None:
    """None when ``selector`` names at least one rule, else "unknown rule selector 'x' (did you mean 'y'?)"."""
    catalogue = list(rules)
    if any(selector_matches(selector, r) for r in catalogue):
        return None
    vocabulary = sorted({r.id for r in catalogue} | {r.name for r in catalogue} | {r.group for r in catalogue})
    close = difflib.get_close_matches(selector, vocabulary, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(selector.casefold(), [v.casefold() for v in vocabulary], n=1, cutoff=0.6)
        close = [next(v for v in vocabulary if v.casefold() == close[0])] if close else []
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown rule selector {selector!r}{hint}"


def severity_names_match(key: str, rule: Rule) -> bool:
    """A ``severity`` table key names exactly one rule: its id or its name (no prefixes or groups)."""
    return key.casefold() in (rule.id.casefold(), rule.name.casefold())
