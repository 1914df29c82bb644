"""SARIF output: valid against the official OASIS schema, and fit for GitHub code scanning ingestion."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import random
import re
from importlib import resources
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from emslint.model import ABSENT, Cap, Finding, Level, Severity, TargetResult, Verdict
from emslint.report.fingerprint import logical_hash
from emslint.report.sarif import artifact_uri, render_sarif
from emslint.rules.model import Example, Match, Rule

SECRET = "7d3c1e2a-4b5f-4c6d-9e8f-a1b2c3d4e5f6"  # an app key planted in the input, never to be emitted
SECRET_HASH = hashlib.sha256(SECRET.encode()).hexdigest()[:12]
SITE = "sites/plant a/edge-é"


# ---- fixtures ---------------------------------------------------------------------------------------------


def make_rule(rule_id: str, name: str, severity: Severity, group: str, **changes) -> Rule:
    rule = Rule(
        id=rule_id,
        name=name,
        title=name.replace("-", " ").capitalize(),
        summary=f"Summary of {name}.",
        severity=severity,
        link="platform",
        caps=None,
        message="{property} is wrong",
        group=group,
        what=f"Detects {name} in `config.json` and `config.lua`.",
        why="Because it weakens the deployment.",
        fix="Change the setting.",
        bad=[Example("json", '{"a": 1}'), Example("lua", "scripts.a = 1")],
        good=[Example("json", '{"a": 2}')],
        sources=[f"https://support.ptc.com/help/{rule_id.lower()}.html", "https://community.ptc.com/t5/x"],
        matches=[Match(pointer="/ems/a", schema={"const": 1})],
        cwe=["CWE-319"],
    )
    return dataclasses.replace(rule, **changes)


RULES = {
    r.id: r
    for r in [
        make_rule("EMS101", "platform-encryption-none", Severity.CRITICAL, "transport", caps=Cap.LOW),
        make_rule("EMS402", "lsr-appkey-cleartext", Severity.HIGH, "secrets", cwe=["CWE-312", "CWE-256"]),
        make_rule("EMS601", "certificate-key-weak", Severity.MEDIUM, "certificates", link="ems-rest"),
        make_rule("EMS701", "private-key-world-readable", Severity.HIGH, "permissions", link=None, cwe=[]),
        make_rule("EMS805", "log-level-trace", Severity.LOW, "logging", link=None),
        make_rule("EMS903", "template-config", Severity.INFO, "meta", link=None, cwe=[], precision="medium"),
        make_rule("EMS999", "never-fires", Severity.HIGH, "meta"),
    ]
}


def finding(rule: str, file: str, line: int, column: int, pointer: str, **kw) -> Finding:
    r = RULES[rule]
    kw.setdefault("severity", r.severity)
    kw.setdefault("message", f"{pointer or file} triggers {r.name}")
    kw.setdefault("link", r.link)
    return Finding(rule=rule, name=r.name, file=file, line=line, column=column, pointer=pointer, **kw)


def make_results() -> list[TargetResult]:
    json_file = f"{SITE}/etc/config.json"
    lua_file = f"{SITE}/etc/config.lua"
    site = TargetResult(
        path=SITE,
        files=[json_file, lua_file],
        findings=[
            finding(
                "EMS101",
                json_file,
                12,
                5,
                "/ws_connection/encryption",
                caps=Cap.LOW,
                message='ws_connection.encryption is "none": the app key travels in clear',
            ),
            finding(
                "EMS402",
                lua_file,
                30,
                9,
                "/scripts/rap_appkey",
                message="scripts.rap_appkey holds an app key in clear text",
                identity=SECRET_HASH,
                link="ems-rest",
            ),
            finding(
                "EMS601",
                json_file,
                40,
                7,
                "/http_server/certificate",
                related=[f"{SITE}/certs/server cert.pem", f"{SITE}/certs/server.key"],
                identity=hashlib.sha256(b"1024").hexdigest()[:12],
            ),
            finding("EMS701", f"{SITE}/certs/server.key", 1, 1, ""),  # whole file
            finding("EMS805", lua_file, 3, 1, "/scripts/log_level"),
        ],
        links={"platform": Verdict("low", Level.LOW), "ems-rest": Verdict("medium", Level.MEDIUM), "lsr-rest": ABSENT},
        verdict=Verdict("low", Level.LOW),
    )
    windows = TargetResult(
        path="edge2",
        files=["edge2\\etc\\config.lua"],
        findings=[finding("EMS805", ".\\edge2\\etc\\config.lua", 7, 3, "/scripts/log_level")],
        links={"platform": ABSENT, "ems-rest": ABSENT, "lsr-rest": Verdict("medium", Level.MEDIUM)},
        verdict=Verdict("medium", Level.MEDIUM),
    )
    binary = TargetResult(
        path="edge3",
        files=["edge3/etc/config.json"],
        findings=[
            finding("EMS903", "edge3/etc/config.json", 1, 1, "", severity=Severity.INFO),
            finding("EMS701", "edge3/certs/ca.der", 0, 0, ""),  # DER file: no lines; must still be >= 1
        ],
        links={"platform": Verdict("high", Level.HIGH), "ems-rest": ABSENT, "lsr-rest": ABSENT},
        verdict=Verdict("high", Level.HIGH),
    )
    broken = TargetResult(
        path="edge4",
        files=["edge4/etc/config.lua"],
        findings=[],
        links={"platform": ABSENT, "ems-rest": ABSENT, "lsr-rest": ABSENT},
        verdict=ABSENT,
        analysed=False,
        errors=["internal error while evaluating rules for edge4/etc/config.lua"],
    )
    return [site, windows, binary, broken]


def render(results=None, rules=None, **kw) -> dict:
    kw.setdefault("version", "0.1.0")
    text = render_sarif(
        make_results() if results is None else results, RULES if rules is None else rules, **kw
    )
    return json.loads(text)


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    text = resources.files("emslint.data").joinpath("sarif-schema-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def schema_errors(validator: Draft4Validator, log: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


# ---- GitHub ingestion checks (after microsoft/sarif-sdk GH1001-GH1007 and GitHub's SARIF page) ----

_URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")
_PRECISIONS = {"very-high", "high", "medium", "low"}
_LEVELS = {"none", "note", "warning", "error"}


def _uri_problems(uri: object, where: str) -> list[str]:
    if not isinstance(uri, str) or not uri:
        return [f"{where}: uri missing"]
    problems = []
    if urlsplit(uri).scheme or uri.startswith("file:"):
        problems.append(f"{where}: absolute uri {uri!r}")
    if uri.startswith("/"):
        problems.append(f"{where}: rooted uri {uri!r}")
    if ".." in uri.split("/"):
        problems.append(f"{where}: uri leaves the checkout {uri!r}")
    if not _URI_CHARS.match(uri):
        problems.append(f"{where}: uri not percent-encoded {uri!r}")
    return problems


def github_ingestion_problems(log: dict) -> list[str]:
    p: list[str] = []
    if not log.get("$schema"):
        p.append("log: $schema missing")
    if log.get("version") != "2.1.0":
        p.append("log: version must be 2.1.0")
    runs = log.get("runs") or []
    if not runs:
        p.append("log: no runs")
    for r, run in enumerate(runs):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            p.append(f"run {r}: driver.name missing")
        if not (driver.get("semanticVersion") or driver.get("version")):
            p.append(f"run {r}: driver version missing")
        rules = driver.get("rules")
        if not isinstance(rules, list):
            p.append(f"run {r}: driver.rules missing")
            rules = []
        ids = [rule.get("id") for rule in rules]
        if len(set(ids)) != len(ids):
            p.append(f"run {r}: duplicate rule ids")
        for rule in rules:
            w = f"rule {rule.get('id')}"
            if not rule.get("id"):
                p.append(f"{w}: id missing")
            if not rule.get("name") or len(rule["name"]) > 255:
                p.append(f"{w}: name missing or longer than 255")
            for key in ("shortDescription", "fullDescription"):
                text = rule.get(key, {}).get("text", "")
                if not text or len(text) > 1024:
                    p.append(f"{w}: {key}.text missing or longer than 1024")
            help_ = rule.get("help", {})
            if not help_.get("text"):
                p.append(f"{w}: help.text missing")
            if not help_.get("markdown"):
                p.append(f"{w}: help.markdown missing")
            if rule.get("defaultConfiguration", {}).get("level") not in _LEVELS - {"none"}:
                p.append(f"{w}: defaultConfiguration.level missing or invalid")
            props = rule.get("properties", {})
            tags = props.get("tags", [])
            if "security" not in tags:
                p.append(f"{w}: tags lack 'security'")
            if len(tags) > 20:
                p.append(f"{w}: more than 20 tags")
            if any(
                t.startswith("external/cwe/") and not re.fullmatch(r"external/cwe/cwe-\d+", t) for t in tags
            ):
                p.append(f"{w}: malformed CWE tag")
            score = props.get("security-severity")
            if not isinstance(score, str):
                p.append(f"{w}: security-severity must be a string, got {score!r}")
            else:
                try:
                    if not 0.1 <= float(score) <= 10.0:
                        p.append(f"{w}: security-severity {score} outside 0.1-10.0")
                except ValueError:
                    p.append(f"{w}: security-severity {score!r} is not a number")
            if props.get("precision") not in _PRECISIONS:
                p.append(f"{w}: precision missing or invalid")
        invocations = run.get("invocations", [])
        if any("executionSuccessful" not in inv for inv in invocations):
            p.append(f"run {r}: invocation without executionSuccessful")
        results = run.get("results")
        if not isinstance(results, list):
            p.append(f"run {r}: results missing")
            results = []
        if len(results) > 25000:
            p.append(f"run {r}: more than 25000 results")
        for n, res in enumerate(results):
            w = f"result {n}"
            i = res.get("ruleIndex")
            if not isinstance(i, int) or not 0 <= i < len(rules) or rules[i].get("id") != res.get("ruleId"):
                p.append(f"{w}: ruleIndex {i} does not point at ruleId {res.get('ruleId')}")
            if res.get("level", "warning") not in _LEVELS:
                p.append(f"{w}: level invalid")
            message = res.get("message", {})
            text = message.get("text")
            if not text:
                p.append(f"{w}: message.text missing (GH1007)")
            elif re.search(r"\{\d+\}", text):
                p.append(f"{w}: message.text has unformatted placeholders (GH1007)")
            locations = res.get("locations") or []
            if not 1 <= len(locations) <= 10:
                p.append(f"{w}: needs 1 to 10 locations (GH1001)")
            for loc in locations[:1]:
                phys = loc.get("physicalLocation", {})
                p += _uri_problems(phys.get("artifactLocation", {}).get("uri"), w)
                region = phys.get("region")
                if not region or not isinstance(region.get("startLine"), int) or region["startLine"] < 1:
                    p.append(f"{w}: region.startLine must be >= 1 (GH1003)")
                elif region.get("startColumn", 1) < 1:
                    p.append(f"{w}: region.startColumn must be >= 1")
            for rel in res.get("relatedLocations", []):
                p += _uri_problems(rel.get("physicalLocation", {}).get("artifactLocation", {}).get("uri"), w)
            fp = res.get("partialFingerprints", {}).get("primaryLocationLineHash")
            if not isinstance(fp, str) or not fp:
                p.append(f"{w}: primaryLocationLineHash missing")
    return p


def _results_of(log: dict) -> list[dict]:
    return log["runs"][0]["results"]


def _uri(res: dict) -> str:
    return res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def _fp(res: dict) -> str:
    return res["partialFingerprints"]["primaryLocationLineHash"]


# ---- schema and ingestion ---------------------------------------------------------------------------------


VARIANTS = {
    "full": {},
    "automation": {"automation_id": "emslint/prod-configs/"},
    "notifications": {
        "notifications": [
            {"level": "error", "message": "missing: no such file or folder", "file": "missing"},
            {"level": "warning", "message": "template skipped", "file": None},
            {"level": "note", "message": "4 targets", "file": None},
        ]
    },
    "base_dir": {"base_dir": "/srv/repo"},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_is_valid_sarif_and_ingestible(validator, variant):
    log = render(**VARIANTS[variant])
    assert schema_errors(validator, log) == []
    assert github_ingestion_problems(log) == []


def test_empty_run_is_valid(validator):
    log = render(results=[])
    assert schema_errors(validator, log) == []
    assert github_ingestion_problems(log) == []
    run = log["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert run["invocations"][0]["executionSuccessful"] is True


def test_the_ingestion_checker_catches_what_github_rejects(validator):
    good = render()

    def phys(log: dict) -> dict:
        return _results_of(log)[0]["locations"][0]["physicalLocation"]

    def rule0(log: dict) -> dict:
        return log["runs"][0]["tool"]["driver"]["rules"][0]

    bad_edits = {
        "file uri": lambda log: phys(log)["artifactLocation"].update(uri="file:///home/runner/x.json"),
        "dotdot": lambda log: phys(log)["artifactLocation"].update(uri="../x.json"),
        "space": lambda log: phys(log)["artifactLocation"].update(uri="a b.json"),
        "line 0": lambda log: phys(log)["region"].update(startLine=0),
        "numeric score": lambda log: rule0(log)["properties"].update({"security-severity": 9.5}),
        "score range": lambda log: rule0(log)["properties"].update({"security-severity": "11"}),
        "no security tag": lambda log: rule0(log)["properties"].update(tags=[]),
        "no markdown": lambda log: rule0(log)["help"].pop("markdown"),
        "ruleIndex": lambda log: _results_of(log)[0].update(ruleIndex=_results_of(log)[0]["ruleIndex"] + 1),
        "no fingerprint": lambda log: _results_of(log)[0].pop("partialFingerprints"),
    }
    for name, edit in bad_edits.items():
        log = copy.deepcopy(good)
        edit(log)
        assert github_ingestion_problems(log), name


def test_the_schema_rejects_a_wrong_level(validator):
    log = render()
    _results_of(log)[0]["level"] = "high"
    assert schema_errors(validator, log)


def test_vendored_schema_is_the_official_file():
    data = resources.files("emslint.data")
    digest = hashlib.sha256(data.joinpath("sarif-schema-2.1.0.json").read_bytes()).hexdigest()
    assert digest == "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
    assert "OASIS" in data.joinpath("sarif-schema-2.1.0.NOTICE.md").read_text(encoding="utf-8")


# ---- log, run, driver ---------------------------------------------------------------------------------


def test_log_and_driver_fields():
    log = render(version="1.2.3")
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "emslint"
    assert driver["version"] == driver["semanticVersion"] == "1.2.3"
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"
    assert "automationDetails" not in run


def test_automation_details_when_given():
    assert render(automation_id="emslint/prod/")["runs"][0]["automationDetails"] == {"id": "emslint/prod/"}


def test_rules_are_only_those_that_fired_sorted_by_id():
    ids = [r["id"] for r in render()["runs"][0]["tool"]["driver"]["rules"]]
    assert ids == ["EMS101", "EMS402", "EMS601", "EMS701", "EMS805", "EMS903"]


def test_rule_descriptor_fields():
    rules = {r["id"]: r for r in render()["runs"][0]["tool"]["driver"]["rules"]}
    r = rules["EMS402"]
    assert r["name"] == "lsr-appkey-cleartext"
    assert r["shortDescription"]["text"] == "Summary of lsr-appkey-cleartext."
    assert r["fullDescription"]["text"] == "Detects lsr-appkey-cleartext in config.json and config.lua."
    assert r["helpUri"] == "https://support.ptc.com/help/ems402.html"
    assert r["help"]["markdown"].startswith("# lsr-appkey-cleartext (EMS402)")
    # GitHub never shows helpUri: every source must be inside the help itself
    for url in RULES["EMS402"].sources:
        assert url in r["help"]["markdown"] and url in r["help"]["text"]
    assert "```json" in r["help"]["markdown"] and "```" not in r["help"]["text"]
    assert r["defaultConfiguration"] == {"level": "error"}
    assert r["properties"]["tags"] == ["security", "secrets", "external/cwe/cwe-312", "external/cwe/cwe-256"]
    assert r["properties"]["precision"] == "high"
    assert r["properties"]["security-severity"] == "8.0"
    assert rules["EMS903"]["properties"]["precision"] == "medium"


@pytest.mark.parametrize(
    ("severity", "score", "level"),
    [
        (Severity.CRITICAL, "9.5", "error"),
        (Severity.HIGH, "8.0", "error"),
        (Severity.MEDIUM, "5.5", "warning"),
        (Severity.LOW, "3.0", "warning"),
        (Severity.INFO, "1.0", "note"),
    ],
)
def test_severity_mapping(severity, score, level):
    rule = make_rule("EMS101", "platform-encryption-none", severity, "transport")
    f = Finding("EMS101", rule.name, severity, "m", "etc/config.json", 2, 3, "/a")
    target = TargetResult("x", ["etc/config.json"], [f], {}, ABSENT)
    log = render(results=[target], rules={"EMS101": rule})
    descriptor = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert descriptor["properties"]["security-severity"] == score
    assert descriptor["defaultConfiguration"]["level"] == level
    assert _results_of(log)[0]["level"] == level
    # GitHub maps >= 9.0 to critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low
    expected_band = {"9.5": "critical", "8.0": "high", "5.5": "medium", "3.0": "low", "1.0": "low"}[score]
    value = float(score)
    band = "critical" if value >= 9.0 else "high" if value >= 7.0 else "medium" if value >= 4.0 else "low"
    assert band == expected_band


def test_rule_severity_follows_the_effective_severity_of_its_findings():
    # development profile / severity setting lowered EMS101 to info upstream: GitHub must not say critical
    rule = RULES["EMS101"]
    f = Finding("EMS101", rule.name, Severity.INFO, "m", "etc/config.json", 2, 3, "/a")
    log = render(results=[TargetResult("x", [], [f], {}, ABSENT)], rules=RULES)
    descriptor = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert descriptor["properties"]["security-severity"] == "1.0"
    assert descriptor["properties"]["default-severity"] == "critical"
    assert descriptor["defaultConfiguration"]["level"] == "note"


def test_long_descriptions_are_truncated_to_1024():
    rule = dataclasses.replace(RULES["EMS101"], what="x" * 5000, summary="y" * 2000)
    log = render(rules={**RULES, "EMS101": rule})
    descriptor = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert len(descriptor["fullDescription"]["text"]) == 1024
    assert len(descriptor["shortDescription"]["text"]) == 1024


def test_tags_are_capped_at_20():
    rule = dataclasses.replace(RULES["EMS101"], cwe=[f"CWE-{n}" for n in range(100, 140)])
    driver = render(rules={**RULES, "EMS101": rule})["runs"][0]["tool"]["driver"]
    tags = driver["rules"][0]["properties"]["tags"]
    assert len(tags) == 20 and tags[:2] == ["security", "transport"]


def test_a_finding_whose_rule_is_unknown_still_gets_a_valid_descriptor(validator):
    f = Finding("EMS950", "internal-check", Severity.MEDIUM, "m", "etc/config.json", 1, 1, "")
    log = render(results=[TargetResult("x", [], [f], {}, ABSENT)], rules={})
    assert schema_errors(validator, log) == [] and github_ingestion_problems(log) == []


# ---- results ----------------------------------------------------------------------------------------


def test_results_are_sorted_by_file_line_column_rule():
    keys = [
        (_uri(r), r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"])
        for r in _results_of(render())
    ]
    assert keys == sorted(keys)
    assert len(keys) == 8


def test_rule_index_points_at_the_rule():
    log = render()
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for res in _results_of(log):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_levels_and_properties_of_results():
    by_rule = {r["ruleId"]: r for r in _results_of(render())}
    assert by_rule["EMS101"]["level"] == "error"
    assert by_rule["EMS601"]["level"] == "warning"
    assert by_rule["EMS903"]["level"] == "note"
    assert by_rule["EMS101"]["properties"] == {"severity": "critical", "link": "platform", "caps": "low"}
    assert by_rule["EMS903"]["properties"] == {"severity": "info", "link": None, "caps": None}


def test_message_is_the_finding_message_plus_link():
    by_rule = {r["ruleId"]: r for r in _results_of(render())}
    assert by_rule["EMS101"]["message"] == {
        "text": 'ws_connection.encryption is "none": the app key travels in clear [link: platform]'
    }
    assert by_rule["EMS903"]["message"]["text"] == "edge3/etc/config.json triggers template-config"


def test_uris_are_relative_and_percent_encoded():
    uris = sorted({_uri(r) for r in _results_of(render())})
    assert uris == [
        "edge2/etc/config.lua",  # written ".\\edge2\\etc\\config.lua"
        "edge3/certs/ca.der",
        "edge3/etc/config.json",
        "sites/plant%20a/edge-%C3%A9/certs/server.key",
        "sites/plant%20a/edge-%C3%A9/etc/config.json",
        "sites/plant%20a/edge-%C3%A9/etc/config.lua",
    ]


def test_absolute_paths_are_made_relative_to_base_dir():
    f = finding("EMS805", "/srv/repo/edge5/etc/config.lua", 3, 1, "/scripts/log_level")
    g = finding("EMS805", "/elsewhere/edge6/etc/config.lua", 3, 1, "/scripts/log_level")
    log = render(results=[TargetResult("/srv/repo/edge5", [], [f, g], {}, ABSENT)], base_dir="/srv/repo")
    uris = sorted(_uri(r) for r in _results_of(log))
    # outside base_dir: an absolute file URI (GitHub rewrites those against the checkout root)
    assert uris == ["edge5/etc/config.lua", "file:///elsewhere/edge6/etc/config.lua"]
    assert log["runs"][0]["invocations"][0]["workingDirectory"] == {"uri": "file:///srv/repo/"}


@pytest.mark.parametrize(
    ("path", "base", "uri"),
    [
        ("./etc/config.json", None, "etc/config.json"),
        ("././a/./b.json", None, "a/b.json"),
        ("a\\b c\\config.lua", None, "a/b%20c/config.lua"),
        ("site #1/100%/config.json", None, "site%20%231/100%25/config.json"),
        ("c:odd/config.json", None, "c%3Aodd/config.json"),
        ("Ünïcode/конфиг.lua", None, "%C3%9Cn%C3%AFcode/%D0%BA%D0%BE%D0%BD%D1%84%D0%B8%D0%B3.lua"),
        ("/srv/repo/a b/config.json", "/srv/repo", "a%20b/config.json"),
        ("/srv/repo/a/config.json", "/srv/repo/", "a/config.json"),
        ("/srv/other/config.json", "/srv/repo", "file:///srv/other/config.json"),
        ("C:\\work\\edge\\config.json", "C:\\work", "edge/config.json"),
        ("C:\\work\\edge\\config.json", None, "file:///C:/work/edge/config.json"),
    ],
)
def test_artifact_uri(path, base, uri):
    assert artifact_uri(path, base) == uri


_PATH_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\\/")
_SEGMENT = st.text(_PATH_CHARS, min_size=1, max_size=8).filter(lambda s: s not in (".", ".."))


@given(st.lists(_SEGMENT, min_size=1, max_size=4))
def test_relative_paths_round_trip_through_the_uri(segments):
    path = "/".join(segments)
    uri = artifact_uri(path)
    assert _uri_problems(uri, "uri") == []
    assert unquote(uri) == path


def test_whole_file_findings_start_at_line_1_without_logical_location():
    for res in _results_of(render()):
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    der = next(r for r in _results_of(render()) if _uri(r) == "edge3/certs/ca.der")
    assert der["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    assert "logicalLocations" not in der["locations"][0]


def test_pointer_is_the_logical_location():
    res = next(r for r in _results_of(render()) if r["ruleId"] == "EMS101")
    assert res["locations"][0]["logicalLocations"] == [
        {"name": "encryption", "fullyQualifiedName": "/ws_connection/encryption", "kind": "member"}
    ]
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 5}


def test_related_certificate_files_are_related_locations():
    res = next(r for r in _results_of(render()) if r["ruleId"] == "EMS601")
    assert res["relatedLocations"] == [
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "sites/plant%20a/edge-%C3%A9/certs/server%20cert.pem"}
            },
            "message": {"text": "referenced certificate or key file"},
        },
        {
            "id": 2,
            "physicalLocation": {"artifactLocation": {"uri": "sites/plant%20a/edge-%C3%A9/certs/server.key"}},
            "message": {"text": "referenced certificate or key file"},
        },
    ]
    assert all("relatedLocations" not in r for r in _results_of(render()) if r["ruleId"] != "EMS601")


def test_no_snippets_or_context_regions():
    text = render_sarif(make_results(), RULES, version="0.1.0")
    assert '"snippet"' not in text and '"contextRegion"' not in text


# ---- fingerprints -------------------------------------------------------------------------------------


def _single(f: Finding) -> str:
    return _fp(_results_of(render(results=[TargetResult("x", [], [f], {}, ABSENT)]))[0])


def test_fingerprint_is_a_hash_of_rule_file_and_pointer():
    f = finding("EMS101", "etc/config.json", 12, 5, "/ws_connection/encryption")
    assert _single(f) == logical_hash("EMS101", "etc/config.json", "/ws_connection/encryption") + ":1"
    assert re.fullmatch(r"[0-9a-f]{16}:1", _single(f))


def test_fingerprint_survives_line_moves_and_message_changes():
    f = finding("EMS101", "etc/config.json", 12, 5, "/ws_connection/encryption")
    moved = dataclasses.replace(f, line=40, column=9, message="reworded")
    assert _single(f) == _single(moved)


def test_fingerprint_changes_with_pointer_file_or_rule():
    f = finding("EMS101", "etc/config.json", 12, 5, "/ws_connection/encryption")
    variants = [
        dataclasses.replace(f, pointer="/ws_connection/port"),
        dataclasses.replace(f, file="other/etc/config.json"),
        dataclasses.replace(f, rule="EMS402", name="lsr-appkey-cleartext"),
    ]
    fps = {_single(f), *(_single(v) for v in variants)}
    assert len(fps) == 4


def test_fingerprint_does_not_depend_on_how_the_path_was_written():
    f = finding("EMS101", "./a\\etc/config.json", 12, 5, "/p")
    assert _single(f) == _single(dataclasses.replace(f, file="a/etc/config.json"))


def test_duplicate_identities_get_numbered_fingerprints():
    f = finding("EMS701", "certs/k.key", 1, 1, "")
    g = dataclasses.replace(f, message="second")
    fps = [_fp(r) for r in _results_of(render(results=[TargetResult("x", [], [f, g], {}, ABSENT)]))]
    assert [fp.split(":")[1] for fp in fps] == ["1", "2"] and fps[0].split(":")[0] == fps[1].split(":")[0]


def test_fingerprints_unique_in_the_realistic_log():
    fps = [_fp(r) for r in _results_of(render())]
    assert len(fps) == len(set(fps))


# ---- invocation ---------------------------------------------------------------------------------------


def test_unanalysed_target_makes_execution_unsuccessful():
    inv = render()["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert inv["toolExecutionNotifications"] == [
        {
            "level": "error",
            "message": {"text": "internal error while evaluating rules for edge4/etc/config.lua"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "edge4"}}}],
        }
    ]


def test_unanalysed_target_without_errors_still_gets_a_notification():
    t = TargetResult("edge9", [], [], {}, ABSENT, analysed=False)
    inv = render(results=[t])["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert inv["toolExecutionNotifications"][0]["level"] == "error"
    assert "edge9" in inv["toolExecutionNotifications"][0]["message"]["text"]


def test_a_target_that_could_not_be_read_makes_execution_unsuccessful():
    t = TargetResult("edge8", [], [], {}, ABSENT, errors=["edge8/etc/config.json: could not be read"])
    inv = render(results=[t])["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert inv["toolExecutionNotifications"][0]["level"] == "error"


def test_execution_is_successful_with_only_warnings_and_notes():
    results = make_results()[:3]
    notes = [
        {"level": "warning", "message": "w", "file": "x/y z"},
        {"level": "note", "message": "n", "file": None},
    ]
    inv = render(results=results, notifications=notes)["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is True
    assert inv["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "x/y%20z"
    }
    assert "locations" not in inv["toolExecutionNotifications"][1]
    assert "toolExecutionNotifications" not in render(results=results)["runs"][0]["invocations"][0]


def test_an_error_notification_makes_execution_unsuccessful():
    notes = [{"level": "error", "message": "missing: no such file or folder", "file": None}]
    inv = render(results=make_results()[:3], notifications=notes)["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False


def test_bad_notification_level_is_refused():
    with pytest.raises(ValueError):
        render(notifications=[{"level": "fatal", "message": "x", "file": None}])


# ---- determinism and secrets --------------------------------------------------------------------------


def test_two_renders_are_byte_identical():
    a = render_sarif(make_results(), RULES, version="0.1.0", automation_id="emslint/ci/")
    b = render_sarif(make_results(), RULES, version="0.1.0", automation_id="emslint/ci/")
    assert a == b
    assert a.endswith("}\n") and "\t" not in a


def test_input_order_does_not_change_the_output():
    results = make_results()
    shuffled = [dataclasses.replace(t, findings=list(t.findings)) for t in results]
    rnd = random.Random(7)
    for t in shuffled:
        rnd.shuffle(t.findings)
    rnd.shuffle(shuffled)
    rules = dict(sorted(RULES.items(), reverse=True))
    assert render_sarif(results, RULES, version="0.1.0") == render_sarif(shuffled, rules, version="0.1.0")


def test_no_timestamps():
    text = render_sarif(make_results(), RULES, version="0.1.0")
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text)
    assert "startTimeUtc" not in text and "endTimeUtc" not in text


def test_a_planted_secret_never_appears():
    text = render_sarif(make_results(), RULES, version="0.1.0")
    assert SECRET not in text
    assert SECRET[:8] not in text and SECRET.split("-")[-1] not in text
    assert SECRET_HASH not in text  # the value hash feeds the baseline only
    assert SECRET_HASH != SECRET


def test_unicode_is_written_as_is():
    text = render_sarif(make_results(), RULES, version="0.1.0")
    assert "\\u00e9" not in text
