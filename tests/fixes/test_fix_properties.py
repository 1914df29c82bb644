"""Property tests of ``--fix`` and ``--diff`` over generated deployments (hypothesis), with the real readers as
oracles: ``json.loads`` and libcjson (the EMS's parser) for config.json, Lua 5.1 (lupa) for config.lua.

For every generated deployment, fixing it (safe only, or with the unsafe fixes):

* leaves a config.json that ``json.loads`` and cJSON parse whenever they parsed it before, and a config.lua that
  Lua 5.1 loads whenever it did;
* is idempotent: fixing again changes no byte and no mode;
* leaves every secret (its whole literal, quotes included) and every comment byte for byte as it was;
* adds no finding (counted by rule, file, pointer and identity);

and ``--diff`` leaves every file's bytes, mode and modification time as they were, and prints no secret.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emslint.discover import discover
from emslint.fixes.plan import finding_key
from emslint.fixes.runner import FixRun
from emslint.pipeline import Job, lint_job
from emslint.settings import SettingsResolver
from tests.read.test_lua_oracles import Lua51

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SECRETS = ("3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d", "hunter2\\\\q", "s3cr3t-Pa55", "AES:0VdhtgfKC23GUGtrIX3ioQ==")


# ---- oracles ------------------------------------------------------------------------------------------


class CJson:
    """libcjson (cJSON_Parse), as the EMS's C SDK parses config.json (the text up to the first NUL)."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("cjson") or "libcjson.so.1"
        try:
            self.lib = ctypes.CDLL(name)
        except OSError:
            pytest.skip("libcjson is not installed")
        self.lib.cJSON_Parse.restype = ctypes.c_void_p
        self.lib.cJSON_Parse.argtypes = [ctypes.c_char_p]
        self.lib.cJSON_Delete.argtypes = [ctypes.c_void_p]

    def parses(self, data: bytes) -> bool:
        item = self.lib.cJSON_Parse(data)
        if not item:
            return False
        self.lib.cJSON_Delete(item)
        return True


def _json_loads(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8"))
    except ValueError:
        return False
    return True


# ---- generated deployments ----------------------------------------------------------------------------

_LEVELS = st.sampled_from(["DEBUG", "TRACE", "WARN", "INFO"])
_PATHS = st.sampled_from(["/var/log/ems", "C:\\\\ThingWorx\\\\logs", "C:\\ThingWorx\\logs", "c:\\folder\\x",
                          "C:\\temp\\new"])


@st.composite
def config_json(draw: st.DrawFn) -> tuple[bytes, bool]:
    """(bytes, has comments): members drawn from a pool of good and bad settings, laid out one per line or
    inline, LF or CRLF, with or without a BOM."""
    members: list[tuple[str, str]] = [("ws_servers", '[{"host": "twx.example.com", "port": 443}]')]
    if draw(st.booleans()):
        key = draw(st.sampled_from(["appKey", "appkey", "AppKey"]))
        members.append((key, json.dumps(draw(st.sampled_from(SECRETS)))))
    logger = [("level", json.dumps(draw(_LEVELS)))]
    if draw(st.booleans()):
        logger.append(("publish_directory", f'"{draw(_PATHS)}"'))
    members.append(("logger", logger))
    certs = [("validate", draw(st.sampled_from(["true", "false"])))]
    if draw(st.booleans()):
        certs.append(("allow_self_signed", "true"))
    if draw(st.booleans()):
        certs.append((draw(st.sampled_from(["validate", "Validate"])), draw(st.sampled_from(["true", "false"]))))
    if draw(st.booleans()):
        certs.append(("cipher_suite", json.dumps(draw(st.sampled_from(["ALL", "HIGH:!aNULL", "ALL:eNULL",
                                                                            "AES128-SHA:AES256-SHA"])))))
    members.append((draw(st.sampled_from(["certificates", "Certificates"])), certs))
    http = [("host", json.dumps(draw(st.sampled_from(["localhost", "0.0.0.0", "192.0.2.7"])))),
            ("ssl", draw(st.sampled_from(["true", "false"]))), ("authenticate", "false")]
    if draw(st.booleans()):
        http.append(("password", json.dumps(draw(st.sampled_from(SECRETS)))))
    members.append(("http_server", http))
    if draw(st.booleans()):
        members.append(("ws_connection", [("encryption", '"ssl"'), ("verbose", "true"),
                                          ("connect_period", "60000")]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    inline = draw(st.booleans())
    comments = draw(st.booleans())
    lines = []
    for i, (key, value) in enumerate(members):
        if isinstance(value, list):
            inner = ", ".join(f'"{k}": {v}' for k, v in value) if inline else (
                "," + newline).join(f'    "{k}": {v}' for k, v in value)
            value = "{" + inner + "}" if inline else "{" + newline + inner + newline + "  }"
        comma = "," if i < len(members) - 1 else ""
        note = f" // note {i}" if comments and i % 2 else ""
        lines.append(f'  "{key}": {value}{comma}{note}')
    text = "{" + newline + newline.join(lines) + newline + "}" + newline
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + text).encode("utf-8"), comments


@st.composite
def config_lua(draw: st.DrawFn) -> bytes:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    quote = draw(st.sampled_from(['"', "'"]))
    host = draw(st.sampled_from(["localhost", "127.0.0.1"]))
    lines = ["-- LSR of a generated gateway", f"scripts.rap_host = {quote}{host}{quote}"]
    lines.append(f"scripts.rap_ssl = {draw(st.sampled_from(['true', 'false', quote + 'true' + quote]))}")
    deny = draw(st.sampled_from([None, "false", "true"]))
    if deny:
        lines.append(f"scripts.rap_deny_selfsigned = {deny} -- deny?")
    if draw(st.booleans()):
        lines.append(f"scripts.rap_cert_file = {quote}{draw(_PATHS)}{quote}")
    if draw(st.booleans()):
        lines.append(f"scripts.rap_password = {quote}{draw(st.sampled_from(SECRETS))}{quote} -- keep")
    lines.append(f"scripts.log_level = {quote}{draw(_LEVELS)}{quote}")
    if draw(st.booleans()):
        lines.append(f"scripts.log_publish_directory = {quote}{draw(_PATHS)}{quote}")
    if draw(st.booleans()):
        lines.append("scripts.script_resource_use_default_certificate = false")
    if draw(st.booleans()):
        lines.append("scripts.Thing = {" + newline + '    file = "thing.lua", -- the thing' + newline + "}")
    end = newline if draw(st.booleans()) else ""
    return (newline.join(lines) + end).encode("utf-8")


deployments = st.fixed_dictionaries({
    "json": st.one_of(st.none(), config_json()),
    "lua": st.one_of(st.none(), config_lua()),
    "modes": st.tuples(st.sampled_from([0o600, 0o640, 0o644, 0o660, 0o666]),
                       st.sampled_from([0o600, 0o644, 0o664])),
    "unsafe": st.booleans(),
    "ems_version": st.sampled_from([None, "5.4.10", "5.5.0"]),
}).filter(lambda d: d["json"] is not None or d["lua"] is not None)


def _write(folder: Path, case: dict) -> None:
    etc = folder / "etc"
    etc.mkdir(parents=True)
    if case["json"] is not None:
        (etc / "config.json").write_bytes(case["json"][0])
        os.chmod(etc / "config.json", case["modes"][0])
    if case["lua"] is not None:
        (etc / "config.lua").write_bytes(case["lua"])
        os.chmod(etc / "config.lua", case["modes"][1])


def _job(folder: Path, options: dict) -> Job:
    resolver = SettingsResolver({**options, "context": "device"}, origin="test", cwd=folder, isolated=True)
    targets, problems = discover([str(folder)], include_templates=False)
    assert len(targets) == 1 and not problems
    return Job(targets[0], resolver.for_target(targets[0].root))


def _files(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {p.name: (p.read_bytes(), os.stat(p).st_mode, os.stat(p).st_mtime_ns)
            for p in sorted((folder / "etc").iterdir())}


def _fix(folder: Path, case: dict, *, write: bool, diff: object = None) -> tuple[FixRun, object]:
    options = {"fix": write, "show_fixes": True, "unsafe_fixes": case["unsafe"]}
    if case["ems_version"]:
        options["ems_version"] = case["ems_version"]
    job = _job(folder, options)
    run = FixRun(write=write, unsafe=case["unsafe"], diff=diff)  # type: ignore[arg-type]
    before = lint_job(job, NOW)
    after = run.process(before, lambda: lint_job(job, NOW), {f.display: f.role for f in job.target.files})
    return run, (before, after)


def _all(result) -> Counter:
    return Counter(finding_key(f) for f in result.all_findings())


_CJSON: CJson | None = None
_LUA: Lua51 | None = None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=deployments)
def test_fix_parses_is_idempotent_keeps_secrets_and_comments_and_adds_no_finding(case):
    global _CJSON, _LUA
    _CJSON = _CJSON or CJson()
    _LUA = _LUA or Lua51()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "gw"
        _write(folder, case)
        original = {name: data for name, (data, _, _) in _files(folder).items()}
        run, (before, after) = _fix(folder, case, write=True)
        assert not run.errors, run.errors
        fixed = {name: data for name, (data, _, _) in _files(folder).items()}

        # still read by the products
        if "config.json" in original:
            old, new = original["config.json"], fixed["config.json"]
            assert _json_loads(new) or not _json_loads(old)
            assert _CJSON.parses(new) or not _CJSON.parses(old)
        if "config.lua" in original:
            old_lua, new_lua = original["config.lua"].decode(), fixed["config.lua"].decode()
            assert _LUA.load(new_lua)[1] is None or _LUA.load(old_lua)[1] is not None

        # secrets and comments byte for byte
        for name, data in original.items():
            for secret in SECRETS:
                for quote in ('"', "'"):
                    literal = f"{quote}{secret}{quote}".encode()
                    assert fixed[name].count(literal) == data.count(literal), (name, secret)
            for line in data.splitlines():
                for marker in (b"//", b"--"):
                    if marker in line and b'"' not in line.split(marker, 1)[1]:
                        comment = marker + line.split(marker, 1)[1]
                        assert fixed[name].count(comment) == data.count(comment), comment

        # no finding added (the lint after writing, against the lint before)
        assert not [k for k, n in _all(after).items() if n > _all(before)[k]]

        # idempotent
        state = _files(folder)
        again, _ = _fix(folder, case, write=True)
        assert _files(folder) == state
        assert again.fixes == 0 and again.files == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=deployments)
def test_diff_leaves_bytes_mode_and_mtime_and_prints_no_secret(case):
    import io

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "gw"
        _write(folder, case)
        state = _files(folder)
        out = io.StringIO()
        run, _ = _fix(folder, case, write=False, diff=out)
        assert _files(folder) == state
        text = out.getvalue()
        for secret in SECRETS:
            assert secret not in text and secret.replace("\\\\", "\\") not in text
        assert bool(text) == bool(run.files)
