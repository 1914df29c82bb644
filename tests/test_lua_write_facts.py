"""The facts list ``lua_writes`` (emslint/facts/lua_writes.py): one item per unresolved write of config.lua."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emslint.facts.lua_writes import lua_write_items
from emslint.read.lua_reader import read_lua
from emslint.read.sources import SourceFile
from tests.hardening import run_cli, write_deployment

TAIL = ": emslint does not run config.lua, so it cannot tell which values the LSR ends up with"


def _items(src: str) -> list[dict]:
    return lua_write_items(SourceFile("lsr", "etc/config.lua", read_lua(src)))


def test_an_item_per_write_with_its_place_keys_and_links() -> None:
    src = (
        "scripts.rap_ssl = true\n"
        "if flag then scripts.rap_ssl = false end\n"
        'if flag then scripts.log_level = "DEBUG" end\n'
        'if flag then scripts.script_resource_host = "0.0.0.0"; scripts.rap_port = 1 end\n'
        'scripts.T = { file = "t.lua" }\nif flag then scripts.T.file = "x.lua" end\n'
    )
    assert _items(src) == [
        {
            "at": {"file": "lsr", "pointer": "/scripts/rap_ssl", "line": 2, "column": 14},
            "pointers": ["/scripts/rap_ssl"],
            "reason": "an assignment inside an if block",
            "security": True,
            "link": "ems-rest",
            "links": ["ems-rest"],
            "detail": "an assignment inside an if block may change scripts.rap_ssl" + TAIL,
        },
        {
            "at": {"file": "lsr", "pointer": "/scripts/log_level", "line": 3, "column": 14},
            "pointers": ["/scripts/log_level"],
            "reason": "an assignment inside an if block",
            "security": False,
            "link": None,
            "links": [],
            "detail": "an assignment inside an if block may change scripts.log_level" + TAIL,
        },
        {
            "at": {"file": "lsr", "pointer": "/scripts/script_resource_host", "line": 4, "column": 14},
            "pointers": ["/scripts/script_resource_host"],
            "reason": "an assignment inside an if block",
            "security": True,
            "link": "lsr-rest",
            "links": ["lsr-rest"],
            "detail": "an assignment inside an if block may change scripts.script_resource_host" + TAIL,
        },
        {
            "at": {"file": "lsr", "pointer": "/scripts/rap_port", "line": 4, "column": 56},
            "pointers": ["/scripts/rap_port"],
            "reason": "an assignment inside an if block",
            "security": True,
            "link": "ems-rest",
            "links": ["ems-rest"],
            "detail": "an assignment inside an if block may change scripts.rap_port" + TAIL,
        },
        {
            "at": {"file": "lsr", "pointer": "/scripts/T/file", "line": 6, "column": 14},
            "pointers": ["/scripts/T/file"],
            "reason": "an assignment inside an if block",
            "security": False,
            "link": None,
            "links": [],
            "detail": "an assignment inside an if block may change scripts.T.file" + TAIL,
        },
    ]


def test_a_call_that_may_run_code_may_change_any_key() -> None:
    src = "scripts.rap_ssl = true\nif flag then scripts.log_level = 'DEBUG' end\ndofile('site.lua')\n"
    assert [(i["at"], i["pointers"], i["security"], i["link"], i["links"]) for i in _items(src)] == [
        ({"file": "lsr", "pointer": "/scripts/log_level", "line": 2, "column": 14}, ["/scripts/log_level"], False,
         None, []),
        ({"file": "lsr", "pointer": "/scripts", "line": 3, "column": 1}, None, True, None, ["ems-rest", "lsr-rest"]),
    ]
    assert _items(src)[1]["detail"] == (
        "a call of dofile (it may run any code) may change any key of scripts, also keys the file never sets" + TAIL
    )


def test_several_keys_are_named_then_counted() -> None:
    src = "".join(f"scripts.T{i} = {{}}\n" for i in range(7)) + "if flag then s = scripts end\ns.rap_ssl = 1\n"
    [item] = _items(src)
    assert item["at"]["pointer"] == "/scripts"
    assert item["security"] is True and item["link"] == "ems-rest"
    assert item["detail"] == (
        "an assignment through a table value that is not statically known may change scripts.T0.rap_ssl, "
        "scripts.T1.rap_ssl, scripts.T2.rap_ssl, scripts.T3.rap_ssl, scripts.T4.rap_ssl and 3 more" + TAIL
    )


@pytest.mark.parametrize("src", ["scripts.rap_ssl = true\n", "local t = {}\nif flag then t.x = 1 end\n"])
def test_no_items_without_unresolved_writes(src: str) -> None:
    assert _items(src) == []


def test_no_items_without_config_lua() -> None:
    assert lua_write_items(None) == []
    assert lua_write_items(SourceFile("lsr", "etc/config.lua", None)) == []


def test_facts_command_shows_the_list(tmp_path: Path) -> None:
    lsr = "scripts.rap_ssl = true\nif os.getenv('X') then scripts.rap_ssl = false end\n"
    write_deployment(tmp_path / "gw", lsr=lsr)
    run = run_cli(["facts", "gw"], cwd=tmp_path)
    assert run.code == 0, run.err
    facts = json.loads(run.out)[0]["facts"]
    assert [(w["at"]["line"], w["pointers"], w["security"]) for w in facts["lua_writes"]] == [
        (2, ["/scripts/rap_ssl"], True)
    ]
    assert facts["lsr"]["rap_ssl"] == {"$unknown": "assigned inside an if block"}
    write_deployment(tmp_path / "plain", ems={"http_server": {"ssl": True}})
    plain = json.loads(run_cli(["facts", "plain"], cwd=tmp_path).out)[0]["facts"]
    assert plain["lua_writes"] == []


@pytest.mark.parametrize(
    "appended, level, rule",
    [
        ("_G.scripts.rap_ssl = false", "low", "EMS210"),  # read as Lua reads it: TLS off
        ("local s = scripts; s.rap_ssl = false", "low", "EMS210"),
        ("rawset(scripts, 'rap_ssl', false)", "low", "EMS210"),
        ("scripts.rap_ssl = nil", "low", "EMS210"),
        ('if os.getenv("X") then scripts.rap_ssl = false end', "unknown", "EMS022"),  # may or may not run
        ('loadstring(os.getenv("X"))()', "unknown", "EMS022"),
        ("local function f(t) t.rap_validate = false end f(scripts)", "unknown", "EMS022"),
    ],
)
def test_the_high_example_with_a_write_appended_is_no_longer_high(
    tmp_path: Path, appended: str, level: str, rule: str
) -> None:
    import shutil

    root = Path(__file__).resolve().parents[1] / "examples" / "high"
    shutil.copytree(root, tmp_path / "high")
    config = tmp_path / "high" / "etc" / "config.lua"
    before = json.loads(run_cli(["check", "--format", "json", "high"], cwd=tmp_path).out)["targets"][0]
    assert before["level"] == "high"
    lines = config.read_text().count("\n")
    config.write_text(config.read_text() + appended + "\n")
    after = json.loads(run_cli(["check", "--format", "json", "high"], cwd=tmp_path).out)["targets"][0]
    assert after["level"] == level
    assert (rule, lines + 1) in {(f["rule"], f["line"]) for f in after["findings"] if f["severity"] == "high"}
