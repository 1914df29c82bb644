"""Every rule fixture: the exact set of the rule's findings (checkov-style passing and failing cases)."""

from __future__ import annotations

import pytest

from tests.fixture_runner import check_fixture, fixture_dirs

CASES = fixture_dirs("rules")


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_rule_fixture(case, tmp_path):
    check_fixture(case, tmp_path)
