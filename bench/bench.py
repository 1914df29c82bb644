"""emslint start-up and fleet benchmark: one command, its own data, medians of interleaved runs.

    python bench/bench.py            # full: one deployment (21 rounds), fleets of 100 / 1,000 / 10,000
    python bench/bench.py --quick    # 7 rounds, fleets of 100 / 1,000 (about a minute)

What it does (bench/README.md has the details):

* generates, in a temporary folder, a demo PKI (a CA, per-gateway EMS server certificates and keys, one LSR
  certificate and key shared by the fleet as an image would ship it) and deployments that each differ a
  little (hosts, ports, keys, log levels, a few weakened settings, file modes);
* one deployment (config.json + config.lua + CA + server certificate + key): wall time of the whole
  process, ``emslint check DIR`` against ``check-jsonschema --schemafile S config.json`` (S = emslint's own
  EMS schema) and against the floor ``python -c "import json; json.load(...)"``, interleaved, medians;
* fleets: ``emslint check fleet-N`` (default format and ``--jobs``) at N = 100, 1,000, 10,000:
  deployments per second and peak RSS of the largest process (parent or worker, from ``wait4``);
* where the time goes: ``EMSLINT_PROFILE=1`` stage timings (import, read, parse, schema, certificates,
  rules, output...) for the one deployment and per deployment of a ``--jobs 1`` fleet run, and the
  ``-X importtime`` cost of the top-level packages.

Bytecode caches are warm: PYTHONDONTWRITEBYTECODE is removed from the children's environment and every
command runs twice before it is timed.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import ipaddress
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_RATIO = 0.6  # issue 16: one deployment at most 0.6x check-jsonschema
TARGET_VERSION_RATIO = 2.0  # issue 16: `emslint --version` at most 2x the bare interpreter
TARGET_RATE = 300.0
TARGET_RSS_MIB = 250.0


def _tool(name: str) -> str:
    """The real entry point next to this interpreter (a pyenv shim would add ~50 ms of bash to every run)."""
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if not found:
            sys.exit(f"bench: {name} not found; install with: pip install -e '.[bench]'")
        return found
    return str(path)


# ---------------------------------------------------------------------------------------------------------
# Data: demo PKI and deployments (DEMO KEY MATERIAL, generated per run, never reused)


class Pki:
    def __init__(self) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        self.x509, self.hashes, self.serialization, self.ec = x509, hashes, serialization, ec
        self.NameOID, self.EKU = NameOID, ExtendedKeyUsageOID
        self.not_before = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        self.not_after = dt.datetime(2124, 12, 31, tzinfo=dt.UTC)
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        name = self._name("emslint bench CA")
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.not_before).not_valid_after(self.not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                              data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                              encipher_only=False, decipher_only=False),
                critical=True,
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        self.ca_pem = self.ca_cert.public_bytes(serialization.Encoding.PEM)
        self.lsr_cert, self.lsr_key = self.leaf("lsr localhost")

    def _name(self, cn: str):  # a cryptography x509.Name
        return self.x509.Name([
            self.x509.NameAttribute(self.NameOID.ORGANIZATION_NAME, "emslint bench (DEMO, NOT SECRET)"),
            self.x509.NameAttribute(self.NameOID.COMMON_NAME, cn),
        ])

    def leaf(self, cn: str) -> tuple[bytes, bytes]:
        """(certificate PEM, unencrypted PKCS#8 key PEM) signed by the CA, valid for localhost."""
        x509 = self.x509
        key = self.ec.generate_private_key(self.ec.SECP256R1())
        san = x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        ])
        cert = (
            x509.CertificateBuilder()
            .subject_name(self._name(cn)).issuer_name(self.ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.not_before).not_valid_after(self.not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(san, critical=False)
            .add_extension(x509.ExtendedKeyUsage([self.EKU.SERVER_AUTH]), critical=False)
            .sign(self.ca_key, self.hashes.SHA256())
        )
        s = self.serialization
        key_pem = key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())
        return cert.public_bytes(s.Encoding.PEM), key_pem


CIPHERS = [
    "ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!SRP",
    "HIGH:!aNULL:!MD5",
    "ECDHE+AESGCM:ECDHE+AES256:!aNULL",
]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _config_json(i: int, rng: random.Random) -> dict:
    weak = i % 10 == 3  # one gateway in ten was set up by hand and shows it
    doc: dict = {
        "ws_servers": [{"host": f"twx-{i % 7}.example.com", "port": rng.choice([443, 8443])}],
        "appKey": str(uuid.UUID(int=rng.getrandbits(128))) if weak else "AES:" + _b64(rng.randbytes(48)),
        "logger": {"level": rng.choice(["WARN", "INFO", "ERROR"]), "publish_directory": "/var/log/thingworx/ems/"},
        "ws_connection": {"encryption": "none" if i % 50 == 7 else "ssl"},
        "certificates": {
            "validate": not weak,
            "allow_self_signed": False,
            "disable_hostname_validation": False,
            "cert_chain": "etc/certs/ca.pem",
            "cipher_suite": CIPHERS[i % len(CIPHERS)],
            "http_client_ca_certs": "etc/certs/ca.pem",
        },
        "http_server": {
            "host": "localhost",
            "port": 8000 + i % 50,
            "ssl": True,
            "certificate": "etc/certs/ems.pem",
            "private_key": "etc/certs/ems.key",
            "authenticate": True,
            "user": f"ems-lsr-{i}",
            "password": "AES:" + _b64(rng.randbytes(16)),
            "enable_csrf_tokens": i % 4 != 0,
        },
        "file": {"virtual_dirs": [{"transfers": f"/var/lib/thingworx/transfers/{i}"}],
                 "staging_dir": "/var/lib/thingworx/staging"},
    }
    return doc


def _config_lua(i: int, rng: random.Random) -> str:
    port = 8000 + i % 50
    things = "\n".join(
        f'scripts.Thing{n} = {{\n    file = "thing.lua",\n    template = "sensor{n % 3}",\n'
        f"    scanRate = {rng.choice([1000, 5000, 60000])},\n}}\n"
        for n in range(1 + i % 4)
    )
    return f"""-- Lua Script Resource of gateway {i} (emslint bench, DEMO)
scripts.rap_host = "localhost"
scripts.rap_port = {port}
scripts.rap_ssl = true
scripts.rap_validate = {"false" if i % 10 == 3 else "true"}
scripts.rap_deny_selfsigned = true
scripts.rap_cert_file = "etc/certs/ca.pem"
scripts.rap_server_authenticate = true
scripts.rap_userid = "ems-lsr-{i}"
scripts.rap_password = "AES:{_b64(rng.randbytes(16))}"

scripts.script_resource_host = "localhost"
scripts.script_resource_port = {port + 1000}
scripts.script_resource_ssl = true
scripts.script_resource_certificate_chain = "etc/certs/lsr.pem"
scripts.script_resource_private_key = "etc/certs/lsr.key"
scripts.script_resource_authenticate = true
scripts.script_resource_userid = "ems-callbacks"
scripts.script_resource_password = "AES:{_b64(rng.randbytes(16))}"
scripts.script_resource_enable_csrf_tokens = true

scripts.log_level = "{rng.choice(["WARN", "INFO"])}"
scripts.log_publish_directory = "/var/log/thingworx/lsr/"

{things}"""


def write_deployment(folder: Path, i: int, pki: Pki, rng: random.Random) -> None:
    certs = folder / "etc" / "certs"
    certs.mkdir(parents=True)
    ems_cert, ems_key = pki.leaf(f"gateway-{i} localhost")  # every gateway has its own identity
    open_mode = 0o644 if i % 20 == 5 else 0o600  # a few were copied around without care
    files = {
        folder / "etc" / "config.json": (json.dumps(_config_json(i, rng), indent=2).encode(), open_mode),
        folder / "etc" / "config.lua": (_config_lua(i, rng).encode(), open_mode),
        certs / "ca.pem": (pki.ca_pem, 0o644),
        certs / "ems.pem": (ems_cert, 0o644),
        certs / "ems.key": (ems_key, open_mode),
        certs / "lsr.pem": (pki.lsr_cert, 0o644),
        certs / "lsr.key": (pki.lsr_key, 0o600),  # the same on every gateway, as the image ships it
    }
    for path, (data, mode) in files.items():
        path.write_bytes(data)
        os.chmod(path, mode)


def make_data(base: Path, sizes: list[int]) -> dict[str, Path]:
    pki = Pki()
    rng = random.Random(20251123)
    one = base / "one"
    write_deployment(one, 0, pki, rng)
    fleets: dict[str, Path] = {"one": one}
    biggest = base / f"fleet-{max(sizes)}"
    for i in range(max(sizes)):
        write_deployment(biggest / f"gw-{i:05d}", i, pki, rng)
    for size in sizes:
        if size == max(sizes):
            fleets[f"fleet-{size}"] = biggest
            continue
        folder = base / f"fleet-{size}"
        for i in range(size):  # hard links: a smaller fleet is the first N gateways of the biggest
            source = biggest / f"gw-{i:05d}"
            for path in source.rglob("*"):
                target = folder / path.relative_to(biggest)
                if path.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(path, target)
        fleets[f"fleet-{size}"] = folder
    return fleets


# ---------------------------------------------------------------------------------------------------------
# Running and measuring


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with bytecode cached, as installed users run it
    env.pop("EMSLINT_PROFILE", None)
    env.pop("CI", None)
    env.pop("EMSLINT_NO_CACHE", None)
    env["EMSLINT_CACHE_DIR"] = str(CACHE_DIR[0])  # the run's own cache folder: rules, records
    env.update(extra)
    return env


CACHE_DIR = [Path(tempfile.gettempdir()) / "emslint-bench-cache"]  # set under the data folder by main()


def clear_records() -> None:
    """Remove the records of earlier runs (emslint/records.py), keeping the parsed rules: the next run inspects the
    key material and evaluates the cipher list again, as the first run after a change of those files does."""
    for pattern in ("keymaterial-*.json", "ciphers-*.json"):
        for record in CACHE_DIR[0].glob(pattern):
            record.unlink()


class Run:
    __slots__ = ("code", "cpu", "rss_mib", "stderr", "wall")

    def __init__(self, wall: float, cpu: float, rss_mib: float, code: int, stderr: str) -> None:
        self.wall, self.cpu, self.rss_mib, self.code, self.stderr = wall, cpu, rss_mib, code, stderr


def run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Wall time, CPU time (user + system) and peak RSS of the largest process of the tree: wait4 folds in the
    waited-for children (emslint's workers)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env or _env(), stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, text)


def interleaved(variants: dict[str, Callable[[], Run]], rounds: int) -> dict[str, list[Run]]:
    """Every round runs every variant once, in a rotated order, so that load drifts hit all of them alike."""
    names = list(variants)
    out: dict[str, list[Run]] = {n: [] for n in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            out[name].append(variants[name]())
    return out


def med(values: list[float]) -> float:
    return statistics.median(values)


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def profile_of(run_: Run) -> dict[str, float]:
    for line in reversed(run_.stderr.splitlines()):
        if line.startswith("emslint-profile:"):
            return json.loads(line.split(":", 1)[1])
    raise RuntimeError(f"no profile line in stderr: {run_.stderr[-500:]}")


def importtime(cmd: list[str], cwd: Path, rounds: int) -> dict[str, float]:
    """Median self+children ms of each top-level import that `python -c pass` does not do, grouped by package."""
    def groups(extra: list[str]) -> dict[str, float]:
        proc = subprocess.run([sys.executable, "-X", "importtime", *extra], cwd=cwd, env=_env(),
                              capture_output=True, text=True)
        found: dict[str, float] = {}
        for line in proc.stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            _, cumulative, name = line.split("|")
            if name.startswith("  ") or not cumulative.strip().isdigit():
                continue  # only top-level entries: their cumulative time includes everything below
            name = name.strip()
            found[name] = found.get(name, 0.0) + int(cumulative) / 1000
        return found

    base = set(groups(["-c", "pass"]))
    samples: list[dict[str, float]] = []
    for _ in range(rounds):
        top = groups(cmd)
        grouped: dict[str, float] = {}
        for name, ms in top.items():
            if name in base:
                continue
            package = name.split(".")[0]
            key = name if package == "emslint" else package
            grouped[key] = grouped.get(key, 0.0) + ms
        samples.append(grouped)
    keys = {k for s in samples for k in s}
    return {k: med([s.get(k, 0.0) for s in samples]) for k in keys}


# ---------------------------------------------------------------------------------------------------------
# The sections

STAGES = ["import", "settings", "rules-load", "discover", "read", "json-parse", "lua-parse", "schema",
          "facts", "certificates", "ciphers", "rules", "output", "workers", "other"]


def _fmt_stages(values: dict[str, float], scale: float = 1.0, digits: int = 1) -> str:
    return ", ".join(f"{k} {values[k] * scale:.{digits}f}" for k in STAGES if values.get(k, 0) * scale >= 0.005)


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("emslint", "typer", "rich", "cryptography", "check-jsonschema"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} -")
    return ", ".join(found)


COLD = "emslint check one, no records"


def one_deployment(base: Path, rounds: int) -> dict:
    emslint, cj = _tool("emslint"), _tool("check-jsonschema")
    schema = str(ROOT / "schemas" / "ems-config.schema.json")
    config = "one/etc/config.json"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "floor: json.load": [sys.executable, "-c", f"import json; json.load(open({config!r}))"],
        "check-jsonschema": [cj, "--schemafile", schema, config],
        "emslint check one": [emslint, "check", "one"],
        "emslint check --format jsonl one": [emslint, "check", "--format", "jsonl", "one"],
        "emslint --version": [emslint, "--version"],
    }
    for cmd in commands.values():  # warm-up: bytecode, page cache, emslint's rule cache and records
        for _ in range(2):
            run(cmd, cwd=base)
    variants: dict[str, Callable[[], Run]] = {k: (lambda c=c: run(c, cwd=base)) for k, c in commands.items()}
    variants[COLD] = lambda: (clear_records(), run(commands["emslint check one"], cwd=base))[1]
    first = run(commands["emslint check one"], cwd=base)
    checked = run(commands["check-jsonschema"], cwd=base)
    if first.code not in (0, 1) or checked.code != 0:
        raise SystemExit(f"bench: a command failed:\n{first.stderr}\n{checked.stderr}")
    load_before = loadavg()
    runs = interleaved(variants, rounds)
    load_after = loadavg()
    per_round = [e.wall / c.wall for e, c in zip(runs["emslint check one"], runs["check-jsonschema"], strict=True)]
    profiled = [profile_of(run(commands["emslint check one"], cwd=base, env=_env(EMSLINT_PROFILE="1")))
                for _ in range(max(5, rounds // 2))]
    imports = importtime(["-c", "import sys; from emslint.cli import main; sys.argv = ['emslint', 'check', 'one'];"
                          " main()"], base, max(5, rounds // 3))
    return {
        "wall": {k: [r.wall * 1000 for r in v] for k, v in runs.items()},
        "per_round": per_round,
        "stages": {k: med([p.get(k, 0.0) for p in profiled]) for k in {k for p in profiled for k in p}},
        "imports": imports,
        "rss": med([r.rss_mib for r in runs["emslint check one"]]),
        "load": (load_before, load_after),
        "rounds": rounds,
    }


def fleets(base: Path, sizes: list[int], rounds: int, big_rounds: int, jobs: int | None) -> dict:
    emslint = _tool("emslint")
    extra = ["--jobs", str(jobs)] if jobs else []
    commands = {
        (fmt, size): [emslint, "check", *extra, *(["--format", fmt] if fmt != "text" else []), f"fleet-{size}"]
        for size in sizes
        for fmt in ("text", "jsonl")
    }
    for key, cmd in commands.items():
        warm = run(cmd, cwd=base)
        if warm.code not in (0, 1):
            raise SystemExit(f"bench: emslint failed on {key}:\n{warm.stderr[-2000:]}")
    load_before = loadavg()
    runs: dict[tuple[str, int], list[Run]] = {k: [] for k in commands}
    keys = list(commands)
    for r in range(rounds):  # interleaved, rotated; the 10,000 fleet takes long, so it joins fewer rounds
        shift = r % len(keys)
        for key in keys[shift:] + keys[:shift]:
            if key[1] >= 10000 and r >= big_rounds:
                continue
            runs[key].append(run(commands[key], cwd=base))
    load_after = loadavg()
    rows = {key: {"wall": med([r.wall for r in v]), "rate": key[1] / med([r.wall for r in v]),
                  "cpu_ms": med([r.cpu for r in v]) * 1000 / key[1], "rss": max(r.rss_mib for r in v), "n": len(v)}
            for key, v in runs.items()}
    middle = 1000 if 1000 in sizes else sizes[-1]
    serial = run([emslint, "check", "--jobs", "1", "--format", "jsonl", f"fleet-{middle}"], cwd=base,
                 env=_env(EMSLINT_PROFILE="1"))
    parents = {fmt: profile_of(run(commands[(fmt, middle)], cwd=base, env=_env(EMSLINT_PROFILE="1")))
               for fmt in ("text", "jsonl")}
    return {"rows": rows, "serial": profile_of(serial), "serial_wall": serial.wall, "parents": parents,
            "middle": middle, "load": (load_before, load_after), "rounds": rounds, "big_rounds": big_rounds}


def against(base: Path, rev: str, size: int, rounds: int, jobs: int | None) -> dict:
    """The fleet of ``size`` linted by this emslint and by the source of git revision ``rev`` (``git archive``, run
    with this interpreter and its packages), interleaved: a box that slows down slows both, so the ratio holds
    where the rate alone does not (the fleet target was measured on a quieter box)."""
    tree = Path(tempfile.mkdtemp(prefix="emslint-against-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev],
                                 capture_output=True, check=False)
        if archive.returncode != 0:
            raise SystemExit(f"bench: git archive {rev} failed: {archive.stderr.decode(errors='replace')[-500:]}")
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        extra = ["--jobs", str(jobs)] if jobs else []
        old = [sys.executable, "-c", "import sys; from emslint.cli import main; sys.argv[0] = 'emslint'; main()",
               "check", *extra, f"fleet-{size}"]
        old_env = _env(PYTHONPATH=str(tree))
        variants: dict[str, Callable[[], Run]] = {
            "this": lambda: run([_tool("emslint"), "check", *extra, f"fleet-{size}"], cwd=base),
            rev: lambda: run(old, cwd=base, env=old_env),
        }
        for name, variant in variants.items():  # warm-up: bytecode of both trees, the rule cache
            warm = variant()
            if "ModuleNotFoundError" in warm.stderr:
                raise SystemExit(f"bench: {name} needs a package this interpreter lacks (it runs with this"
                                 f" interpreter's packages; install what its pyproject.toml names):\n"
                                 f"{warm.stderr.strip().splitlines()[-1]}")
            if warm.code not in (0, 1) or "Traceback" in warm.stderr:
                raise SystemExit(f"bench: the fleet run of {name} failed:\n{warm.stderr[-2000:]}")
        runs = interleaved(variants, rounds)
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    rates = {name: [size / r.wall for r in v] for name, v in runs.items()}
    ratios = [a / b for a, b in zip(rates["this"], rates[rev], strict=True)]
    return {"rev": rev, "size": size, "rounds": rounds, "rates": {k: med(v) for k, v in rates.items()},
            "cpu_ms": {k: med([r.cpu for r in v]) * 1000 / size for k, v in runs.items()},
            "ratio": med(ratios), "ratios": ratios}


def _verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def report(one: dict, fleet: dict, sizes: list[int], started: float, jobs: int | None,
           side: dict | None = None) -> list[str]:
    lines: list[str] = []
    out = lines.append
    wall = {k: med(v) for k, v in one["wall"].items()}
    ems, cj, floor = wall["emslint check one"], wall["check-jsonschema"], wall["floor: json.load"]
    ratio = ems / cj
    out(f"== environment: {platform.python_implementation()} {platform.python_version()} on {platform.system()},"
        f" {os.cpu_count()} cores; {_versions()}")
    out("   PYTHONDONTWRITEBYTECODE unset for every command (bytecode cached); each command ran twice before timing")
    out("")
    out(f"== one deployment: config.json + config.lua + CA, server certificate, key; {one['rounds']} interleaved"
        f" rounds; load average {one['load'][0]} -> {one['load'][1]}")
    out(f"   {'command':<34} {'median ms':>9} {'p25':>7} {'p75':>7}")
    for name, values in one["wall"].items():
        q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
        out(f"   {name:<34} {med(values):9.1f} {q[0]:7.1f} {q[2]:7.1f}")
    out(f"   RATIO emslint / check-jsonschema = {ratio:.2f} (median of per-round ratios {med(one['per_round']):.2f});"
        f" target <= {TARGET_RATIO}: {_verdict(ratio <= TARGET_RATIO)}")
    out(f"   RATIO emslint / floor (json.load) = {ems / floor:.2f}; above the floor: emslint {ems - floor:.0f} ms,"
        f" check-jsonschema {cj - floor:.0f} ms; --format jsonl / check-jsonschema ="
        f" {wall['emslint check --format jsonl one'] / cj:.2f}")
    out(f"   RATIO {COLD} / check-jsonschema = {wall[COLD] / cj:.2f} (no target: the first run after the key"
        " material or the cipher list changed, or any run with EMSLINT_NO_CACHE=1 and a warm rule cache)")
    version, bare = wall["emslint --version"], wall["python -c pass"]
    out(f"   RATIO emslint --version / python -c pass = {version / bare:.2f}; target <= {TARGET_VERSION_RATIO}:"
        f" {_verdict(version / bare <= TARGET_VERSION_RATIO)}")
    out(f"   peak RSS of emslint check one: {one['rss']:.0f} MiB")
    s = one["stages"]
    out(f"   where the time goes (EMSLINT_PROFILE=1, median ms, exclusive): python start-up"
        f" {wall['python -c pass']:.1f} (python -c pass), {_fmt_stages(s)}; in-process {s.get('total', 0):.1f}")
    top = sorted(one["imports"].items(), key=lambda kv: -kv[1])[:9]
    out("   imports (-X importtime, median ms of top-level modules beyond python -c pass): "
        + ", ".join(f"{k} {v:.1f}" for k, v in top) + f"; all {sum(one['imports'].values()):.1f}")
    out("")
    out(f"== fleets: emslint check [--format jsonl] fleet-N, --jobs {jobs or 'default (the cores)'};"
        f" {fleet['rounds']} interleaved rounds ({fleet['big_rounds']} for 10,000); load average"
        f" {fleet['load'][0]} -> {fleet['load'][1]}")
    cores = os.cpu_count() or 1
    out(f"   {'format':<6} {'deployments':>11} {'runs':>4} {'median s':>8} {'per second':>10} {'CPU ms each':>11}"
        f" {'idle-box /s':>11} {'peak RSS MiB':>12}")
    for (fmt, size), row in sorted(fleet["rows"].items(), key=lambda kv: (kv[0][0] != "text", kv[0][1])):
        out(f"   {fmt:<6} {size:>11,} {row['n']:>4} {row['wall']:>8.2f} {row['rate']:>10.0f} {row['cpu_ms']:>11.2f}"
            f" {cores * 1000 / row['cpu_ms']:>11.0f} {row['rss']:>12.0f}")
    out(f"   (CPU ms each: user + system time of the whole process tree per deployment; idle-box /s = {cores} cores"
        " / CPU time: the rate this run would reach with every core free, the upper bound the load hides)")
    rows = fleet["rows"]
    if 1000 in sizes:
        text, jsonl = rows[("text", 1000)]["rate"], rows[("jsonl", 1000)]["rate"]
        idle_text, idle_jsonl = (cores * 1000 / rows[(f, 1000)]["cpu_ms"] for f in ("text", "jsonl"))
        out(f"   RATE 1,000 deployments: text (the default) {text:.0f}/s, jsonl {jsonl:.0f}/s; target >= "
            f"{TARGET_RATE:.0f}/s: text {_verdict(text >= TARGET_RATE)}, jsonl {_verdict(jsonl >= TARGET_RATE)};"
            f" idle-box bound: text {idle_text:.0f}/s, jsonl {idle_jsonl:.0f}/s")
    peak = max(r["rss"] for r in rows.values())
    small, big = min(sizes), max(sizes)
    out(f"   MEMORY peak RSS of any one process {peak:.0f} MiB (target < {TARGET_RSS_MIB:.0f}:"
        f" {_verdict(peak < TARGET_RSS_MIB)}); {small:,} -> {big:,} deployments: text "
        f"{rows[('text', small)]['rss']:.0f} -> {rows[('text', big)]['rss']:.0f} MiB, jsonl "
        f"{rows[('jsonl', small)]['rss']:.0f} -> {rows[('jsonl', big)]['rss']:.0f} MiB")
    n = fleet["middle"]
    per = fleet["serial"]
    out(f"   one process (--jobs 1 --format jsonl) over fleet-{n}: {n / fleet['serial_wall']:.0f}/s; ms per deployment:"
        f" {_fmt_stages(per, 1 / n, 2)}")
    for fmt, prof in fleet["parents"].items():
        out(f"   parent process of the parallel {fmt} run over fleet-{n} (ms): {_fmt_stages(prof)};"
            f" total {prof.get('total', 0):.0f}; peak RSS parent {prof.get('rss_mib', 0):.0f} MiB,"
            f" largest worker {prof.get('workers_rss_mib', 0):.0f} MiB")
    if side is not None:
        rev = side["rev"]
        out("")
        out(f"== fleet-{side['size']:,} side by side with {rev} (its source, this interpreter); {side['rounds']}"
            " interleaved rounds")
        out(f"   this emslint {side['rates']['this']:.0f}/s (CPU {side['cpu_ms']['this']:.2f} ms each), {rev}"
            f" {side['rates'][rev]:.0f}/s (CPU {side['cpu_ms'][rev]:.2f} ms each)")
        out(f"   RATIO this / {rev} = {side['ratio']:.2f} (median of per-round ratios; each round:"
            f" {', '.join(f'{r:.2f}' for r in side['ratios'])})")
    out("")
    out(f"bench finished in {time.time() - started:.0f} s")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="7 rounds, fleets of 100 and 1,000 only")
    parser.add_argument("--rounds", type=int, help="rounds of the one-deployment comparison (default 21, quick 7)")
    parser.add_argument("--fleet-rounds", type=int, help="rounds of the fleets (default 5, quick 3)")
    parser.add_argument("--jobs", type=int, help="pass --jobs to emslint for the fleets (default: its own)")
    parser.add_argument("--keep", type=Path, help="generate the data here and keep it (default: a temp folder)")
    parser.add_argument("--against", metavar="REV", help="also lint fleet-1,000 side by side with the source of git"
                        " revision REV (e.g. the commit a target was measured at) and report the rate ratio")
    args = parser.parse_args()
    started = time.time()
    sizes = [100, 1000] if args.quick else [100, 1000, 10000]
    rounds = args.rounds or (7 if args.quick else 21)
    fleet_rounds = args.fleet_rounds or (3 if args.quick else 5)
    base = args.keep or Path(tempfile.mkdtemp(prefix="emslint-bench-"))
    CACHE_DIR[0] = base / "emslint-cache"
    shutil.rmtree(CACHE_DIR[0], ignore_errors=True)
    try:
        if not (base / f"fleet-{max(sizes)}").exists():
            print(f"bench: generating 1 + {max(sizes):,} deployments with demo certificates in {base} ...",
                  file=sys.stderr, flush=True)
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir(parents=True)
            make_data(base, sizes)
        print("bench: one deployment ...", file=sys.stderr, flush=True)
        one = one_deployment(base, rounds)
        print("bench: fleets ...", file=sys.stderr, flush=True)
        fleet = fleets(base, sizes, fleet_rounds, min(3, fleet_rounds), args.jobs)
        side = None
        if args.against:
            print(f"bench: fleet-1,000 side by side with {args.against} ...", file=sys.stderr, flush=True)
            side = against(base, args.against, 1000, max(fleet_rounds, 5), args.jobs)
        print("\n".join(report(one, fleet, sizes, started, args.jobs, side)))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
