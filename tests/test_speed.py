"""The speed measures must not change results: rule cache, quick rejection in the engine, certificate caches,
worker processes (docs/decisions/0003-startup-and-fleet.md). Timings live in bench/, not here."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emslint.api import lint
from emslint.discover import discover
from emslint.facts.build import build_facts
from emslint.pipeline import read_target
from emslint.pointers import walk
from emslint.rules import catalogue, engine
from emslint.rules.catalogue import load_rules
from emslint.schema.compiler import compile_schema
from emslint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def fresh_rules(monkeypatch, tmp_path):
    """load_rules with its in-process cache emptied and the disk cache in a temporary folder."""
    monkeypatch.setenv("EMSLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("EMSLINT_NO_CACHE", raising=False)
    load_rules.cache_clear()
    yield tmp_path / "cache"
    load_rules.cache_clear()


def _parsed_without_cache(monkeypatch) -> dict:
    monkeypatch.setenv("EMSLINT_NO_CACHE", "1")
    load_rules.cache_clear()
    rules = load_rules(None)
    monkeypatch.delenv("EMSLINT_NO_CACHE")
    load_rules.cache_clear()
    return rules


def test_rule_cache_gives_the_rules_the_toml_files_give(fresh_rules, monkeypatch):
    written = load_rules(None)
    files = list(fresh_rules.glob("rules-*.json"))
    assert len(files) == 1
    load_rules.cache_clear()
    read_back = load_rules(None)
    assert read_back == written == _parsed_without_cache(monkeypatch)


def test_rule_cache_follows_the_rule_files(fresh_rules, monkeypatch, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(catalogue.shipped_rules_dir(), folder)
    monkeypatch.setattr(catalogue, "shipped_rules_dir", lambda: folder)
    before = load_rules(None)
    some = sorted(folder.glob("*.toml"))[0]
    text = some.read_text(encoding="utf-8")
    some.write_text(text.replace('summary = "', 'summary = "EDITED ', 1), encoding="utf-8")
    load_rules.cache_clear()
    after = load_rules(None)
    changed = [r.id for r in after.values() if r.summary.startswith("EDITED ")]
    assert len(changed) == 1 and set(after) == set(before)
    assert len(list(fresh_rules.glob("rules-*.json"))) == 2  # a new key; the old file stays until pruned


def test_a_cache_that_others_can_write_or_that_is_damaged_is_not_used(fresh_rules, monkeypatch):
    truth = load_rules(None)
    cache = next(fresh_rules.glob("rules-*.json"))
    planted = json.loads(cache.read_text(encoding="utf-8"))
    planted["rules"] = [{**r, "summary": "PLANTED"} for r in planted["rules"]]
    cache.write_text(json.dumps(planted), encoding="utf-8")
    if os.name != "nt":
        os.chmod(cache, 0o666)
        load_rules.cache_clear()
        assert load_rules(None) == truth
        os.chmod(cache, 0o644)
    cache.write_text("{not json", encoding="utf-8")
    load_rules.cache_clear()
    assert load_rules(None) == truth


def _facts_documents() -> list[dict]:
    targets, _ = discover([str(EXAMPLES), str(FIXTURES)])
    docs = []
    for target in targets:
        sources = read_target(target, Settings())
        docs.append(build_facts(target, sources, Settings(), NOW))
    return docs


@cache
def _conditions() -> list[tuple[dict, engine._Quick, str]]:
    found = []
    for rule in load_rules(None).values():
        for match in rule.matches:
            quick = engine._quick(match.schema)
            if quick is not None:
                found.append((match.schema, quick, match.pointer))
            when = engine._quick(match.when) if match.when else None
            if when is not None:
                found.append((match.when, when, ""))
    return found


def test_quick_rejection_never_rejects_what_a_condition_accepts_on_real_facts():
    docs = _facts_documents()
    checked = rejected = 0
    for schema, quick, pointer in _conditions():
        validator = compile_schema(schema)
        for doc in docs:
            values = [v for _, v in walk(doc, pointer)] if pointer else [doc]
            for value in values:
                checked += 1
                if quick.rejects(value):
                    rejected += 1
                    assert not validator.is_valid(value), (schema, value)
    assert checked > 10_000 and rejected > checked // 2  # it does reject most, and only what fails


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2, allow_nan=False) | st.sampled_from(
        ["", " ", "ok", "ssl", "none", "pem", "platform-ca", "ems-rest-server-cert", "private-key", "guid-cleartext",
         "ca-list", "thing.lua"]
    ),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["role", "status", "cert", "key", "mode", "class", "kind", "code", "ok",
                                       "encrypted", "expects", "in_use", "self_signed", "at", "count", "user",
                                       "password", "authenticate", "ssl", "string_set", "classes", "derived",
                                       "forward_secrecy", "virtual_dirs", "cert_chain"]), inner, max_size=6),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_json, index=st.integers(min_value=0))
def test_quick_rejection_is_sound_on_any_json(value, index):
    schema, quick, _ = _conditions()[index % len(_conditions())]
    if quick.rejects(value):
        assert not compile_schema(schema).is_valid(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(_json, min_size=5, max_size=12), index=st.integers(min_value=0))
def test_the_member_index_keeps_every_item_the_quick_check_keeps(items, index):
    """engine._Index gives, in document order, exactly the items that the quick check's member test could keep:
    no item it keeps is skipped, and nothing the index leaves out is one it keeps."""
    conditions = [(s, q) for s, q, pointer in _conditions() if "*" in pointer and engine._index_key(q)]
    _, quick = conditions[index % len(conditions)]
    key, wanted = engine._index_key(quick)
    selected = [((i,), item) for i, item in enumerate(items)]
    subset = engine._Index(selected, key).subset(wanted)
    assert subset == sorted(subset)
    kept = [pair for pair in selected if not quick.rejects(pair[1])]
    assert all(pair in subset for pair in kept)
    # and it leaves out only items with a (hashable) member that is not wanted
    left_out = [v for pair in selected if pair not in subset for v in [pair[1]]]
    assert all(isinstance(v, dict) and key in v and v[key] not in wanted for v in left_out)


def test_the_member_index_changes_no_finding(monkeypatch):
    """Every facts document of the examples and fixtures: the same findings, in the same order, with and without
    the index (it only spares the quick check items it would reject)."""
    targets, _ = discover([str(EXAMPLES), str(FIXTURES)])
    pairs = []
    for target in targets:
        sources = read_target(target, Settings())
        pairs.append((build_facts(target, sources, Settings(), NOW), sources))
    rules = list(load_rules(None).values())

    def findings() -> list[list[dict]]:
        return [[f.to_dict() for f in engine.evaluate(rules, doc, sources, profile="production")]
                for doc, sources in pairs]

    with_index = findings()
    monkeypatch.setattr(engine, "_index_key", lambda quick: None)
    engine._compiled.clear()
    engine._plans.clear()
    try:
        without = findings()
    finally:
        engine._compiled.clear()
        engine._plans.clear()
    assert sum(map(len, with_index)) > 1000
    assert with_index == without


def test_certificate_caches_do_not_change_results():
    from emslint.inspect import certificates, keymaterial

    def clear() -> None:
        certificates._parsed.clear()
        certificates._signed.clear()
        certificates._static_facts.clear()
        certificates._sans.clear()
        keymaterial._described.clear()

    clear()
    cold = [t.to_dict() for t in lint([str(EXAMPLES), str(FIXTURES)]).targets]
    warm = [t.to_dict() for t in lint([str(EXAMPLES), str(FIXTURES)]).targets]
    assert cold == warm


class _KeepsNothing(dict):
    def __setitem__(self, key, value) -> None:
        pass


def test_the_facts_of_shared_files_are_those_of_each_deployment_alone(tmp_path, monkeypatch):
    """keymaterial keeps the facts of a file content that several deployments share (a fleet's CA, an image's LSR
    certificate) and copies them into each item, which later steps change (host names, chains, in_use): the facts
    of every deployment equal those without the memo, for two copies of every example and the fixtures, in order
    (a memo changed by one deployment shows in the next)."""
    from emslint.inspect import keymaterial

    fleet = tmp_path / "fleet"
    for n in range(2):
        for name in ("low", "medium", "high"):
            shutil.copytree(EXAMPLES / name, fleet / f"{name}-{n}")
    targets, _ = discover([str(fleet), str(FIXTURES)])

    def facts() -> list[dict]:
        return [build_facts(t, read_target(t, Settings()), Settings(), NOW) for t in targets]

    keymaterial._described.clear()
    kept = facts()
    assert keymaterial._described  # the memo was used
    monkeypatch.setattr(keymaterial, "_described", _KeepsNothing())
    assert kept == facts()


@pytest.mark.slow
def test_worker_processes_give_the_serial_results_in_order(tmp_path):
    fleet = tmp_path / "fleet"
    for n in range(12):
        shutil.copytree(EXAMPLES / ("low", "medium", "high")[n % 3], fleet / f"gw-{n:02d}")
    serial = lint([str(fleet)], jobs=1)
    parallel = lint([str(fleet)], jobs=2)
    assert [t.to_dict() for t in parallel.targets] == [t.to_dict() for t in serial.targets]
    assert [t.path for t in serial.targets] == sorted(t.path for t in serial.targets)


@pytest.mark.skipif(os.name == "nt", reason="POSIX symlinks")
def test_display_realpath_memo_is_realpath(tmp_path, monkeypatch):
    """facts.build._Display resolves a folder once per run (inspect.paths.real_folder) and joins the file name: the
    same string as os.path.realpath for plain files, links (to files, folders, out and back), '..', missing files,
    loops."""
    from emslint import run_memo
    from emslint.discover import Target
    from emslint.facts.build import _Display
    from emslint.inspect import paths

    gw = tmp_path / "fleet" / "gw"
    (gw / "etc" / "certs").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (gw / "etc" / "certs" / "ca.pem").write_text("x")
    (tmp_path / "elsewhere" / "ems.pem").write_text("x")
    (gw / "etc" / "certs" / "out.pem").symlink_to(tmp_path / "elsewhere" / "ems.pem")
    (gw / "etc" / "certs" / "rel.pem").symlink_to("ca.pem")
    (gw / "linked").symlink_to(gw / "etc" / "certs", target_is_directory=True)
    (gw / "outdir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (gw / "loop").symlink_to(gw / "loop2")
    (gw / "loop2").symlink_to(gw / "loop")
    (tmp_path / "alias").symlink_to(tmp_path / "fleet", target_is_directory=True)
    names = ["etc/certs/ca.pem", "etc/certs/out.pem", "etc/certs/rel.pem", "linked/ca.pem", "linked/out.pem",
             "outdir/ems.pem", "outdir/../fleet/gw/etc/certs/ca.pem", "etc/certs/../certs/ca.pem", "etc/certs/..",
             "etc/certs/missing.pem", "missing/x.pem", "loop", "loop/x.pem", "etc/certs", "."]
    monkeypatch.chdir(tmp_path)
    run_memo.forget()
    for base in (gw, tmp_path / "alias" / "gw", Path("fleet/gw"), Path("alias/gw")):
        display = _Display(Target(base, str(base), base))
        for name in names:
            path = os.path.join(base, name) if name != "." else str(base)
            assert display._realpath(path) == os.path.realpath(path), path
        assert paths._link_free  # the memo was used


@settings(max_examples=100, deadline=None)
@given(count=st.integers(0, 300), workers=st.integers(1, 8))
def test_chunks_keep_every_job_in_order_and_grow_to_the_cap(count, workers):
    """The chunks sent to worker processes: every job once, in order; the first chunk of each worker holds one
    job (all start at once), and none holds more than the cap (a worker waits at most one chunk at the end)."""
    from emslint.parallel import _MAX_CHUNK, _chunks

    chunks = list(_chunks(iter(range(count)), workers))
    assert [job for chunk in chunks for job in chunk] == list(range(count))
    assert all(0 < len(chunk) <= _MAX_CHUNK for chunk in chunks)
    assert [len(c) for c in chunks[:workers]] == [1] * min(workers, count)
    sizes = [len(c) for c in chunks[:-1]]  # the last one holds what is left
    assert sizes == sorted(sizes)
