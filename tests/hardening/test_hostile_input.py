"""Hostile or broken input gives findings or a one-line error with exit 2: never a traceback, never a hang.

Covered: truncated and bit-flipped files, binary garbage, NUL bytes, UTF-16/UTF-32, invalid UTF-8, a BOM,
50 MB strings, JSON and Lua nested 100,000 levels deep, configs that are folders, symlink loops, symlinks to
/dev/zero, FIFOs and sockets, and referenced certificates and keys that are folders, huge, random bytes,
unreadable, FIFOs or links out of the tree. Each input runs under a wall-clock limit (a hang fails the test
instead of blocking the suite).
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import random
import socket
import stat
import sys
from pathlib import Path

import pytest

from tests.hardening import (
    CRASHERS,
    ROOT,
    TimeLimitExceeded,
    assert_analysed,
    assert_clean_exit,
    lint_folder,
    run_cli,
    run_process,
    time_limit,
    write_deployment,
)

EXAMPLES = ROOT / "examples"
SEED_JSON = [(EXAMPLES / n / "etc" / "config.json").read_text(encoding="utf-8") for n in ("low", "medium", "high")]
SEED_LUA = [(EXAMPLES / n / "etc" / "config.lua").read_text(encoding="utf-8") for n in ("low", "medium", "high")]
DEEP = 100_000


def _read_json(text: str) -> None:
    from emslint.read.json_reader import read_json

    result = read_json(text)
    assert isinstance(result.issues, list)


def _read_lua(text: str) -> None:
    from emslint.read.lua_reader import read_lua

    result = read_lua(text)
    assert isinstance(result.issues, list)


def _read_bytes(data: bytes, reader) -> None:
    from emslint.read.source import decode_text

    decoded = decode_text(data)
    if decoded.ok:
        reader(decoded.text)


def _rule_ids(results: list, file_suffix: str = "") -> set[str]:
    return {f.rule for r in results for f in r.findings if f.file.endswith(file_suffix)}


# ------------------------------------------------------------------------------------- reader level


@pytest.mark.parametrize("reader, seeds", [(_read_json, SEED_JSON), (_read_lua, SEED_LUA)], ids=["json", "lua"])
def test_every_truncation_reads(reader, seeds) -> None:
    with time_limit(30):
        for text in seeds:
            for cut in range(0, len(text) + 1, 3):
                reader(text[:cut])


@pytest.mark.parametrize("reader, seeds", [(_read_json, SEED_JSON), (_read_lua, SEED_LUA)], ids=["json", "lua"])
def test_bit_flips_read(reader, seeds) -> None:
    rng = random.Random(1)
    with time_limit(30):
        for text in seeds:
            data = text.encode()
            for _ in range(200):
                flipped = bytearray(data)
                for _ in range(rng.randint(1, 4)):
                    flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
                _read_bytes(bytes(flipped), reader)


@pytest.mark.parametrize("reader", [_read_json, _read_lua], ids=["json", "lua"])
def test_binary_garbage_reads(reader) -> None:
    rng = random.Random(2)
    with time_limit(30):
        for size in (0, 1, 2, 3, 17, 512, 4096, 100_000):
            for _ in range(3):
                _read_bytes(rng.randbytes(size), reader)
        _read_bytes(b"\xff" * 100_000, reader)
        _read_bytes(bytes(range(256)) * 100, reader)


_DEEP_JSON = {
    "arrays": "[" * DEEP + "]" * DEEP,
    "objects": '{"a":' * DEEP + "1" + "}" * DEEP,
    "mixed": '[{"a":' * (DEEP // 2) + "1" + "}]" * (DEEP // 2),
    "unclosed": "[" * DEEP,
    "only closers": "]" * DEEP,
    "in a member": '{"auto_bind": ' + "[" * DEEP + "]" * DEEP + "}",
}
_DEEP_LUA = {
    "tables": "scripts.x = " + "{" * DEEP + "}" * DEEP,
    "parentheses": "scripts.x = " + "(" * DEEP + "1" + ")" * DEEP,
    "unary minus": "scripts.x = " + "-" * DEEP + "1",
    "concatenation": "scripts.x = " + "'a' .. " * DEEP + "'a'",
    "do blocks": "do " * DEEP + "end " * DEEP,
    "functions": "scripts.x = " + "function() return " * DEEP + "1" + " end" * DEEP,
    "call arguments": "scripts.x = f" + "(f" * DEEP + ")" * DEEP,
    "unclosed": "scripts.x = " + "{" * DEEP,
}
# The same constructs and more at 10,000 levels (past the depth limit, a tenth of the time).
_DEEP_LUA_10K = {
    "not": "scripts.x = " + "not " * 10_000 + "true",
    "power": "scripts.x = " + "2 ^ " * 10_000 + "2",
    "if blocks": "if x then " * 10_000 + "end " * 10_000,
    "index": "scripts.x = a" + "[a" * 10_000 + "]" * 10_000,
    "field chain": "scripts.x = a" + ".b" * 10_000,
    "repeat": "repeat " * 10_000 + "until x " * 10_000,
    "while": "while x do " * 10_000 + "end " * 10_000,
    "table constructors in calls": "scripts.x = f{" * 10_000 + "}" * 10_000,
}


@pytest.mark.parametrize("name", sorted(_DEEP_JSON))
def test_json_nested_100000_deep(name: str) -> None:
    from emslint.read.json_reader import read_json

    with time_limit(20):
        result = read_json(_DEEP_JSON[name])
    assert result.issues  # too deep or unbalanced: reported, not crashed


@pytest.mark.parametrize("name", sorted(_DEEP_LUA))
def test_lua_nested_100000_deep(name: str) -> None:
    from emslint.read.lua_reader import read_lua

    with time_limit(20):
        result = read_lua(_DEEP_LUA[name])
    assert result.issues  # too deep: reported, not crashed


@pytest.mark.parametrize("name", sorted(_DEEP_LUA_10K))
def test_lua_nested_10000_deep(name: str) -> None:
    from emslint.read.lua_reader import read_lua

    with time_limit(10):
        result = read_lua(_DEEP_LUA_10K[name])
    # too deep for Lua 5.1 (LUAI_MAXCCALLS 200) is reported; a chain of fields is not deep, just not static
    expected = {"field chain": "lua-not-static", "table constructors in calls": "lua-syntax-error"}
    assert expected.get(name, "lua-too-deep") in {i.code for i in result.issues}


def test_fifty_megabyte_strings_read() -> None:
    from emslint.read.json_reader import read_json
    from emslint.read.lua_reader import read_lua

    big = "a" * 50_000_000
    ten = big[:5_000_000]
    with time_limit(60):
        assert not read_json('{"appKey": "' + big + '"}').issues
        assert not read_lua('scripts.rap_password = "' + big + '"').issues
        # The recovery paths on 5 MB (linear; 50 MB takes a few seconds each).
        assert read_json('{"appKey": ' + ten + "}").issues  # unquoted: reported
        assert read_json('{"appKey": "' + ten).issues  # unterminated
        read_lua("scripts.rap_password = [[" + ten + "]]")
        read_lua("-- " + ten)
        assert read_lua("scripts.rap_password = '" + ten).issues


# ----------------------------------------------------------------------------------- pipeline level


def test_encodings_are_findings(tmp_path: Path) -> None:
    ems = b'{"appKey": "x", "ws_servers": [{"host": "h", "port": 443}]}'
    lua = b'scripts.rap_host = "localhost"\n'
    cases: dict[str, tuple[bytes, bytes]] = {
        "nul": (ems[:5] + b"\x00" + ems[5:], lua + b"\x00"),
        "utf16-bom": (codecs.BOM_UTF16_LE + ems.decode().encode("utf-16-le"), lua.decode().encode("utf-16")),
        "utf16-be-no-bom": (ems.decode().encode("utf-16-be"), lua.decode().encode("utf-16-le")),
        "utf32": (ems.decode().encode("utf-32"), lua.decode().encode("utf-32")),
        "invalid-utf8": (ems.replace(b"x", b"\xff\xfe"), lua.replace(b"local", b"l\xc0\xafcal")),
        "surrogate-utf8": (ems.replace(b"x", b"\xed\xa0\x80"), b"scripts.a = '\xed\xb0\x80'\n"),
        "bom": (codecs.BOM_UTF8 + ems, codecs.BOM_UTF8 + lua),
        "double-bom": (codecs.BOM_UTF8 * 2 + ems, codecs.BOM_UTF8 * 2 + lua),
        "empty": (b"", b""),
        "whitespace": (b" \n\t\r\n" * 100, b"\n" * 1000),
        "cr-only": (ems.replace(b" ", b"\r"), lua.replace(b"\n", b"\r")),
    }
    for name, (j, lu) in cases.items():
        write_deployment(tmp_path / name, ems=j, lsr=lu)
    with time_limit(30):
        results = lint_folder(tmp_path)
    assert_analysed(results)
    by_path = {r.path.rsplit("/", 1)[-1]: r for r in results}
    assert set(by_path) == set(cases)
    for name in ("utf16-bom", "utf16-be-no-bom", "utf32"):
        assert "EMS002" in _rule_ids([by_path[name]]), name  # encoding-error: nothing could be read
    assert {"EMS018", "EMS003", "EMS002"} <= _rule_ids([by_path["nul"]])  # JSON cut at the NUL; Lua unusable
    assert "EMS017" in _rule_ids([by_path["invalid-utf8"]])  # read with replacement characters
    assert {"EMS011", "EMS012"} <= _rule_ids([by_path["bom"]])  # BOM in config.json / config.lua
    for name in ("nul", "utf16-bom", "utf16-be-no-bom", "utf32", "bom", "double-bom", "empty", "whitespace"):
        # never a level for what could not be read (an empty config.lua is Lua: the LSR runs on its defaults)
        assert by_path[name].links["platform"].state == "unknown", name
        assert by_path[name].verdict.state in ("unknown", "low"), name


def test_garbage_and_truncated_deployments_are_findings(tmp_path: Path) -> None:
    rng = random.Random(3)
    for i in range(6):
        write_deployment(tmp_path / f"garbage{i}", ems=rng.randbytes(2000), lsr=rng.randbytes(2000))
    for i, (j, lu) in enumerate(zip(SEED_JSON, SEED_LUA, strict=True)):
        write_deployment(tmp_path / f"truncated{i}", ems=j[: len(j) // 2], lsr=lu[: len(lu) // 2])
        flipped = bytearray(j.encode())
        for _ in range(20):
            flipped[rng.randrange(len(flipped))] ^= 0x20
        write_deployment(tmp_path / f"flipped{i}", ems=bytes(flipped), lsr=lu.replace("=", "", 3))
    with time_limit(30):
        results = lint_folder(tmp_path)
    assert_analysed(results)
    assert len(results) == 12
    assert all(r.findings for r in results)


def test_deep_nesting_through_the_whole_pipeline(tmp_path: Path) -> None:
    write_deployment(tmp_path / "json-deep", ems=_DEEP_JSON["mixed"])
    write_deployment(tmp_path / "json-deep-member", ems=_DEEP_JSON["in a member"])
    write_deployment(tmp_path / "lua-deep", lsr=_DEEP_LUA["tables"])
    write_deployment(tmp_path / "lua-deep-expr", lsr=_DEEP_LUA["parentheses"])
    with time_limit(60):
        results = lint_folder(tmp_path)
    assert_analysed(results)
    assert all(r.findings for r in results)


def test_huge_cipher_list_is_a_schema_finding_not_a_hang(tmp_path: Path) -> None:
    """2 MiB of cipher words would keep the OpenSSL 1.0.2 model busy for seconds: it is a schema finding
    (maxLength), and no cipher rule claims to know what the list selects."""
    config = {"ws_connection": {"encryption": "ssl"}, "certificates": {"cipher_suite": "RC4:aNULL:" * 200_000}}
    write_deployment(tmp_path / "gw", ems=json.dumps(config))
    with time_limit(10):
        results = lint_folder(tmp_path)
    assert_analysed(results)
    [result] = results
    assert any(f.rule == "EMS015" and f.pointer == "/certificates/cipher_suite" for f in result.findings)
    assert not {f.rule for f in result.findings if f.rule.startswith("EMS5") and f.rule != "EMS514"}


def test_oversized_config_is_refused_without_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 50 MB config: a finding (too large), and only a bounded number of bytes is ever read."""
    root = write_deployment(tmp_path / "gw", ems=b"")
    with open(root / "etc" / "config.json", "wb") as fh:
        fh.write(b'{"appKey": "')
        fh.seek(50 * 1024 * 1024)
        fh.write(b'"}')
    big = root / "etc" / "config.lua"
    big.write_bytes(b"scripts.x = '" + b"a" * (3 * 1024 * 1024) + b"'")
    read_bytes = 0
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        nonlocal read_bytes
        data = real_read(fd, n)
        read_bytes += len(data)
        return data

    monkeypatch.setattr(os, "read", counting_read)
    with time_limit(20):
        results = lint_folder(tmp_path)
    assert_analysed(results)
    assert read_bytes < 1024 * 1024, read_bytes  # neither file is read: stat says it is too large
    messages = [f.message for f in results[0].findings if f.rule == "EMS001"]
    assert len(messages) == 2 and all("larger than" in m for m in messages), messages


def _special_config(root: Path, kind: str, name: str = "config.json") -> None:
    etc = root / "etc"
    etc.mkdir(parents=True)
    path = etc / name
    if kind == "directory":
        path.mkdir()
        (path / "config.json").write_text("{}")  # a deployment inside a folder named config.json
    elif kind == "symlink-loop":
        path.symlink_to(name)
    elif kind == "symlink-cycle":
        (etc / "a").symlink_to("b")
        (etc / "b").symlink_to("a")
        path.symlink_to("a")
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dev-urandom":
        path.symlink_to("/dev/urandom")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "fifo-link":
        os.mkfifo(etc / "pipe")
        path.symlink_to("pipe")
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.bind(str(path))
        except OSError:
            pytest.skip("cannot bind a unix socket here")
        finally:
            sock.close()
    elif kind == "dangling":
        path.symlink_to("missing.json")
    elif kind == "outside-file":
        outside = root.parent.parent / f"{root.name}-outside.json"  # beside the scanned fleet
        outside.write_text('{"appKey": "x"}')
        path.symlink_to(outside)


SPECIAL_KINDS = [
    "directory", "symlink-loop", "symlink-cycle", "dev-zero", "dev-urandom", "fifo", "fifo-link", "socket",
    "dangling", "outside-file",
]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
@pytest.mark.parametrize("name", ["config.json", "config.lua"])
def test_special_files_as_configs_are_findings(tmp_path: Path, name: str) -> None:
    fleet = tmp_path / "fleet"
    for kind in SPECIAL_KINDS:
        _special_config(fleet / kind, kind, name)
    with time_limit(20):
        results = lint_folder(fleet)
    assert_analysed(results)
    found = {r.path.rsplit("/", 1)[-1] for r in results}
    assert found >= set(SPECIAL_KINDS), sorted(set(SPECIAL_KINDS) - found)  # none silently skipped
    for result in results:
        kind = result.path.rsplit("/", 1)[-1]
        if kind not in SPECIAL_KINDS:
            continue  # the deployment inside the folder named config.json
        unreadable = [f for f in result.findings if f.rule == "EMS001" and f.file.endswith(name)]
        assert unreadable, (kind, [(f.rule, f.message) for f in result.findings])
        if kind != "outside-file":  # permission bits of a FIFO, device or folder say nothing about a file
            assert not any(f.rule.startswith("EMS70") and f.rule != "EMS705" for f in result.findings), kind


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "symlink-loop", "directory"])
def test_special_file_named_on_the_command_line(tmp_path: Path, kind: str) -> None:
    _special_config(tmp_path / "gw", kind)
    with time_limit(20):
        run = run_cli(["check", "--no-progress", "gw/etc/config.json"], cwd=tmp_path)
    assert_clean_exit(run, allowed=(1, 2))
    assert "EMS001" in run.out or run.code == 2


def _cert_case(root: Path, kind: str) -> None:
    """A deployment whose http_server certificate/key and platform CA list are a hostile file of ``kind``."""
    certs = root / "etc" / "certs"
    certs.mkdir(parents=True)
    rng = random.Random(kind)
    for name in ("server.pem", "server.key", "ca.pem"):
        path = certs / name
        if kind == "directory":
            path.mkdir()
        elif kind == "huge":
            with open(path, "wb") as fh:
                fh.write(b"-----BEGIN CERTIFICATE-----\n")
                fh.seek(50 * 1024 * 1024)
                fh.write(b"\n-----END CERTIFICATE-----\n")
        elif kind == "just-under-cap":
            body = b"A" * (1024 * 1024 - 100)
            path.write_bytes(b"-----BEGIN CERTIFICATE-----\n" + body + b"\n-----END CERTIFICATE-----\n")
        elif kind == "many-pem-blocks":
            block = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
            path.write_bytes(block * (1024 * 1024 // len(block) - 1))
        elif kind == "random":
            path.write_bytes(rng.randbytes(5000))
        elif kind == "random-der":
            path.write_bytes(b"\x30\x82\x13\x88" + rng.randbytes(5000))
        elif kind == "deep-der":
            path.write_bytes(b"\x30\x80" * 20000)
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "unreadable":
            path.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            path.chmod(0)
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "dev-zero":
            path.symlink_to("/dev/zero")
        elif kind == "symlink-loop":
            path.symlink_to(name)
        elif kind == "nul-in-name":
            pass  # the config names a path with a NUL character
    names = {n: f"etc/certs/{n}" for n in ("server.pem", "server.key", "ca.pem")}
    if kind == "nul-in-name":
        names = {n: f"etc/certs/{n}\u0000x" for n in names}
    ems = {
        "ws_servers": [{"host": "h", "port": 443}],
        "http_server": {"ssl": True, "certificate": names["server.pem"], "private_key": names["server.key"]},
        "certificates": {"validate": True, "cert_chain": names["ca.pem"], "client_cert": names["server.pem"],
                         "key_file": names["server.key"], "http_client_ca_certs": names["ca.pem"]},
    }
    lua = (
        f'scripts.rap_ssl = true\nscripts.rap_cert_file = "{names["ca.pem"]}"\n'
        f'scripts.script_resource_ssl = true\nscripts.script_resource_certificate_chain = "{names["server.pem"]}"\n'
        f'scripts.script_resource_private_key = "{names["server.key"]}"\n'
    ).replace("\u0000", "\\0")
    write_deployment(root, ems=json.dumps(ems), lsr=lua)


CERT_KINDS = [
    "directory", "huge", "just-under-cap", "many-pem-blocks", "random", "random-der", "deep-der", "empty",
    "unreadable", "fifo", "dev-zero", "symlink-loop", "nul-in-name",
]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
def test_hostile_certificate_and_key_files_are_findings(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    for kind in CERT_KINDS:
        _cert_case(fleet / kind, kind)
    with time_limit(60):
        results = lint_folder(fleet, now=None)
    assert_analysed(results)
    assert {r.path.rsplit("/", 1)[-1] for r in results} == set(CERT_KINDS)
    for result in results:
        assert any(f.rule.startswith("EMS6") for f in result.findings), result.path


def test_unreadable_key_file_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads any file whatever its mode: simulate the refusal to cover that path everywhere."""
    _cert_case(tmp_path / "gw", "random")
    real_open = os.open
    certs = str(tmp_path / "gw" / "etc" / "certs")

    def refusing_open(path, flags, *args, **kwargs):
        if str(path).startswith(certs):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    results = lint_folder(tmp_path)
    assert_analysed(results)
    assert any(f.rule.startswith("EMS6") for f in results[0].findings)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_config_is_a_finding(tmp_path: Path) -> None:
    root = write_deployment(tmp_path / "gw", ems="{}", lsr="scripts.a = 1")
    for name in ("config.json", "config.lua"):
        (root / "etc" / name).chmod(0)
    results = lint_folder(tmp_path)
    assert_analysed(results)
    assert sum(1 for f in results[0].findings if f.rule == "EMS001") == 2


# --------------------------------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def hostile_fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    fleet = tmp_path_factory.mktemp("hostile")
    rng = random.Random(4)
    write_deployment(fleet / "garbage", ems=rng.randbytes(3000), lsr=rng.randbytes(3000))
    write_deployment(fleet / "deep", ems=_DEEP_JSON["arrays"], lsr=_DEEP_LUA["tables"])
    write_deployment(fleet / "utf16", ems='{"a": 1}'.encode("utf-16"), lsr="scripts.a = 1".encode("utf-16"))
    write_deployment(fleet / "nul", ems=b"{\x00}", lsr=b"\x00")
    write_deployment(fleet / "truncated", ems=SEED_JSON[0][:40], lsr=SEED_LUA[0][:40])
    for kind in ("fifo", "dev-zero", "symlink-loop", "directory", "socket"):
        _special_config(fleet / f"special-{kind}", kind)
    for kind in ("huge", "fifo", "random", "directory"):
        _cert_case(fleet / f"cert-{kind}", kind)
    return fleet


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "html", "junit", "gitlab"])
def test_command_on_a_hostile_fleet(hostile_fleet: Path, fmt: str) -> None:
    with time_limit(60):
        run = run_cli(["check", "-j", "1", "--no-progress", "--format", fmt, "."], cwd=hostile_fleet)
    assert_clean_exit(run, allowed=(1,))
    if fmt == "json":
        report = json.loads(run.out)
        assert report["summary"]["not_analysed"] == 0
        assert report["summary"]["targets"] >= 13


def test_real_process_on_a_hostile_fleet(hostile_fleet: Path) -> None:
    """The console entry point in its own process, with several jobs: no traceback, bounded time."""
    run = run_process(["check", "-j", "2", "--format", "json", "."], cwd=hostile_fleet, timeout=120)
    assert_clean_exit(run, allowed=(1,))
    assert json.loads(run.out)["summary"]["not_analysed"] == 0


def test_unexpected_error_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An internal error outside any target (here: discovery) is one line on stderr and exit 2."""
    import emslint.pipeline

    write_deployment(tmp_path / "gw", ems="{}")

    def broken(*args, **kwargs):
        raise RuntimeError("bo" + "om: this text must not be shown")  # split: the debug trace shows source lines

    monkeypatch.setattr(emslint.pipeline, "discover", broken)
    run = run_cli(["check", "gw"], cwd=tmp_path)
    assert run.code == 2
    assert run.err == "emslint: internal error: RuntimeError; rerun with EMSLINT_DEBUG=1 for details\n"
    assert "boom" not in run.both
    debug = run_cli(["check", "gw"], cwd=tmp_path, env={"EMSLINT_DEBUG": "1"})
    assert debug.code == 2
    # the frames and the type, never the message (it may quote a config value)
    assert "Traceback (most recent call last):" in debug.err and "in broken" in debug.err
    assert "RuntimeError: (message withheld)" in debug.err
    assert "boom" not in debug.both


def test_debug_trace_of_a_target_error_withholds_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EMSLINT_DEBUG=1 shows where one target's internal error happened, not the value it complained about."""
    import emslint.pipeline

    root = write_deployment(tmp_path / "gw", ems='{"appKey": "s3cr3t-app-key-value"}')

    def broken(*args, **kwargs):
        value = json.loads((root / "etc" / "config.json").read_text())["appKey"]  # (source lines are shown)
        try:
            int(value)  # ValueError: invalid literal for int() with base 10: '<the value>'
        except ValueError as exc:
            raise KeyError(value) from exc

    monkeypatch.setattr(emslint.pipeline, "assemble", broken)
    run = run_cli(["check", "gw"], cwd=tmp_path, env={"EMSLINT_DEBUG": "1"})
    assert run.code == 2
    assert "EMS900" in run.out
    assert "ValueError: (message withheld)" in run.err and "KeyError: (message withheld)" in run.err
    assert "s3cr3t" not in run.both


@pytest.mark.parametrize(
    "args",
    [
        ["check", "no-such-folder"],
        ["check", "--baseline", "broken.json", "gw"],
        ["check", "--config", "broken.toml", "gw"],
        ["check", "--now", "yesterday", "gw"],
        ["check", "--output", "no/such/dir/report.txt", "gw"],
        ["facts", "no-such-folder"],
        ["rule", "EMS99999"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_usage_errors_are_one_line_exit_2(tmp_path: Path, args: list[str]) -> None:
    write_deployment(tmp_path / "gw", ems="{}")
    (tmp_path / "broken.json").write_bytes(b"\xff\xfe{")
    (tmp_path / "broken.toml").write_text("[[[")
    run = run_cli(args, cwd=tmp_path)
    assert run.code == 2
    assert_clean_exit(run, allowed=(2,))
    assert len(run.err.strip().splitlines()) == 1, run.err


def test_unusable_path_argument_exits_2(tmp_path: Path) -> None:
    """A path on the command line that cannot be linted is an error line and exit 2, the rest is reported."""
    write_deployment(tmp_path / "gw", ems="{}")
    os.mkfifo(tmp_path / "pipe")
    run = run_cli(["check", "--format", "json", "gw", "pipe"], cwd=tmp_path)
    assert run.code == 2
    report = json.loads(run.out)
    assert report["summary"]["targets"] == 1
    assert report["problems"] == ["pipe: not a regular file or folder"]


def test_read_source_refuses_special_files_before_opening(tmp_path: Path) -> None:
    from emslint.read.source import read_source

    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "loop").symlink_to("loop")
    for name, kind in (("fifo", "not-a-file"), ("zero", "not-a-file"), ("loop", "symlink-loop")):
        with time_limit(5):
            got = read_source(tmp_path / name, max_bytes=1024)
        assert getattr(got, "kind", None) == kind, (name, got)
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo").st_mode)


# ------------------------------------------------------------------------------------- crasher corpus

# Inputs whose bug is still open: {file name: cause} (strict xfail, so a fix shows up as XPASS).
_KNOWN_OPEN: dict[str, str] = {}
_CRASHERS = sorted(p for p in CRASHERS.iterdir() if p.name.removesuffix(".gz").endswith((".json", ".lua", ".cipher")))


def _load(path: Path) -> tuple[str, bytes]:
    """(kind, input) of a corpus file; large ones are stored gzip-compressed."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return path.name.removesuffix(".gz").rsplit(".", 1)[1], data


_OPENSSL_MODELS = ("1.0.2", "1.1.1", "3.1")


def _replay(kind: str, data: bytes) -> None:
    from emslint.inspect.cipher_verdicts import cipher_facts
    from emslint.inspect.ciphers import evaluate

    if kind == "cipher":
        text = data.decode("utf-8", "replace")
        for openssl in _OPENSSL_MODELS:
            evaluate(text, openssl=openssl)
            cipher_facts(text, openssl=openssl)
    else:
        _read_bytes(data, _read_json if kind == "json" else _read_lua)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, id=p.name, marks=pytest.mark.xfail(strict=True, raises=TimeLimitExceeded,
                                                            reason=_KNOWN_OPEN[p.name]))
        if p.name in _KNOWN_OPEN else pytest.param(p, id=p.name)
        for p in _CRASHERS
    ],
)
def test_crasher_replays(path: Path) -> None:
    kind, data = _load(path)
    # Each of these ran for many seconds to hours, or raised, when it was found; big inputs get more time, and a
    # cipher string is replayed once per OpenSSL model.
    with time_limit((2 + 2 * len(data) / 1e6) * (len(_OPENSSL_MODELS) if kind == "cipher" else 1)):
        _replay(kind, data)


def test_crasher_corpus_is_not_empty() -> None:
    assert _CRASHERS
    assert set(_KNOWN_OPEN) <= {p.name for p in _CRASHERS}
