"""config.lua is never executed, imported or evaluated: not by a Lua runtime, not by Python.

The config below calls everything that would have an effect if it ran: ``os.execute``, ``io.open`` (write),
``io.popen``, ``loadstring``, ``load``, ``dofile``, ``loadfile``, ``require``, ``os.remove``, ``os.rename``.
Each effect would leave a sentinel file or read a planted file; the tests check that

* nothing happened (no sentinel file, no planted file opened, no process started, no Lua runtime loaded:
  an audit hook watches ``open``, ``subprocess.Popen``, ``os.system``, ``os.exec*``, ``os.posix_spawn``,
  ``os.fork``, ``ctypes.dlopen``, ``import``, ``compile`` and ``exec``);
* the values these calls produce are "not statically known": absent from ``data``, listed in ``unknown`` with
  a reason, ``{"$unknown": ...}`` in the facts, and no rule fires on them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.hardening import ROOT, audited, lint_folder, run_cli, run_process, write_deployment

# Pointers (under /scripts) whose value comes from a call that must not run.
CALLED = {
    "rap_password": 'os.execute("touch {sentinel}/os-execute") or "x"',
    "rap_host": 'io.open("{sentinel}/io-open", "w")',
    "rap_userid": 'io.popen("touch {sentinel}/io-popen"):read("*a")',
    "script_resource_password": 'loadstring("os.execute([[touch {sentinel}/loadstring]])")()',
    "script_resource_passphrase": 'load("return 1")()',
    "script_resource_host": 'dofile("{planted}/evil.lua")',
    "script_resource_userid": 'loadfile("{planted}/evil.lua")()',
    "log_level": 'require("evil")',
    "rap_cert_file": 'os.remove("{victim}")',
    "script_resource_certificate_chain": 'os.rename("{victim}", "{sentinel}/renamed")',
    "script_resource_port": "tonumber(os.getenv('PORT'))",
}

EVIL_LUA = 'os.execute("touch {sentinel}/evil-ran")\nscripts.rap_ssl = false\nreturn "x"\n'


def config_text(sentinel: Path, planted: Path, victim: Path) -> str:
    lines = ["-- every line below would have an effect if this file ran", 'package.path = "{planted}/?.lua"']
    lines += [f"scripts.{key} = {expr}" for key, expr in CALLED.items()]
    lines += [
        'os.execute("touch {sentinel}/statement")',
        'local f = io.open("{sentinel}/local-file", "w") f:write("x") f:close()',
        'pcall(require, "evil")',
        'setmetatable(scripts, {{__index = function() os.execute("touch {sentinel}/metatable") end}})',
        "scripts.rap_ssl = true",  # after code that may run (a metatable may catch it), not certain either
        "",
    ]
    return "\n".join(lines).format(sentinel=sentinel, planted=planted, victim=victim)


@pytest.fixture
def hostile_lua(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    sentinel = tmp_path / "sentinel"
    sentinel.mkdir()
    planted = tmp_path / "planted"
    planted.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("must survive")
    (planted / "evil.lua").write_text(EVIL_LUA.format(sentinel=sentinel))
    deployment = write_deployment(tmp_path / "fleet" / "gw", lsr=config_text(sentinel, planted, victim))
    return deployment, sentinel, planted, victim


def _preload() -> None:
    """Import and compile everything a lint needs first, so that the audited run shows only its own events."""
    import importlib

    for name in ("emslint.api", "emslint.report.github", "emslint.report.json_report", "emslint.report.sarif",
                 "emslint.report.text"):
        importlib.import_module(name)


# ----------------------------------------------------------------------------------------------- tests


def test_nothing_runs_and_nothing_is_opened(hostile_lua: tuple[Path, Path, Path, Path]) -> None:
    deployment, sentinel, planted, victim = hostile_lua
    _preload()
    lint_folder(deployment.parent)  # warm caches (rules compiled, modules imported)
    with audited() as events:
        results = lint_folder(deployment.parent)
    assert list(sentinel.iterdir()) == []
    assert victim.read_text() == "must survive"
    opened = [str(a[0]) for e, a in events if e == "open" and a and isinstance(a[0], (str, bytes, Path))]
    assert any(p.endswith("config.lua") for p in opened), opened  # the hook sees the reads it should
    assert not [p for p in opened if str(planted) in p or str(sentinel) in p or str(victim) in p], opened
    spawned = [e for e, _ in events if e in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
                                             "os.spawn", "os.fork", "os.forkpty")]
    assert spawned == []
    assert [e for e, a in events if e in ("os.remove", "os.rename", "os.chmod", "os.truncate")] == []
    loaded = [a[0] for e, a in events if e == "ctypes.dlopen"]
    assert loaded == []
    imported = [a[0] for e, a in events if e == "import"]
    assert not [m for m in imported if "lua" in str(m).lower() and not str(m).startswith("emslint")], imported
    # No config text reaches Python's compiler: compile/exec only ever see emslint's own code.
    text = (deployment / "etc" / "config.lua").read_text()
    for event, args in events:
        if event == "compile" and args and isinstance(args[0], (str, bytes)):
            source = args[0].decode(errors="replace") if isinstance(args[0], bytes) else args[0]
            assert "os.execute" not in source and text[:40] not in source
    assert results and results[0].analysed


def test_the_values_are_not_statically_known(hostile_lua: tuple[Path, Path, Path, Path]) -> None:
    from emslint.read.lua_reader import read_lua

    deployment, *_ = hostile_lua
    result = read_lua((deployment / "etc" / "config.lua").read_text())
    scripts = result.data["scripts"]
    for key in CALLED:
        pointer = f"/scripts/{key}"
        assert key not in scripts, key  # no guessed value
        assert result.unknown.get(pointer), key  # with a reason
    assert "rap_ssl" not in scripts and result.unknown.get("/scripts/rap_ssl")
    not_static = {i.pointer for i in result.issues if i.code == "lua-not-static"}
    assert {f"/scripts/{key}" for key in CALLED} <= not_static
    # every call that may run code is an unresolved write that may change any key of scripts
    may_run = [w for w in result.unresolved_writes if w.pointers is None]
    assert {w.reason.split(" (")[0] for w in may_run} >= {
        "a call of load", "a call of dofile", "a call of require", "a call of pcall", "a call of setmetatable",
        "a call of a function that is not statically known",  # what loadstring(...) and loadfile(...) return
    }


def test_facts_and_findings_treat_them_as_unknown(hostile_lua: tuple[Path, Path, Path, Path]) -> None:
    deployment, sentinel, *_ = hostile_lua
    run = run_cli(["facts", "gw"], cwd=deployment.parent)
    assert run.code == 0, run.err
    lsr = json.loads(run.out)[0]["facts"]["lsr"]
    for key in CALLED:
        assert isinstance(lsr.get(key), dict) and "$unknown" in lsr[key], (key, lsr.get(key))
    check = run_cli(["check", "--format", "json", "gw"], cwd=deployment.parent)
    findings = json.loads(check.out)["targets"][0]["findings"]
    at_called = {f["rule"] for f in findings if f["pointer"].removeprefix("/scripts/") in CALLED}
    # Only "this value is not statically known" style findings may sit on them, never a guess.
    assert at_called <= {"EMS009", "EMS010"}, at_called
    assert list(sentinel.iterdir()) == []


def test_no_lua_runtime_is_loaded_in_a_fresh_process(hostile_lua: tuple[Path, Path, Path, Path]) -> None:
    """In a clean interpreter, linting the file loads no Lua binding (lupa) and no Lua parser package."""
    deployment, sentinel, *_ = hostile_lua
    code = (
        "import sys, json\n"
        "from emslint.cli import main\n"
        "sys.argv = ['emslint', 'check', '--format', 'json', '-j', '1', 'gw']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('lupa', 'luaparser', 'lua', 'ctypes'))\n"
        "sys.stderr.write('MODULES=' + json.dumps(bad) + '\\n')\n"
    )
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=deployment.parent,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = [x for x in proc.stderr.splitlines() if x.startswith("MODULES=")]
    assert line, proc.stderr[-2000:]
    assert json.loads(line[0].removeprefix("MODULES=")) == []
    assert list(sentinel.iterdir()) == []


def test_the_real_command_runs_nothing(hostile_lua: tuple[Path, Path, Path, Path]) -> None:
    deployment, sentinel, _planted, victim = hostile_lua
    for fmt in ("text", "json", "sarif"):
        run = run_process(["check", "--format", fmt, "gw"], cwd=deployment.parent)
        assert run.code in (0, 1), run.err[-1000:]
    assert list(sentinel.iterdir()) == []
    assert victim.read_text() == "must survive"


def test_emslint_source_never_uses_a_lua_runtime() -> None:
    """Belt and braces: the package does not mention the Lua bindings, and runs no other program."""
    forbidden = ("lupa", "luaparser", "LuaRuntime", "subprocess", "os.system", "os.popen", "ctypes")
    offenders = []
    for path in sorted((ROOT / "emslint").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {word}" for word in forbidden if word in text]
    assert offenders == []
