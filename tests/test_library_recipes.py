"""docs/library.md's code runs as written: the API example, and the Dask recipe on a local dask.distributed
cluster, whose results equal ``emslint check --format jsonl``."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from tests.hardening import ROOT, run_cli, write_deployment

LIBRARY = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
_HEADER = ("emslint", "report_version", "profile")


def _block(marker: str) -> str:
    return next(b for b in re.findall(r"```python\n(.*?)```", LIBRARY, flags=re.S) if marker in b)


def _fleet(root: Path, size: int = 12) -> None:
    for i in range(size):
        gw = root / "fleet" / f"gw-{i:03d}"
        encryption = "none" if i % 3 == 0 else "ssl"
        ems = {"ws_servers": [{"host": "twx.example.com", "port": 443}], "ws_connection": {"encryption": encryption},
               "http_server": {"host": "127.0.0.1", "ssl": i % 2 == 0, "authenticate": True}}
        ssl = "true" if i % 2 == 0 else "false"
        lsr = None if i % 4 == 1 else f'scripts.rap_host = "localhost"\nscripts.script_resource_ssl = {ssl}\n'
        write_deployment(gw, ems=ems if i != 7 else '{"ws_connection": {', lsr=lsr)


def _jsonl(root: Path) -> list[dict]:
    run = run_cli(["check", "--format", "jsonl", "-j", "1", "fleet"], cwd=root)
    assert run.code in (0, 1, 2), run.err
    return [{k: v for k, v in json.loads(line).items() if k not in _HEADER} for line in run.out.splitlines()]


def test_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fleet(tmp_path, 4)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_block("report = lint("), "docs/library.md", "exec"), {"__name__": "__main__"})
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("fleet/gw-000 low {'platform': 'low'")
    assert any(line.startswith("  EMS101 critical fleet/gw-000/etc/config.json") for line in lines)


@pytest.mark.slow
def test_dask_recipe_equals_jsonl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.bag")
    pytest.importorskip("distributed")
    _fleet(tmp_path)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(_block("dask.bag"), "docs/library.md", "exec"), namespace)
    results = namespace["results"]
    expected = _jsonl(tmp_path)
    assert len(results) == len(expected) == 12
    for got, want in zip(sorted(results, key=lambda t: t["path"]), sorted(expected, key=lambda t: t["path"]),
                         strict=True):
        differ = sorted(k for k in got.keys() | want.keys() if got.get(k) != want.get(k))
        assert not differ, (got["path"], {k: (got.get(k), want.get(k)) for k in differ})
    assert len({len(t["findings"]) for t in results}) > 2  # the fleet is not all alike
