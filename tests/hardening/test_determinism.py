"""The same input gives byte-identical output: ordering is fixed, and there are no timestamps unless asked.

The same fleet is written twice, in different creation orders (so directory listings differ), and linted
in fresh processes with different hash seeds (set iteration order) and different job counts, a second apart.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from pathlib import Path

import pytest

from tests.hardening import ROOT, run_cli, run_process, write_deployment

EXAMPLES = ROOT / "examples"


def _fleet(root: Path, order_seed: int) -> None:
    """Nine deployments (enough for worker processes) with many findings of every kind, written in a
    shuffled order."""
    jobs: list[tuple[str, Path | None, dict]] = []
    for level in ("low", "medium", "high"):
        jobs.append((f"site-{level}", EXAMPLES / level, {}))
    jobs.append(("broken-json", None, {"ems": '{"appKey": "x",, "http_server": {"ssl": tru}', "lsr": "scripts.x ="}))
    jobs.append(("bom-crlf", None, {"ems": b'\xef\xbb\xbf{"a": 1,\r\n "appkey": "k"}\r\n', "lsr": b"scripts.a=1\r\n"}))
    jobs.append(("unicode \u00e9 name", None, {"ems": '{"logger": {"level": "DEBUG"}}'}))
    jobs.append(("deep/nested/edge", None, {"lsr": 'scripts.T = { file = "t.lua" }\nscripts.rap_ssl = "yes"'}))
    jobs.append(("booted", None, {"booted": '{"appKey": "3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d"}'}))
    jobs.append(("ciphers", None, {"ems": '{"certificates": {"cipher_suite": "ALL:eNULL:RC4-MD5:BOGUS"}}'}))
    random.Random(order_seed).shuffle(jobs)
    for name, source, files in jobs:
        if source is not None:
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("README.md"))
        else:
            write_deployment(root / name, **files)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    a = tmp_path_factory.mktemp("first") / "fleet"
    b = tmp_path_factory.mktemp("second") / "fleet"
    _fleet(a, 1)
    _fleet(b, 2)
    return a, b


NOW = ["--now", "2026-03-01T12:00:00Z"]


def _rooted(text: str, root: Path) -> str:
    return text.replace(root.resolve().as_uri(), "<root>").replace(str(root.resolve()), "<root>")


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_fresh_processes_give_identical_bytes(twins: tuple[Path, Path], fmt: str) -> None:
    a, b = twins
    first = run_process(["check", "-j", "1", "--format", fmt, *NOW, "."], cwd=a, env={"PYTHONHASHSEED": "1"})
    time.sleep(1.1)  # a timestamp with one-second resolution would now differ
    second = run_process(["check", "-j", "2", "--format", fmt, *NOW, "."], cwd=b, env={"PYTHONHASHSEED": "2"})
    assert first.code == second.code == 1, first.err[-500:] + second.err[-500:]
    # SARIF names the working directory (an absolute URI): the one thing that differs between the twins.
    assert _rooted(first.out, a) == _rooted(second.out, b)
    assert first.out.count('"path"' if fmt == "json" else '"ruleId"') >= 9


@pytest.mark.parametrize("fmt", ["json", "jsonl", "sarif", "github", "text", "html", "junit", "gitlab"])
def test_twin_trees_give_identical_bytes(twins: tuple[Path, Path], fmt: str) -> None:
    a, b = twins
    args = ["check", "-j", "1", "--no-progress", "--no-color", "--format", fmt, *NOW, "."]
    first, second = run_cli(args, cwd=a), run_cli(args, cwd=b)
    assert _rooted(first.out, a) == _rooted(second.out, b)
    assert first.err == second.err


def test_without_now_two_runs_agree(twins: tuple[Path, Path]) -> None:
    """Without --now the clock is read (certificate expiry), but nothing of it is printed."""
    a, _ = twins
    args = ["check", "-j", "1", "--no-progress", "--format", "sarif", "."]
    first = run_cli(args, cwd=a)
    time.sleep(1.1)
    assert run_cli(args, cwd=a).out == first.out


def test_no_timestamps_in_machine_output(twins: tuple[Path, Path]) -> None:
    a, _ = twins
    sarif = json.loads(run_cli(["check", "-j", "1", "--format", "sarif", *NOW, "."], cwd=a).out)
    report = json.loads(run_cli(["check", "-j", "1", "--format", "json", *NOW, "."], cwd=a).out)

    def keys(node: object) -> set[str]:
        if isinstance(node, dict):
            return set(node) | {k for v in node.values() for k in keys(v)}
        if isinstance(node, list):
            return {k for v in node for k in keys(v)}
        return set()

    timeish = {k for k in keys(sarif) | keys(report) if "time" in k.lower() or "date" in k.lower()}
    assert timeish == set(), timeish


def test_baseline_file_is_byte_identical(twins: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = twins
    out_a, out_b = tmp_path / "a.json", tmp_path / "b.json"
    assert run_cli(["check", "-j", "1", *NOW, "--write-baseline", str(out_a), "."], cwd=a).code == 0
    assert run_cli(["check", "-j", "1", *NOW, "--write-baseline", str(out_b), "."], cwd=b).code == 0
    assert out_a.read_bytes() == out_b.read_bytes()


def test_facts_are_identical(twins: tuple[Path, Path]) -> None:
    a, b = twins
    assert run_cli(["facts", *NOW, "."], cwd=a).out == run_cli(["facts", *NOW, "."], cwd=b).out
