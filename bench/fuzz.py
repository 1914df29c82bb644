"""Mutation fuzzer for emslint's readers and cipher-string evaluator (not part of the test run).

    python bench/fuzz.py --count 100000 --seed 1                  # every target: json, lua, ciphers
    python bench/fuzz.py --target lua --count 100000 --seed 7 --jobs 2 --timeout 2

Inputs are mutations of seeds generated here (the example deployments, broken and quirky configs, deep and
repetitive constructs, cipher strings built from OpenSSL 1.0.2's vocabulary), plus the shared PTC corpus when
it is present: truncation, bit flips, byte and token insertion, splicing two seeds, deep-nesting insertion,
repetition of a snippet, random bytes. Input ``i`` of a run depends only on (seed, target, i): a failure
is reproducible from the printed numbers alone.

Config inputs go the way a file does: bytes -> ``decode_text`` -> ``read_json`` / ``read_lua``. A failure
is an exception, a broken invariant (unknown issue code, position outside the text, non-JSON data), or
running past ``--timeout`` seconds (a hang). Each failing input is written to tests/hardening/crashers/
(``<target>-<sha256 prefix>.<json|lua|cipher>[.gz]``), which tests/hardening/test_hostile_input.py replays.
The summary gives per target: inputs, failures, wall time and inputs per second.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import multiprocessing
import os
import random
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CRASHERS = ROOT / "tests" / "hardening" / "crashers"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
EXTENSION = {"json": "json", "lua": "lua", "ciphers": "cipher"}
JSON_CODES = frozenset(
    {"json-syntax-error", "json-comment", "json-invalid-escape", "json-control-escape", "json-duplicate-key",
     "json-too-deep", "json-empty", "encoding-bom", "encoding-error"}
)
LUA_CODES = frozenset(
    {"lua-syntax-error", "lua-invalid-escape", "lua-control-escape", "lua-not-static", "lua-or-expression",
     "lua-too-deep", "lua-bom", "encoding-bom", "encoding-error"}
)


class Timeout(BaseException):
    """Raised by the alarm inside the code under test (BaseException: no `except Exception` swallows it)."""


# ------------------------------------------------------------------------------------------------ seeds


def _examples(suffix: str) -> list[bytes]:
    found = sorted((ROOT / "examples").glob(f"*/etc/config.{suffix}"))
    if SHARED_CORPUS.is_dir():
        found += sorted(SHARED_CORPUS.glob(f"*.{suffix}"))
    return [p.read_bytes() for p in found]


def json_seeds() -> list[bytes]:
    docs = [
        {"ws_servers": [{"host": "twx.example.com", "port": 443}], "appKey": "3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d",
         "http_server": {"host": "127.0.0.1", "port": 8000, "ssl": True, "authenticate": True, "user": "u",
                         "password": "AES:p1M/dIRnBlGFgNxR2iHi2w==", "certificate": "etc/certs/a.pem"},
         "certificates": {"validate": True, "cipher_suite": "ALL:!aNULL:!eNULL", "cert_chain": "ca.pem"},
         "auto_bind": [{"name": "T", "host": "localhost", "port": 8001, "protocol": "https"}],
         "file": {"virtual_dirs": [{"in": "c:/in"}], "staging_dir": "/tmp"}, "logger": {"level": "WARN"}},
        {"a": [1, 2.5, -3e10, True, False, None, "x", {"b": [[], {}]}], "\u00e9": "\u2603", "": ""},
    ]
    texts = [json.dumps(d, indent=i) for d in docs for i in (None, 2)]
    texts += [
        '{\n  // comment\n  "staging_dir": "c:\\some\\folder", /* block */ "x": "\\f\\b\\t",\n}',
        '{\u201cappKey\u201d: \u201cx\u201d, \'a\': \'b\', bare: word, "eq" = 1; "t": True, "n": None}',
        '"appKey": "x",\n"http_server": {"ssl": false}',
        'appKey = "x"\nhttp_server.password = secret',
        '{"a": "line\nbreak", "b": "unterminated\n, "c": [1 2 3], "d": {"e" "f"}}',
        '{"a": 1}} ]] {"b": [}',
        '{"a": NaN, "b": Infinity, "c": -0, "d": 1e999, "e": 0x10, "f": 01}',
        '{"dup": 1, "dup": {"dup": 2}, "a~b/c": 3}',
        '\ufeff{"bom": true}',
        "[" * 300 + "]" * 300,
        '{"none | ssl ": "AUDIT | ERROR", "documented": "<EMS_HOME>/log/"}',
    ]
    return [t.encode() for t in texts] + _examples("json")


def lua_seeds() -> list[bytes]:
    texts = [
        'scripts.rap_host = "localhost"\nscripts.rap_port = 8000\nscripts.rap_ssl = true\n',
        'scripts.T = { file = "thing.lua", template = "t", scanRate = 1000, tags = {"a", "b", [3] = 1.5} }\n',
        'local h = "127.0.0.1"\nscripts.script_resource_host = h\nscripts.x = h .. ":" .. 8000\n',
        'scripts.log_audit_target = "file://" or "http://"\nscripts.a = not nil and 1 or 2\n',
        'scripts.p = [[C:\\ThingWorx\\ems.cer]]\nscripts.q = "C:\\ThingWorx\\ems.cer"\nscripts.r = "\\65\\066\\x41"\n',
        '-- comment\n--[==[ long\ncomment ]==]\nscripts.a = [==[ long ]] string ]==]\n',
        'if os.getenv("X") then scripts.a = 1 else scripts.a = 2 end\nfor i = 1, 3 do scripts["k" .. i] = i end\n',
        'scripts.f = function(a, ...) return a end\nlocal t = setmetatable({}, {})\ndofile("x.lua")\n',
        "scripts.n = 0x1p4 + 1e-3 - 2^10 % 3 // 2 | 1 & 3 ~ 5 << 1 >> 1\nscripts.s = #'abc'\n",
        'scripts.a = { [1] = "x", [2.5] = "y", [true] = "z", ["k"] = { { {} } } }\n',
        "goto done\n::done::\nrepeat scripts.a = 1 until true\nwhile false do end\n",
        'scripts.a = ("x"):upper():lower()\nscripts.b = f"str"\nscripts.c = f{1}\nscripts.d = a.b.c[1]\n',
        '\ufeffscripts.bom = true\n#!/usr/bin/lua\n',
        "scripts.x = " + "{" * 150 + "}" * 150 + "\n",
    ]
    return [t.encode() for t in texts] + _examples("lua")


def cipher_seeds() -> list[bytes]:
    table = json.loads((ROOT / "emslint" / "data" / "openssl-1.0.2-ciphers.json").read_text(encoding="utf-8"))
    names = [c["name"] for c in table["ciphers"]]
    aliases = [a["name"] for a in table["aliases"]]
    rng = random.Random(0)
    texts = [
        "ALL", "DEFAULT", "ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!SRP",
        "HIGH:!aNULL:@STRENGTH", "DEFAULT:-RC4:+3DES", "SUITEB128", "ECDHE+AESGCM:DHE+AESGCM:!SSLv3",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:ECDHE-RSA-AES256-GCM-SHA384:!RC4-MD5X", "", ":::", "!ALL",
        "@SECLEVEL=2:ALL", "COMPLEMENTOFALL:COMPLEMENTOFDEFAULT", "eNULL", "EXP:LOW:RC4:MD5",
    ]
    for _ in range(40):
        words = [rng.choice(names + aliases) for _ in range(rng.randint(1, 8))]
        texts.append(":".join(rng.choice(["", "!", "-", "+"]) + w for w in words))
    return [t.encode() for t in texts]


SEEDS: dict[str, Callable[[], list[bytes]]] = {"json": json_seeds, "lua": lua_seeds, "ciphers": cipher_seeds}

# Tokens worth inserting or repeating: they drive the parsers' states.
TOKENS = {
    "json": [b"{", b"}", b"[", b"]", b'"', b"'", b":", b",", b"\\", b"\\u", b"\\ud800", b"/*", b"//", b"\n",
             b"\r", b"=", b";", b"true", b"null", b"-", b"1e", b"\xe2\x80\x9c", b"\xc2\xa0", b"\xef\xbb\xbf",
             b'"k":', b'{"a":', b"0", b"9", b"e", b"a", b".", b"\x00", b"\xff"],
    "lua": [b"{", b"}", b"(", b")", b"[", b"]", b"[[", b"]]", b"[==[", b"--", b"--[[", b'"', b"'", b"\\", b"..",
            b"=", b",", b";", b":", b".", b"#", b"~", b"^", b"..", b"not ", b"and ", b"or ", b"function() ",
            b" end", b"local ", b"scripts.", b"if x then ", b"do ", b"return ", b"...", b"0x", b"1e", b"\n",
            b"f()", b"()", b":m()", b".b", b"a.b", b"::l::", b"goto ", b"0", b"9", b"e", b"x", b"\x00", b"\xff"],
    "ciphers": [b":", b"!", b"-", b"+", b"@", b"@STRENGTH", b"@SECLEVEL=", b",", b" ", b";", b"ALL", b"DEFAULT",
                b"aNULL", b"RSA", b"AES", b"kEDH", b"SUITEB128", b"=", b"0", b"A", b"\x00"],
}
NESTING = {
    "json": [(b"[", b"]"), (b'{"a":', b"}"), (b'[{"a":', b"}]")],
    "lua": [(b"{", b"}"), (b"(", b")"), (b"-", b""), (b"not ", b""), (b"do ", b" end"), (b"{{", b"}}"),
            (b"function() return ", b" end"), (b"'a'..", b""), (b"a[", b"]")],
    "ciphers": [(b"+", b""), (b"!", b"")],
}


# -------------------------------------------------------------------------------------------- mutation


def mutate(rng: random.Random, target: str, seeds: list[bytes]) -> bytes:
    data = bytearray(rng.choice(seeds))
    for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
        op = rng.randrange(9)
        n = len(data)
        if op == 0 and n:  # truncate
            del data[rng.randrange(n + 1):]
        elif op == 1 and n:  # bit flips
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(n)] ^= 1 << rng.randrange(8)
        elif op == 2:  # insert a token
            at = rng.randint(0, n)
            data[at:at] = rng.choice(TOKENS[target])
        elif op == 3 and n:  # delete a range
            a = rng.randrange(n)
            del data[a:a + rng.randint(1, 32)]
        elif op == 4:  # splice with another seed
            other = rng.choice(seeds)
            a, b = rng.randint(0, n), rng.randint(0, len(other))
            data = data[:a] + other[b:b + rng.randint(1, 400)] + data[a:]
        elif op == 5:  # deep nesting: usually moderate, sometimes 100,000 levels
            depth = 100_000 if rng.random() < 0.002 else rng.choice((10, 200, 201, 1000, 5000))
            opener, closer = rng.choice(NESTING[target])
            at = rng.randint(0, n)
            data[at:at] = opener * depth + closer * depth
        elif op == 6:  # repeat a token or a slice many times (algorithmic complexity)
            piece = rng.choice(TOKENS[target]) if rng.random() < 0.6 or not n else data[
                (a := rng.randrange(n)):a + rng.randint(1, 16)]
            at = rng.randint(0, n)
            data[at:at] = bytes(piece) * rng.choice((2, 10, 100, 1000, 10_000))
        elif op == 7:  # random bytes
            at = rng.randint(0, n)
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        elif op == 8:  # duplicate a line
            lines = bytes(data).split(b"\n")
            if lines:
                i = rng.randrange(len(lines))
                lines.insert(i, lines[i])
                data = bytearray(b"\n".join(lines))
    if rng.random() < 0.01:
        data = bytearray(rng.randbytes(rng.randint(0, 4096)))  # pure garbage now and then
    return bytes(data)


# ----------------------------------------------------------------------------------------------- checks


def _check_issues(result: Any, codes: frozenset[str], text: str) -> None:
    lines = text.count("\n") + text.count("\r") + 2
    for issue in result.issues:
        if issue.code not in codes:
            raise AssertionError(f"unknown issue code {issue.code!r}")
        if not (1 <= issue.line <= lines and issue.column >= 1):
            raise AssertionError(f"issue position {issue.line}:{issue.column} outside the text")
        if "\n" in issue.message:
            raise AssertionError("an issue message spans lines")
    if result.fatal and result.data is not None:
        raise AssertionError("fatal result with data")
    json.dumps(result.data, allow_nan=True)


def run_one(target: str, data: bytes) -> None:
    if target == "ciphers":
        from emslint.inspect.cipher_verdicts import cipher_facts
        from emslint.inspect.ciphers import evaluate

        text = data.decode("utf-8", "replace")
        for openssl in ("1.0.2", "1.1.1", "3.1"):
            for build in ("default", "weak"):
                fips = openssl == "1.0.2" and build == "weak"
                result = evaluate(text, build=build, fips=fips, openssl=openssl)
                if result.ok != bool(result.ciphers) or (not result.ok and not result.error):
                    raise AssertionError("inconsistent CipherResult")
                names = result.names
                if len(names) != len(set(names)):
                    raise AssertionError("a suite is listed twice")
            json.dumps(cipher_facts(text, openssl=openssl))
        return
    from emslint.read.source import decode_text

    decoded = decode_text(data)
    if not decoded.ok:
        if decoded.text:
            raise AssertionError("unusable text returned")
        return
    if target == "json":
        from emslint.read.json_reader import read_json

        _check_issues(read_json(decoded.text), JSON_CODES, decoded.text)
    else:
        from emslint.read.lua_reader import read_lua

        result = read_lua(decoded.text, had_bom=decoded.has_bom)
        _check_issues(result, LUA_CODES, decoded.text)


# ------------------------------------------------------------------------------------------------ runner


@dataclass(slots=True)
class Failure:
    index: int
    kind: str  # "exception" | "timeout" | "invariant"
    detail: str
    data: bytes


_STATE: dict = {}


def _init(target: str, seed: int, timeout: float) -> None:
    _STATE.update(target=target, seed=seed, timeout=timeout, seeds=SEEDS[target]())
    run_one(target, b"")  # import everything before the clock starts


def _alarm(signum: int, frame: object) -> None:
    raise Timeout


def _work(span: tuple[int, int]) -> tuple[int, list[Failure], float]:
    target, seed, timeout, seeds = _STATE["target"], _STATE["seed"], _STATE["timeout"], _STATE["seeds"]
    failures: list[Failure] = []
    slowest = 0.0
    signal.signal(signal.SIGALRM, _alarm)
    for index in range(*span):
        rng = random.Random(f"{seed}/{target}/{index}")
        data = mutate(rng, target, seeds)
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            run_one(target, data)
        except Timeout:
            failures.append(Failure(index, "timeout", f"still running after {timeout} s", data))
        except AssertionError as exc:
            failures.append(Failure(index, "invariant", str(exc), data))
        except Exception as exc:  # every exception is a finding of the fuzzer
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            failures.append(Failure(index, "exception", f"{type(exc).__name__} at {tb.filename}:{tb.lineno}", data))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        slowest = max(slowest, time.perf_counter() - started)
    return span[1] - span[0], failures, slowest


def save(target: str, failure: Failure) -> Path:
    """Write a failing input to the crasher corpus (gzip-compressed when large; replay reads both)."""
    CRASHERS.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(failure.data).hexdigest()[:16]
    path = CRASHERS / f"{target}-{digest}.{EXTENSION[target]}"
    data = failure.data
    if len(data) > 100_000:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data, mtime=0)
    if not path.exists():
        path.write_bytes(data)
    return path


def fuzz(
    target: str,
    count: int,
    seed: int,
    jobs: int,
    timeout: float,
    *,
    write: bool,
    max_crashers: int = 5,
    only: list[int] | None = None,
) -> dict:
    chunk = 200
    spans = [(i, min(i + chunk, count)) for i in range(0, count, chunk)] if only is None else [(i, i + 1) for i in only]
    count = len(spans) if only is not None else count
    started = time.perf_counter()
    done = 0
    failures: list[Failure] = []
    slowest = 0.0
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(jobs, initializer=_init, initargs=(target, seed, timeout)) as pool:
        for n, found, slow in pool.imap_unordered(_work, spans):
            done += n
            failures.extend(found)
            slowest = max(slowest, slow)
            if done % 10_000 < chunk and only is None:
                rate = done / (time.perf_counter() - started)
                print(f"  {target}: {done}/{count} inputs, {len(failures)} failures, {rate:.0f}/s", flush=True)
    wall = time.perf_counter() - started
    keep: dict[str, list[Failure]] = {}
    for f in sorted(failures, key=lambda f: len(f.data)):  # the smallest inputs make the best fixtures
        same = keep.setdefault(f"{f.kind}: {f.detail}", [])
        if len(same) < max_crashers:
            same.append(f)
    saved = sorted({str(save(target, f).relative_to(ROOT)) for fs in keep.values() for f in fs}) if write else []
    kinds: dict[str, int] = {}
    for f in failures:
        kinds[f"{f.kind}: {f.detail}"] = kinds.get(f"{f.kind}: {f.detail}", 0) + 1
    return {
        "target": target, "seed": seed, "inputs": done, "failures": len(failures), "wall_s": round(wall, 1),
        "inputs_per_s": round(done / wall, 1), "slowest_input_s": round(slowest, 3), "jobs": jobs,
        "failure_kinds": kinds, "crashers": saved, "first_failures": sorted(f.index for f in failures)[:10],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["json", "lua", "ciphers", "all"], default="all")
    parser.add_argument("--count", type=int, default=100_000, help="inputs per target")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=max(1, len(os.sched_getaffinity(0))) if hasattr(
        os, "sched_getaffinity") else 1)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per input before it counts as a hang")
    parser.add_argument("--no-write", action="store_true", help="do not write crashers to tests/hardening/crashers")
    parser.add_argument("--max-crashers", type=int, default=5, help="inputs written per distinct failure (smallest)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--only", help="comma-separated input numbers to run again (with the same --seed)")
    args = parser.parse_args(argv)
    targets = ["json", "lua", "ciphers"] if args.target == "all" else [args.target]
    summaries = [
        fuzz(t, args.count, args.seed, args.jobs, args.timeout, write=not args.no_write, max_crashers=args.max_crashers,
             only=[int(x) for x in args.only.split(",")] if args.only else None)
        for t in targets
    ]
    if args.json:
        print(json.dumps(summaries, indent=2))
    else:
        print(f"{'target':8} {'inputs':>8} {'failures':>8} {'wall s':>8} {'inputs/s':>9} {'slowest s':>9}")
        for s in summaries:
            print(f"{s['target']:8} {s['inputs']:>8} {s['failures']:>8} {s['wall_s']:>8} {s['inputs_per_s']:>9} "
                  f"{s['slowest_input_s']:>9}")
            for kind, n in sorted(s["failure_kinds"].items()):
                print(f"    {n} x {kind}")
            if s["failures"]:
                print(f"    failing inputs (first 10): {s['first_failures']}; replay with --only")
            for path in s["crashers"]:
                print(f"    crasher: {path}")
    return 1 if any(s["failures"] for s in summaries) else 0


if __name__ == "__main__":
    sys.exit(main())
