"""One cause, one finding: deployments where two certificate rules could report the same fault report it once.

Each case is an existing rule fixture (so its files are generated as the fixture runner generates them); the
whole report is run and the findings of the rules that could overlap are compared, not only the fixture's
own rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixture_runner import FIXTURES, prepare, run_fixture

CASES = {
    # an expired server certificate: EMS606, not also a broken chain (EMS615)
    "EMS615/pass-expired-certificate-is-EMS606": {"EMS606"},
    # an expired intermediate sent with the LSR certificate: EMS606 names it; the chain is sound (EMS615)
    "EMS615/pass-expired-intermediate-is-EMS606": {"EMS606"},
    # the CA that the EMS certificate chains to has expired, among other CAs: EMS606 on the CA list alone
    "EMS606/fail-lua-expired-anchor-in-bundle": {"EMS606"},
    # cert_chain holds only the platform's certificate: EMS630 (pinned leaf), not also EMS614
    "EMS614/pass-leaf-only-is-EMS630": {"EMS630"},
    # a CA list mixing a CA and a leaf: EMS614, not EMS630
    "EMS630/pass-leaf-mixed-with-ca-is-EMS614": {"EMS614"},
}
OVERLAPPING = {"EMS606", "EMS607", "EMS608", "EMS609", "EMS610", "EMS614", "EMS615", "EMS630", "EMS631"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_fault_is_reported_by_one_rule(case: str, tmp_path: Path) -> None:
    folder = FIXTURES / "rules" / case
    options = json.loads((folder / "expected.json").read_text()).get("options", {})
    result = run_fixture(prepare(folder, tmp_path), options)
    found = [f for f in result.findings if f.rule in OVERLAPPING]
    assert {f.rule for f in found} == CASES[case], [(f.rule, f.message) for f in found]
    assert len(found) == 1, [(f.rule, f.message) for f in found]
