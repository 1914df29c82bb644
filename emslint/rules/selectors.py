"""Rule selectors: an id ("EMS101"), an id prefix ("EMS1"), a name ("platform-encryption-none") or a group
("secrets"), as used by ``select``, ``ignore``, per-path ignores, inline suppressions and ``severity``."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from emslint.rules.model import Rule
from emslint.rules.paths import shipped_rules_dir
from emslint.suggest import closest

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


@dataclass(frozen=True, slots=True)
class RetiredRule:
    """A rule emslint no longer has (``rules/retired.json``): its id is never reused."""

    id: str
    name: str
    since: str
    why: str
    see: tuple[str, ...]

    def message(self) -> str:
        see = f"; see {', '.join(self.see)}" if self.see else ""
        return f"rule {self.id} ({self.name}) was retired in emslint {self.since}: {self.why}{see}"


@functools.cache
def retired_rules() -> tuple[RetiredRule, ...]:
    """The retired rules, read once from ``rules/retired.json`` (data shipped with the rules)."""
    table = json.loads((shipped_rules_dir() / "retired.json").read_text("utf-8"))["retired"]
    return tuple(RetiredRule(rule_id, e["name"], e["since"], e["why"], tuple(e.get("see", ())))
                 for rule_id, e in table.items())


def retired_rule(key: str) -> RetiredRule | None:
    """The retired rule ``key`` names (its id or name, any case), if any."""
    key = key.strip().casefold()
    return next((r for r in retired_rules() if key in (r.id.casefold(), r.name.casefold())), None)


def unknown_selector_message(selector: str, rules: Iterable[Rule]) -> str | None:
    """None when ``selector`` names at least one rule; else why a retired rule is gone, or "unknown rule selector
    'x' (did you mean 'y'?)"."""
    catalogue = list(rules)
    if any(selector_matches(selector, r) for r in catalogue):
        return None
    retired = retired_rule(selector)
    if retired is not None:
        return f"{retired.message()}; remove it from the selection"
    vocabulary = sorted({r.id for r in catalogue} | {r.name for r in catalogue} | {r.group for r in catalogue})
    close = closest(selector, vocabulary)
    if close is None:
        folded = closest(selector.casefold(), [v.casefold() for v in vocabulary])
        close = next(v for v in vocabulary if v.casefold() == folded) if folded is not None else None
    hint = f" (did you mean {close!r}?)" if close else ""
    return f"unknown rule selector {selector!r}{hint}"


def severity_names_match(key: str, rule: Rule) -> bool:
    """A ``severity`` table key names exactly one rule: its id or its name (no prefixes or groups)."""
    return key.casefold() in (rule.id.casefold(), rule.name.casefold())
