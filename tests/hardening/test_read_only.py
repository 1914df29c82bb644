"""emslint never writes to, creates in, or changes the mode of anything it inspects.

Every file and folder of a deployment (configs, .booted copy, templates, certificates, keys, dp.dat, odd
files) is snapshotted (content, mode, mtime in ns, owner) before and compared after every command and output
format, --write-baseline and --output to a separate path included. An audit hook also watches for any
write-mode open, chmod, chown, utime, rename, remove, mkdir or link under the deployment while it runs.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from tests.hardening import ROOT, audited, run_cli, write_deployment

EXAMPLES = ROOT / "examples"


def snapshot(root: Path) -> dict[str, tuple]:
    state: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            st = os.lstat(path)
            digest = ""
            if stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(st.st_mode):
                digest = os.readlink(path)
            state[str(path.relative_to(root))] = (st.st_mode, st.st_mtime_ns, st.st_size, st.st_uid, digest)
    return state


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("ro")
    root = base / "fleet" / "gw"
    high = EXAMPLES / "high" / "etc"
    files = {f"etc/certs/{p.name}": p.read_bytes() for p in sorted((high / "certs").iterdir())}
    files["etc/dp.dat"] = os.urandom(32)
    files["etc/config.json.complete"] = '{"appKey": "some_application_key", "x": "c:\\\\some\\\\path"}'
    files["etc/config.lua.example"] = 'scripts.rap_ssl = "true"\n'
    files["etc/config.lua.p_data"] = "return {}\n"
    files["etc/certs/junk.pem"] = os.urandom(300)
    write_deployment(
        root,
        ems=(high / "config.json").read_text(),
        lsr=(high / "config.lua").read_text(),
        booted=(high / "config.json").read_text(),
        files=files,
    )
    os.mkfifo(root / "etc" / "certs" / "pipe.pem")
    (root / "etc" / "certs" / "loop.pem").symlink_to("loop.pem")
    # Odd modes that a "fix" might be tempted to correct.
    (root / "etc" / "certs" / "demo-ems.key").chmod(0o666)
    (root / "etc" / "config.json").chmod(0o644)
    (root / "etc" / "config.lua").chmod(0o604)
    os.utime(root / "etc" / "config.json", ns=(1_000_000_000, 1_000_000_000))
    broken = base / "fleet" / "broken"
    write_deployment(broken, ems=b'{"appKey": "x",', lsr=b"scripts.x = = 1\x00")
    return base / "fleet"


COMMANDS = [
    ["check", "--format", "text"],
    ["check", "--format", "json"],
    ["check", "--format", "jsonl"],
    ["check", "--format", "sarif"],
    ["check", "--format", "github"],
    ["check", "--include-templates", "--format", "json"],
    ["check", "-j", "2", "--format", "json"],
    ["facts"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_commands_leave_the_deployment_untouched(deployment: Path, args: list[str]) -> None:
    before = snapshot(deployment)
    with audited() as events:
        run = run_cli([*args, "."], cwd=deployment)
    assert run.code in (0, 1, 2), run.err[-500:]
    assert snapshot(deployment) == before
    assert _writes_under(events, deployment) == []
    assert any(e == "open" and os.fsdecode(a[0]).endswith("config.lua") for e, a in events)  # hook is live


def test_the_watch_catches_writes(tmp_path: Path) -> None:
    """The audit check above would see a write, a chmod or a new file."""
    target = tmp_path / "f"
    target.write_text("x")
    with audited() as events:
        target.write_text("y")
        target.chmod(0o600)
        (tmp_path / "g").mkdir()
    assert [e for e, _ in _writes_under(events, tmp_path)] == ["open", "os.chmod", "os.mkdir"]


def test_output_and_baseline_go_only_where_asked(deployment: Path, tmp_path: Path) -> None:
    before = snapshot(deployment)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with audited() as events:
        for fmt in ("text", "json", "sarif", "github"):
            run_cli(["check", "--format", fmt, "--output", str(out_dir / f"report.{fmt}"), "."], cwd=deployment)
        run_cli(["check", "--write-baseline", str(out_dir / "baseline.json"), "."], cwd=deployment)
        run_cli(["check", "--baseline", str(out_dir / "baseline.json"), "."], cwd=deployment)
    assert snapshot(deployment) == before
    assert _writes_under(events, deployment) == []
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "baseline.json", "report.github", "report.json", "report.sarif", "report.text",
    ]  # the baseline's temporary file is gone


def test_single_file_arguments_leave_it_untouched(deployment: Path) -> None:
    before = snapshot(deployment)
    with audited() as events:
        for rel in ("gw/etc/config.json", "gw/etc/config.lua", "gw/etc/certs/demo-ems.key", "gw/etc/dp.dat"):
            run_cli(["check", "--format", "json", rel], cwd=deployment)
    assert snapshot(deployment) == before
    assert _writes_under(events, deployment) == []


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _writes_under(events: list[tuple[str, tuple]], root: Path) -> list[tuple[str, str]]:
    root_text = str(root.resolve())
    found = []
    for event, args in events:
        if not args:
            continue
        path = args[0]
        if isinstance(path, int) or path is None:
            continue
        text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else str(path)
        if not os.path.abspath(text).startswith(root_text):
            continue
        if event == "open":
            mode = args[1] if len(args) > 1 else "r"
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            if (isinstance(mode, str) and any(c in mode for c in "wax+")) or flags & _WRITE_FLAGS:
                found.append((event, text))
        elif event not in ("import", "compile", "exec", "subprocess.Popen", "ctypes.dlopen"):
            found.append((event, text))
    return found
