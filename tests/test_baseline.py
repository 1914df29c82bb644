"""Baselines: counts per (rule, file, pointer, identity); new findings still fail; stale ones reported; baselined
findings are hidden, not dropped (they still count for the levels)."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emslint.filters.baseline import (
    Baseline,
    BaselineError,
    absorb,
    apply_baseline,
    baseline_key,
    load_baseline,
    stale_entries,
    write_baseline,
)
from emslint.model import ABSENT, Finding, Severity, TargetResult

SECRET = "s3cr3t-app-key-0000-1111"


def finding(
    rule="EMS402", file="edge/etc/config.lua", line=30, pointer="/scripts/rap_appkey", vh="a1b2c3d4e5f6"
):
    return Finding(
        rule=rule,
        name="lsr-appkey-cleartext",
        severity=Severity.HIGH,
        message="scripts.rap_appkey holds an app key in clear text",
        file=file,
        line=line,
        column=9,
        pointer=pointer,
        identity=vh,
    )


def target(*findings: Finding, path="edge") -> TargetResult:
    return TargetResult(path, [], [dataclasses.replace(f) for f in findings], {}, ABSENT)


def findings_of(results: list[TargetResult]) -> list[Finding]:
    return [f for t in results for f in t.findings]


def filtered(results: list[TargetResult], baseline: Baseline) -> tuple[list[TargetResult], list[dict]]:
    """apply_baseline on copies: (the results with baselined findings moved to ``suppressed``, stale entries)."""
    copies = [target(*r.findings, path=r.path) for r in results]
    return copies, apply_baseline(copies, baseline)


def roundtrip(tmp_path: Path, results: list[TargetResult]) -> Baseline:
    path = tmp_path / "emslint-baseline.json"
    write_baseline(results, path)
    return load_baseline(path)


def test_key_is_rule_file_pointer_identity_without_line():
    f = finding()
    assert baseline_key(f) == ("EMS402", "edge/etc/config.lua", "/scripts/rap_appkey", "a1b2c3d4e5f6")
    assert baseline_key(dataclasses.replace(f, line=99, column=1, message="x")) == baseline_key(f)


def test_file_is_normalised_to_forward_slashes():
    assert baseline_key(finding(file=".\\edge\\etc\\config.lua"))[1] == "edge/etc/config.lua"
    assert baseline_key(finding(file="./edge/etc/config.lua"))[1] == "edge/etc/config.lua"


def test_baselined_findings_are_hidden_and_kept(tmp_path):
    results = [target(finding(), finding(rule="EMS805", pointer="/scripts/log_level", vh="ffff"))]
    baseline = roundtrip(tmp_path, results)
    kept, stale = filtered(results, baseline)
    assert findings_of(kept) == [] and stale == []
    assert [(f.rule, f.suppressed.kind) for f in kept[0].suppressed] == [("EMS402", "baseline"), ("EMS805", "baseline")]
    assert len(baseline) == 2


def test_a_new_identical_finding_still_fails(tmp_path):
    baseline = roundtrip(tmp_path, [target(finding(line=30))])
    now = [target(finding(line=30), finding(line=31))]  # the same value pasted a second time
    kept, stale = filtered(now, baseline)
    assert [f.line for f in findings_of(kept)] == [31]
    assert stale == []


def test_counts_absorb_exactly_count_findings(tmp_path):
    baseline = roundtrip(tmp_path, [target(finding(line=1), finding(line=2))])
    assert baseline.entries == {("EMS402", "edge/etc/config.lua", "/scripts/rap_appkey", "a1b2c3d4e5f6"): 2}
    kept, _ = filtered([target(*(finding(line=n) for n in range(1, 6)))], baseline)
    assert [f.line for f in findings_of(kept)] == [3, 4, 5]


def test_another_files_finding_is_never_absorbed(tmp_path):
    baseline = roundtrip(tmp_path, [target(finding(file="edge1/etc/config.lua"))])
    other = [target(finding(file="edge2/etc/config.lua"), path="edge2")]
    kept, stale = filtered(other, baseline)
    assert len(findings_of(kept)) == 1
    assert [s["file"] for s in stale] == ["edge1/etc/config.lua"]


def test_a_different_identity_is_not_absorbed(tmp_path):
    baseline = roundtrip(tmp_path, [target(finding(vh="aaaa"))])
    kept, stale = filtered([target(finding(vh="bbbb"))], baseline)
    assert len(findings_of(kept)) == 1 and len(stale) == 1


def test_moving_lines_does_not_resurrect_old_findings(tmp_path):
    baseline = roundtrip(
        tmp_path, [target(finding(line=30), finding(rule="EMS805", line=3, pointer="/x", vh=""))]
    )
    moved = [target(finding(line=130), finding(rule="EMS805", line=103, pointer="/x", vh=""))]
    kept, stale = filtered(moved, baseline)
    assert findings_of(kept) == [] and stale == []


def test_a_fixed_finding_leaves_a_stale_entry(tmp_path):
    baseline = roundtrip(
        tmp_path, [target(finding(), finding(line=31), finding(rule="EMS805", pointer="/x"))]
    )
    kept, stale = filtered([target(finding())], baseline)
    assert findings_of(kept) == []
    common = {"file": "edge/etc/config.lua", "identity": "a1b2c3d4e5f6", "count": 1}
    assert stale == [
        {"rule": "EMS402", "pointer": "/scripts/rap_appkey", **common},
        {"rule": "EMS805", "pointer": "/x", **common},
    ]
    assert [list(s) for s in stale] == [["rule", "file", "pointer", "identity", "count"]] * 2


def test_which_duplicate_is_absorbed_does_not_depend_on_input_order(tmp_path):
    baseline = roundtrip(tmp_path, [target(finding(line=5))])
    a, _ = filtered([target(finding(line=5), finding(line=9))], baseline)
    b, _ = filtered([target(finding(line=9), finding(line=5))], baseline)
    assert [f.line for f in findings_of(a)] == [f.line for f in findings_of(b)] == [9]


def test_apply_leaves_other_fields_and_the_baseline_alone(tmp_path):
    results = [target(finding(), finding(rule="EMS101", pointer="/p"))]
    baseline = roundtrip(tmp_path, [target(finding())])
    kept, _ = filtered(results, baseline)
    assert kept[0].path == "edge" and [f.rule for f in kept[0].findings] == ["EMS101"]
    assert load_baseline(tmp_path / "emslint-baseline.json").entries == baseline.entries  # baseline reusable


def test_file_is_sorted_stable_and_one_entry_per_line(tmp_path):
    results = [
        target(finding(rule="EMS805", file="z/config.lua"), finding(rule="EMS101", file="a/config.json")),
        target(finding(), finding(), path="edge"),
    ]
    p1, p2 = tmp_path / "one.json", tmp_path / "two.json"
    write_baseline(results, p1)
    write_baseline(list(reversed(results)), p2)
    assert p1.read_bytes() == p2.read_bytes()
    text = p1.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["emslint-baseline"] == 2
    keys = [(e["rule"], e["file"], e["pointer"], e["identity"]) for e in data["entries"]]
    assert keys == sorted(keys)
    assert [e["count"] for e in data["entries"]] == [1, 2, 1]
    entry_lines = [line for line in text.splitlines() if line.strip().startswith('{"rule"')]
    assert len(entry_lines) == 3  # one entry per line: small diffs
    assert text.endswith("}\n") and "\r" not in text


def test_empty_baseline(tmp_path):
    baseline = roundtrip(tmp_path, [target()])
    assert baseline.entries == {} and len(baseline) == 0
    assert json.loads((tmp_path / "emslint-baseline.json").read_text()) == {
        "emslint-baseline": 2,
        "entries": [],
    }


def test_entries_hold_no_value(tmp_path):
    write_baseline([target(finding(vh="certs/ca.pem"))], tmp_path / "b.json")
    text = (tmp_path / "b.json").read_text()
    assert SECRET not in text and "certs/ca.pem" in text
    assert set(json.loads(text)["entries"][0]) == {"rule", "file", "pointer", "identity", "count"}


def test_a_version_1_baseline_is_read_without_its_value_hashes(tmp_path):
    v1 = {"emslint-baseline": 1, "entries": [
        {"rule": "EMS402", "file": "e/etc/config.json", "pointer": "/appKey", "value_hash": "aa", "count": 1},
        {"rule": "EMS402", "file": "e/etc/config.json", "pointer": "/appKey", "value_hash": "bb", "count": 2},
    ]}
    (tmp_path / "b.json").write_text(json.dumps(v1))
    assert load_baseline(tmp_path / "b.json").entries == {("EMS402", "e/etc/config.json", "/appKey", ""): 3}


def test_write_leaves_no_temporary_files(tmp_path):
    write_baseline([target(finding())], tmp_path / "b.json")
    write_baseline([target(finding())], tmp_path / "b.json")
    assert [p.name for p in tmp_path.iterdir()] == ["b.json"]


def test_unicode_paths_survive(tmp_path):
    f = finding(file="sites/plant a/edge-é/etc/config.lua")
    baseline = roundtrip(tmp_path, [target(f)])
    assert filtered([target(f)], baseline)[0][0].findings == []


ENTRY = {"rule": "EMS402", "file": "e/config.lua", "pointer": "/p", "identity": "ab", "count": 1}


def doc(*entries: dict) -> str:
    return json.dumps({"emslint-baseline": 2, "entries": list(entries)})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", r"b\.json:1: invalid JSON"),
        ('{\n "emslint-baseline": 1,\n "entries": [\n  {"rule": }\n ]\n}', r"b\.json:4: invalid JSON"),
        ("[]", "not an emslint baseline"),
        ('{"entries": []}', "not an emslint baseline"),
        ('{"emslint-baseline": 3, "entries": []}', "not an emslint baseline"),
        ('{"emslint-baseline": 2}', '"entries" must be a list'),
        ('{"emslint-baseline": 2, "entries": {}}', '"entries" must be a list'),
        ('{"emslint-baseline": 2, "entries": [], "extra": 1}', "unknown baseline key 'extra'"),
        ('{"emslint-baseline": 2, "entries": ["x"]}', "entry 1: must be an object"),
        (doc({**ENTRY, "count": 0}), "'count' must be an integer >= 1"),
        (doc({**ENTRY, "count": "2"}), "'count' must be an integer"),
        (doc({**ENTRY, "count": True}), "'count' must be an integer"),
        (doc({**ENTRY, "rule": 101}), "'rule' must be a string"),
        (doc({k: v for k, v in ENTRY.items() if k != "pointer"}), "entry 1: missing 'pointer'"),
        (doc({**ENTRY, "line": 3}), "unknown key 'line'"),
        (doc(ENTRY, ENTRY), "entry 2: duplicate"),
    ],
)
def test_malformed_baselines_raise_a_one_line_error(tmp_path, content, expected):
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as info:
        load_baseline(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert re.search(expected, message), message


def test_missing_and_undecodable_files(tmp_path):
    with pytest.raises(BaselineError, match="not found"):
        load_baseline(tmp_path / "nope.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BaselineError, match="cannot read"):
        load_baseline(tmp_path / "bin.json")


_FINDINGS = st.lists(
    st.builds(
        finding,
        rule=st.sampled_from(["EMS101", "EMS402", "EMS805"]),
        file=st.sampled_from(["a/config.json", "b/config.lua", "c d/é.lua"]),
        line=st.integers(1, 500),
        pointer=st.sampled_from(["", "/x", "/scripts/y"]),
        vh=st.sampled_from(["", "aa", "bb"]),
    ),
    max_size=12,
)


@given(old=_FINDINGS, new=_FINDINGS)
def test_properties_of_apply(tmp_path_factory, old, new):
    path = tmp_path_factory.mktemp("bl") / "b.json"
    write_baseline([target(*old)], path)
    baseline = load_baseline(path)
    kept, stale = filtered([target(*new)], baseline)
    kept = findings_of(kept)
    old_c, new_c, kept_c = (Counter(baseline_key(f) for f in fs) for fs in (old, new, kept))
    for key in new_c:
        # exactly max(0, new - old) findings of each key survive: never fewer (no over-absorbing)
        assert kept_c[key] == max(0, new_c[key] - old_c[key])
    assert {(s["rule"], s["file"], s["pointer"], s["identity"]): s["count"] for s in stale} == {
        k: old_c[k] - new_c[k] for k in old_c if old_c[k] > new_c[k]
    }
    # lines never matter
    shifted = [dataclasses.replace(f, line=f.line + 7) for f in new]
    assert len(findings_of(filtered([target(*shifted)], baseline)[0])) == len(kept)


_small = st.sampled_from(["a", "b"])


@given(
    st.lists(st.lists(st.tuples(_small, _small, st.integers(1, 3)), max_size=5), max_size=5),
    st.dictionaries(st.tuples(_small, _small), st.integers(1, 3), max_size=4),
)
def test_streamed_baseline_equals_the_whole_list(targets, entries):
    """The runner filters each result as it arrives and counts stale entries as it goes (no result kept):
    the same findings and the same stale entries as apply_baseline over the whole list."""
    results = [
        target(*(finding(rule=f"EMS40{r == 'a'}", file=f"{fl}/etc/config.lua", line=n) for r, fl, n in items))
        for items in targets
    ]
    baseline = Baseline({(f"EMS40{r == 'a'}", f"{fl}/etc/config.lua", "/scripts/rap_appkey", "a1b2c3d4e5f6"): n
                         for (r, fl), n in entries.items()})
    before = dict(baseline.entries)
    remaining = dict(baseline.entries)
    streamed = [target(*r.findings, path=r.path) for r in results]
    for result in streamed:
        absorb(result, remaining)
    whole, stale = filtered(results, baseline)
    assert [r.findings for r in whole] == [r.findings for r in streamed]
    assert stale == stale_entries(remaining)
    assert baseline.entries == before  # filtering does not use up the baseline itself
