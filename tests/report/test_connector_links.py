"""The connector links in every report: the text links line shows the links of the product found, JSON all six."""

from __future__ import annotations

from emslint.model import ABSENT, LINKS, Level, TargetResult, Verdict
from emslint.report.text import shown_links, target_lines

HIGH = Verdict("high", Level.HIGH)
LOW = Verdict("low", Level.LOW, ("EMC101",))


def _result(**links: Verdict) -> TargetResult:
    full = {link: links.get(link.replace("-", "_"), ABSENT) for link in LINKS}
    return TargetResult("t", [], [], full, HIGH)


def test_the_links_line_shows_the_product_found() -> None:
    ems = _result(platform=HIGH, ems_rest=HIGH)
    assert [link for link, _ in shown_links(ems)] == ["platform", "ems-rest", "lsr-rest"]
    connector = _result(connector_platform=LOW, connector_edge=HIGH)
    assert [link for link, _ in shown_links(connector)] == ["connector-platform", "connector-edge", "connector-gas"]
    assert "  links: connector-platform LOW  connector-edge HIGH  connector-gas absent" in \
        target_lines(connector, styled=False)
    both = _result(platform=HIGH, connector_gas=LOW)
    assert [link for link, _ in shown_links(both)] == list(LINKS)
    nothing = _result()
    assert [link for link, _ in shown_links(nothing)] == ["platform", "ems-rest", "lsr-rest"]


def test_json_has_every_link_even_for_a_result_made_by_hand() -> None:
    result = TargetResult("t", [], [], {"platform": LOW}, LOW)
    data = result.to_dict()
    assert list(data["links"]) == list(LINKS)
    assert data["links"]["platform"] == "low" and data["links"]["connector-gas"] is None
    assert list(data["verdicts"]) == ["deployment", *LINKS]


def test_sarif_and_github_name_the_connector_links() -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    import jsonschema

    root = Path(__file__).resolve().parents[2]

    def run(fmt: str) -> str:
        return subprocess.run([sys.executable, "-m", "emslint.cli", "check", "examples/emessage/low", "--format",
                               fmt], cwd=root, capture_output=True, text=True).stdout

    log = json.loads(run("sarif"))
    schema = json.loads((root / "emslint" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    links = {r["properties"]["link"] for r in log["runs"][0]["results"]}
    assert {"connector-platform", "connector-edge", "connector-gas"} <= links
    assert any(r["message"]["text"].endswith("[link: connector-gas]") for r in log["runs"][0]["results"])
    github = run("github")
    assert "EMC201" in github and "[link: connector-gas]" in github
