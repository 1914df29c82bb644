"""Every rule fixture: the exact set of the rule's findings (checkov-style passing and failing cases)."""

from __future__ import annotations

import json

import pytest

from tests.fixture_runner import check_fix, check_fixture, fixture_dirs

CASES = fixture_dirs("rules")
FIX_CASES = [c for c in CASES if "fix" in json.loads((c / "expected.json").read_text())]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_rule_fixture(case, tmp_path):
    check_fixture(case, tmp_path)


@pytest.mark.parametrize("case", FIX_CASES, ids=[f"{c.parent.name}/{c.name}" for c in FIX_CASES])
def test_fix_fixture(case, tmp_path):
    """The file after --fix byte for byte, the modes, the findings left, and a second --fix changing nothing."""
    check_fix(case, tmp_path)


def test_every_rule_with_a_fix_has_a_fix_fixture_that_changes_something():
    """Each rule declaring [[fix]] is fixed in at least one fixture whose after/ folder (or modes_after) shows
    the change, so no declared fix goes untested."""
    from emslint.rules.catalogue import load_rules

    fixable = {rid for rid, rule in load_rules().items() if rule.fixes}
    changing = {c.parent.name for c in FIX_CASES
                if (c / "after").is_dir() or json.loads((c / "expected.json").read_text()).get("modes_after")}
    assert fixable, "no rule declares a fix"
    assert fixable <= changing, f"rules with a fix but no fix fixture that applies it: {sorted(fixable - changing)}"
