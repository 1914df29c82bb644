"""No secret value ever appears in any output: text, json, jsonl, sarif, github, baseline, facts, stderr.

Distinct random secrets are planted at every secret path of config.json, config.json.booted, config.lua,
emessage.conf and cxserver.conf (the paths come from the schema annotations, ``x-emslint: {"secret": true}``),
in valid files and in broken ones (truncated, unterminated, bare words, wrong types, duplicate keys, invalid
escapes, HOCON syntax errors, cycles, self-references), next to real key material. Every output format is run
and searched for each secret, for its first 8 characters when it is longer than 8, for the bytes of every
private key and for the SHA-256 prefix the rule engine would compute from the bare value (a hash of a short
password is a guessing oracle). The values are never printed: a failure names the label of the secret and the
format, not the value.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from tests.hardening import Run, run_cli, write_deployment

SEED = 20_240_611
# No characters that an output format escapes or that rich reads as markup: the secret must appear verbatim
# if it appears at all.
_ALPHABET = string.ascii_letters + string.digits + "-_.!@^*+=~"


@dataclass(repr=False)
class Planted:
    """label -> secret value, plus needles (label -> text that must not occur in any output)."""

    secrets: dict[str, str] = field(default_factory=dict)
    identities: dict[str, str] = field(default_factory=dict)  # user names: not secret, but not echoed either
    holders: dict[str, str] = field(default_factory=dict)  # label -> a whole value that holds a secret (a URL)
    material: dict[str, str] = field(default_factory=dict)  # label -> key-material text
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))

    def __repr__(self) -> str:  # pytest shows fixtures in failures: labels, never values
        return f"Planted({len(self.secrets)} secrets, {len(self.material)} key-material needles)"

    def guid(self, label: str) -> str:
        value = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return self._keep(label, value)

    def word(self, label: str, length: int = 0) -> str:
        n = length or self.rng.randint(14, 32)
        value = "".join(self.rng.choice(_ALPHABET) for _ in range(n))
        return self._keep(label, value)

    def name(self, label: str) -> str:
        """A secret that is also a valid Lua name (a password written without quotes reads as one)."""
        rest = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(15))
        return self._keep(label, self.rng.choice(string.ascii_letters) + rest)

    def user(self, label: str) -> str:
        value = "u" + "".join(self.rng.choice(string.ascii_lowercase + string.digits) for _ in range(11))
        self.identities[label] = value
        return value

    def short(self, label: str) -> str:
        # A short secret is never shown, not even in part; its whole value is searched for.
        value = "".join(self.rng.choice(string.ascii_letters) for _ in range(3)) + "~^" + self.rng.choice("!@*")
        return self._keep(label, value)

    def _keep(self, label: str, value: str) -> str:
        assert label not in self.secrets and value not in self.secrets.values()
        self.secrets[label] = value
        return value

    def needles(self, *, identities: bool = True) -> dict[str, str]:
        found: dict[str, str] = dict(self.identities) if identities else {}
        for label, value in self.secrets.items():
            found[label] = value
            if len(value) > 8:
                found[f"{label} (first 8 characters)"] = value[:8]
            # A hash of the bare value, as emslint 0.1's baselines held (a brute-forceable side door).
            digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]
            found[f"{label} (value hash)"] = digest
        for label, value in self.holders.items():
            digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]
            found[f"{label} (value hash)"] = digest
        found.update(self.material)
        return found


def assert_no_needle(text: str, planted: Planted, where: str, *, identities: bool = True) -> None:
    needles = planted.needles(identities=identities)
    leaked = [label for label, needle in needles.items() if needle and needle in text]
    assert not leaked, f"{where}: secret values found in the output: {leaked}"  # labels only, never values


def _pem_needles(planted: Planted, label: str, pem: bytes) -> None:
    """Every base64 line of a PEM block, and the first 16 characters of each, must stay out of the output."""
    lines = [
        line for line in pem.decode().splitlines() if line and not line.startswith("-----") and ":" not in line
    ]
    for i, line in enumerate(lines):
        planted.material[f"{label} line {i}"] = line
        if len(line) > 16:
            planted.material[f"{label} line {i} (start)"] = line[:16]


# ---------------------------------------------------------------------------------------------- deployments


def _ems_document(p: Planted, prefix: str) -> dict:
    url = f"https://dl.example.com/get?appKey={p.guid(f'{prefix} appKey in a URL')}"
    p.holders[f"{prefix} URL with an appKey"] = url
    return {
        "ws_servers": [{"host": "platform.example.com", "port": 443}],
        "appKey": p.guid(f"{prefix} appKey"),
        "appkey": p.guid(f"{prefix} appkey (misspelt)"),
        "logger": {"publish_directory": url},
        "ws_connection": {"encryption": "ssl"},
        "http_server": {
            "host": "127.0.0.1",
            "port": 8000,
            "ssl": True,
            "authenticate": True,
            "certificate": "etc/certs/ems.pem",
            "private_key": "etc/certs/ems.key",
            "passphrase": p.word(f"{prefix} http_server.passphrase"),
            "user": p.user(f"{prefix} http_server.user"),
            "password": p.word(f"{prefix} http_server.password"),
        },
        "proxy": {
            "host": "proxy.example.com",
            "port": 3128,
            "user": p.user(f"{prefix} proxy.user"),
            "password": p.word(f"{prefix} proxy.password"),
        },
        "certificates": {
            "validate": True,
            "cert_chain": "etc/certs/ca.pem",
            "client_cert": "etc/certs/client.pem",
            "key_file": "etc/certs/client.key",
            "key_passphrase": p.guid(f"{prefix} certificates.key_passphrase"),
        },
        "auto_bind": [
            {"name": "ThingA", "host": "localhost", "port": 8001, "protocol": "https",
             "user": p.user(f"{prefix} auto_bind[0].user"),
             "password": p.guid(f"{prefix} auto_bind[0].password")},
            {"name": "ThingB", "host": "localhost", "port": 8002, "protocol": "http",
             "user": p.user(f"{prefix} auto_bind[1].user"),
             "password": p.short(f"{prefix} auto_bind[1].password")},
            {"name": "ThingC", "host": "10.1.2.3", "port": 8003, "protocol": "http",
             "user": p.user(f"{prefix} auto_bind[2].user"),
             "password": p.word(f"{prefix} auto_bind[2].password", 40)},
        ],
    }


def _lua_text(p: Planted, prefix: str) -> str:
    return "\n".join(
        [
            'scripts.rap_host = "127.0.0.1"',
            "scripts.rap_port = 8000",
            "scripts.rap_ssl = true",
            'scripts.rap_cert_file = "etc/certs/ca.pem"',
            "scripts.rap_server_authenticate = true",
            f'scripts.rap_userid = "{p.user(f"{prefix} rap_userid")}"',
            f'scripts.rap_password = "{p.word(f"{prefix} rap_password")}"',
            'scripts.script_resource_host = "0.0.0.0"',
            "scripts.script_resource_ssl = true",
            "scripts.script_resource_authenticate = true",
            'scripts.script_resource_certificate_chain = "etc/certs/lsr.pem"',
            'scripts.script_resource_private_key = "etc/certs/lsr.key"',
            f'scripts.script_resource_passphrase = "{p.guid(f"{prefix} script_resource_passphrase")}"',
            f'scripts.script_resource_userid = "{p.user(f"{prefix} script_resource_userid")}"',
            f"scripts.script_resource_password = '{p.short(f'{prefix} script_resource_password')}'",
            'scripts.Thing1 = { file = "thing.lua", template = "t" }',
            "",
        ]
    )


def _key_material(p: Planted) -> dict[str, bytes]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from tests.inspect import pki

    ca = pki.root_ca(7)
    ems = pki.leaf("127.0.0.1", key=pki.ec_key("secp256r1", 71), san=["127.0.0.1", "localhost"], issuer=ca)
    lsr = pki.leaf("lsr.local", key=pki.ec_key("secp256r1", 72), issuer=ca)
    client = pki.leaf("client.local", key=pki.ec_key("secp256r1", 73), issuer=ca)
    ems_key = pki.key_pem(ems.key, p.secrets["live http_server.passphrase"].encode())
    lsr_key = pki.key_pem(lsr.key)  # unencrypted: key material in the clear on disk
    client_key = pki.key_pem(client.key, fmt="traditional")
    for label, pem in (("ems.key", ems_key), ("lsr.key", lsr_key), ("client.key", client_key)):
        _pem_needles(p, label, pem)
    raw = client.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    p.material["client key DER (base64 start)"] = base64.b64encode(raw)[:24].decode()
    p.material["client key DER (hex start)"] = raw[:16].hex()
    dp = bytes(p.rng.randrange(256) for _ in range(64))
    p.material["dp.dat (hex)"] = dp[:16].hex()
    p.material["dp.dat (base64)"] = base64.b64encode(dp)[:16].decode()
    bundle = pkcs12.serialize_key_and_certificates(
        b"x", client.key, client.cert, None, serialization.BestAvailableEncryption(b"p12-pass")
    )
    return {
        "etc/certs/ca.pem": ca.cert.public_bytes(serialization.Encoding.PEM),
        "etc/certs/ems.pem": ems.cert.public_bytes(serialization.Encoding.PEM),
        "etc/certs/ems.key": ems_key,
        "etc/certs/lsr.pem": lsr.cert.public_bytes(serialization.Encoding.PEM),
        "etc/certs/lsr.key": lsr_key,
        "etc/certs/client.pem": client.cert.public_bytes(serialization.Encoding.PEM),
        "etc/certs/client.key": client_key,
        "etc/certs/client.p12": bundle,
        "etc/dp.dat": dp,
    }


def _broken_json(p: Planted) -> dict[str, str]:
    """config.json texts that break right at, in or around a secret."""
    g = p.guid
    w = p.word
    return {
        "truncated-in-secret": '{\n  "appKey": "' + g("truncated appKey")[:30],
        "truncated-after-secret": '{\n  "http_server": {"password": "' + w("truncated password") + '"',
        "unterminated-line": '{\n  "appKey": "' + g("unterminated appKey") + '\n  , "x": 1}',
        "bare-word": '{"appKey": ' + g("bare appKey") + ', "proxy": {"password": ' + w("bare proxy") + "}}",
        "two-bare-words": '{"http_server": {"password": ' + w("bare 1") + " " + w("bare 2") + "}}",
        "lost-key": '{"http_server": {"user": "u", "' + w("value without key") + '"}}',
        "lost-key-bare": '{"proxy": {"user": "u", ' + g("bare value without key") + "}}",
        "single-quotes": "{'appKey': '" + g("single-quoted appKey") + "'}",
        "curly-quotes": '{"appKey": \u201c' + g("curly appKey") + "\u201d}",
        "invalid-escape": '{"http_server": {"password": "' + w("escape password") + '\\q\\x"}}',
        "control-escape": '{"http_server": {"passphrase": "' + w("control passphrase") + '\\f\\b"}}',
        "raw-control": '{"proxy": {"password": "' + w("raw control password") + '\x01"}}',
        "duplicate": '{"appKey": "' + g("duplicate 1") + '", "appKey": "' + g("duplicate 2") + '"}',
        "wrong-types": json.dumps(
            {
                "appKey": [g("appKey in a list")],
                "http_server": {"password": {"nested": w("password in an object")}},
                "certificates": {"key_passphrase": 918_273_645_546_372_819},
            }
        ),
        "ini-style": 'appKey = "' + g("ini appKey") + '"\nhttp_server.password = ' + w("ini password"),
        "fragment": '"appKey": "' + g("fragment appKey") + '",\n"proxy": {"password": "' + w("fragment pw") + '"}',
        "trailing-junk": '{"appKey": "' + g("junk appKey") + '"} ' + w("after the document"),
        "missing-colon": '{"appKey" "' + g("missing colon appKey") + '", "x": 1}',
        "missing-comma": '{"appKey": "' + g("missing comma appKey") + '" "auto_bind": []}',
        "unknown-secret-key": '{"http_server": {"pasword": "' + w("misspelt key password") + '"}}',
        "deep": '{"auto_bind": [' * 3 + '{"password": "' + g("deep password") + '"}' + "]}" * 3,
    }


def _broken_lua(p: Planted) -> dict[str, str]:
    """config.lua texts that break at or around a secret, or compute one."""
    w = p.word
    g = p.guid
    return {
        "unterminated": 'scripts.rap_password = "' + w("lua unterminated"),
        "long-unterminated": "scripts.rap_password = [[" + w("lua long unterminated"),
        "syntax-after": 'scripts.rap_password = "' + w("lua before error") + '" )',
        "invalid-escape": 'scripts.script_resource_password = "' + w("lua escape") + '\\q"',
        "concat-call": 'scripts.rap_password = "' + w("lua concat") + '" .. os.getenv("X")',
        "or-expression": 'scripts.rap_password = x and "' + w("lua and") + '" or "' + w("lua or") + '"',
        "table": 'scripts.script_resource_passphrase = {"' + g("lua in a table") + '"}',
        "number": "scripts.rap_password = 918273645546372",
        "method": 'scripts.rap_password = ("' + w("lua method") + '"):upper()',
        "duplicate": 'scripts.rap_password = "' + w("lua first") + '"\n'
        + 'scripts.rap_password = "' + w("lua second") + '"',
        "conditional": 'if x then scripts.rap_password = "' + w("lua in if") + '" end',
        "local": 'local pw = "' + w("lua local") + '"\nscripts.rap_password = pw .. ""',
    }


def _connector_text(p: Planted, prefix: str) -> str:
    """An eMessage Connector file with a secret at every secret path of the connector schema, and in URLs."""
    url_user = p.word(f"{prefix} platform URL password")
    platforms = (f'["wss://twx.example.com/Thingworx/WS?appKey={p.guid(f"{prefix} appKey in a URL")}", '
                 f'"ws://bob:{url_user}@twx2.example.com:80/Thingworx/WS"]')
    p.holders[f"{prefix} platform URLs"] = platforms
    return "\n".join([
        "cx-server {",
        f'  transport.websockets {{ platforms = {platforms}, app-key = "{p.guid(f"{prefix} app-key")}" }}',
        "  protocol.http-server.ssl {",
        f'    key-store {{ file = "conf/connector.p12", password = "{p.word(f"{prefix} key-store.password")}" }}',
        "    client-authentication.trust-store { file = \"conf/trust.p12\", "
        f'password = "{p.short(f"{prefix} client trust-store.password")}" }}',
        "  }",
        '  protocol.http-client.ssl.trust-store { file = "conf/t.p12", '
        f'password = """{p.word(f"{prefix} http-client trust-store.password")}""" }}',
        f'  metrics.password = "{p.word(f"{prefix} metrics.password (no schema path)")}"',
        "}",
        "",
    ])


def _broken_hocon(p: Planted) -> dict[str, str]:
    """connector files that break at, in or around a secret."""
    w = p.word
    g = p.guid
    key = "cx-server.transport.websockets.app-key"
    password = "cx-server.protocol.http-server.ssl.key-store.password"
    return {
        "unterminated": f'{key} = "{g("hocon unterminated app-key")}\n',
        "invalid-escape": f'{password} = "{w("hocon escape password")}\\q\\x"\n',
        "syntax-after": f'{password} = "{w("hocon before error")}" )\n',
        "unquoted": f"{password} = {w('hocon unquoted password')} more words\n",
        "key-dash": f'{password} - "{w("hocon dash password")}"\n',
        "duplicate": f'{key} = "{g("hocon first app-key")}"\n{key} = "{g("hocon second app-key")}"\n',
        "self-reference": f'{password} = ${{{password}}} "{w("hocon self reference")}"\n',
        "cycle": f'a = ${{b}}\nb = ${{a}}\n{password} = "{w("hocon beside a cycle")}"\n',
        "array-root": f'["{g("hocon array root")}"]\n',
        "wrong-type": f'{key} {{ nested = "{g("hocon app-key as object")}" }}\n',
        "unknown-group": "cx-server.remote-access.gas.http-client.ssl "
        + f'{{ password = "{w("hocon unknown-key pw")}" }}\n',
        "include-outside": f'include "/etc/passwd"\n{key} = "{g("hocon next to include")}"\n',
    }


def build_fleet(root: Path) -> Planted:
    p = Planted()
    live = _ems_document(p, "live")
    booted = _ems_document(p, "booted")
    lua = _lua_text(p, "lua")
    files = _key_material(p)
    write_deployment(root / "complete", ems=live, lsr=lua, booted=booted, files=files)
    # Only the .booted copy: it is then the EMS file the facts are built from.
    write_deployment(root / "booted-only", booted=_ems_document(p, "booted-only"))
    for name, text in _broken_json(p).items():
        write_deployment(root / "broken-json" / name, ems=text)
    for name, text in _broken_lua(p).items():
        write_deployment(root / "broken-lua" / name, lsr=text)
    connector = root / "connector" / "conf"
    connector.mkdir(parents=True)
    (connector / "emessage.conf").write_text(_connector_text(p, "emessage.conf"), encoding="utf-8")
    (connector / "connector.p12").write_bytes(files["etc/certs/client.p12"])
    (root / "connector-cxs").mkdir()
    (root / "connector-cxs" / "cxserver.conf").write_text(_connector_text(p, "cxserver.conf"), encoding="utf-8")
    for name, text in _broken_hocon(p).items():
        (root / "broken-hocon" / name).mkdir(parents=True)
        (root / "broken-hocon" / name / "emessage.conf").write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Planted]:
    root = tmp_path_factory.mktemp("secrets")
    return root, build_fleet(root)


# ------------------------------------------------------------------------------------------------ the runs

NOW = ["--now", "2026-01-01"]
FORMATS = ["text", "json", "jsonl", "sarif", "github", "html", "junit", "gitlab"]


def _check(root: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    return run_cli(["check", "-j", "1", "--no-progress", *NOW, *args, "."], cwd=root, env=env)


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_output_holds_no_secret(fleet: tuple[Path, Planted], fmt: str) -> None:
    root, planted = fleet
    run = _check(root, "--format", fmt, "--no-color")
    assert run.code in (1, 2), run.err[-500:]
    assert run.out.strip()
    assert_no_needle(run.both, planted, f"check --format {fmt}")


def test_the_connector_files_of_the_fleet_are_linted(fleet: tuple[Path, Planted]) -> None:
    """The needles above are meaningful: the connector files were read and their secrets found."""
    root, _ = fleet
    report = json.loads(_check(root, "--format", "json").out)
    rules = {f["rule"] for t in report["targets"] if t["path"].startswith(("connector", "broken-hocon"))
             for f in t["findings"]}
    assert {"EMC401", "EMC402", "EMC101", "EMC002", "EMC003"} <= rules


def test_output_file_holds_no_secret(fleet: tuple[Path, Planted], tmp_path: Path) -> None:
    root, planted = fleet
    for fmt in FORMATS:
        out = tmp_path / f"report.{fmt}"
        run = _check(root, "--format", fmt, "--output", str(out))
        assert_no_needle(run.both + out.read_text(encoding="utf-8"), planted, f"check --format {fmt} --output")


def test_baseline_holds_no_secret(fleet: tuple[Path, Planted], tmp_path: Path) -> None:
    root, planted = fleet
    baseline = tmp_path / "baseline.json"
    run = _check(root, "--write-baseline", str(baseline))
    assert run.code == 0, run.err[-500:]
    text = baseline.read_text(encoding="utf-8")
    assert json.loads(text)["entries"]
    assert_no_needle(run.both + text, planted, "--write-baseline")
    # Reading it back (stale entries are listed on stderr / in the report) shows nothing more.
    (tmp_path / "stale.json").write_text(text, encoding="utf-8")
    again = _check(root, "--format", "json", "--baseline", str(baseline))
    assert_no_needle(again.both, planted, "--baseline")


def test_facts_command_masks_every_secret(fleet: tuple[Path, Planted]) -> None:
    root, planted = fleet
    run = run_cli(["facts", "--now", "2026-01-01", "."], cwd=root)
    assert run.code == 0, run.err[-500:]
    documents = json.loads(run.out)
    assert {d["target"] for d in documents} >= {"complete", "booted-only"}
    # The facts document is for rule authors: identities (user names) are shown there, secrets never.
    assert_no_needle(run.both, planted, "facts", identities=False)


def test_debug_mode_shows_no_secret(fleet: tuple[Path, Planted]) -> None:
    root, planted = fleet
    run = _check(root, "--format", "text", "--no-color", env={"EMSLINT_DEBUG": "1"})
    assert "Traceback" not in run.err
    assert_no_needle(run.both, planted, "EMSLINT_DEBUG=1")


def test_single_file_arguments_hold_no_secret(fleet: tuple[Path, Planted]) -> None:
    """A config file named on the command line (pre-commit passes changed files)."""
    root, planted = fleet
    for rel in ("complete/etc/config.json", "complete/etc/config.lua", "broken-json/fragment/etc/config.json"):
        for fmt in ("json", "text"):
            run = run_cli(["check", "--format", fmt, *NOW, rel], cwd=root)
            assert run.code in (1, 2)
            assert_no_needle(run.both, planted, f"check {rel}")


def test_facts_of_a_booted_copy_alone_are_masked(tmp_path: Path) -> None:
    """Regression: without config.json the facts come from config.json.booted, whose secrets were not masked."""
    p = Planted()
    write_deployment(tmp_path / "gw", booted=_ems_document(p, "booted"))
    run = run_cli(["facts", "gw"], cwd=tmp_path)
    assert run.code == 0
    facts = json.loads(run.out)[0]["facts"]
    assert facts["ems_raw"]["appKey"] == "***"
    assert facts["ems"]["http_server"]["password"] == "***"
    assert_no_needle(run.both, p, "facts of a .booted copy", identities=False)


def test_facts_mask_secret_like_values_off_the_schema_paths(tmp_path: Path) -> None:
    """A misspelt secret key, an INI-style dotted key, a nested copy, a GUID anywhere: masked all the same."""
    p = Planted()
    document = {
        "http_server": {"pasword": p.word("misspelt key"), "user": "u"},
        "http_server.password": p.word("dotted key"),
        "custom": {"nested": {"AppKey": [p.word("nested list")]}, "note": f"key {p.guid('guid in prose')}"},
        "proxy": {"password": 918_273_645_546},
    }
    write_deployment(tmp_path / "gw", ems=document, lsr='scripts.x = { password = "' + p.word("lua nested") + '" }')
    run = run_cli(["facts", "gw"], cwd=tmp_path)
    assert run.code == 0
    assert_no_needle(run.both, p, "facts")
    facts = json.loads(run.out)[0]["facts"]
    assert facts["ems_raw"]["http_server"]["user"] == "u"  # identities and ordinary values stay readable
    assert facts["ems_raw"]["proxy"]["password"] == "***"


def test_every_secret_path_of_the_schemas_is_planted(fleet: tuple[Path, Planted]) -> None:
    """The deployment above covers every secret path the schemas annotate (a new one must be added here)."""
    from emslint.discover import discover
    from emslint.facts.build import build_facts
    from emslint.pipeline import read_target
    from emslint.schema.defaults import annotations
    from emslint.settings import Settings

    root, _ = fleet
    targets, _problems = discover([str(root / "complete")])
    target = targets[0]
    doc = build_facts(target, read_target(target, Settings()), Settings(), datetime.now().astimezone())
    planted = {(s["at"]["file"], s["at"]["pointer"]) for s in doc["secrets"] if s["kind"] == "secret"}
    connectors, _problems = discover([str(root / "connector"), str(root / "connector-cxs")])
    for target in connectors:
        facts = build_facts(target, read_target(target, Settings()), Settings(), datetime.now().astimezone())
        planted |= {(s["at"]["file"], s["at"]["pointer"]) for s in facts["secrets"] if s["kind"] == "secret"}
    for kind, roles in (("ems", ("ems", "ems-booted")), ("lsr", ("lsr",)), ("connector", ("connector", "cxserver"))):
        for pattern, note in annotations(kind).items():
            if not note.get("secret"):
                continue
            for role in roles:
                prefix = pattern.split("*")[0]
                assert any(r == role and (ptr == pattern or ptr.startswith(prefix)) for r, ptr in planted), (
                    role,
                    pattern,
                )


# ---------------------------------------------------------------------------------- Lua reader messages
# The Lua reader names tokens in its messages ("near 'x'", "global variable 'x'"). A password written without
# quotes (a frequent slip) is such a token; its text must not reach an issue message (shown in every format
# as a finding message or the facts' issue details) nor an unknown-value reason.

_LUA_TOKEN_LEAKS = [
    pytest.param("scripts.rap_password = {word}\n", id="unquoted password read as a global"),
    pytest.param("scripts.script_resource_passphrase = correct horse {word}\n", id="unquoted words"),
    pytest.param("scripts.rap_password = {word} {word}\n", id="repeated unquoted word"),
    pytest.param("scripts.script_resource_password = {guid}\n", id="unquoted GUID"),
]


@pytest.mark.parametrize("template", _LUA_TOKEN_LEAKS)
def test_lua_messages_do_not_name_an_unquoted_secret(template: str) -> None:
    from emslint.read.lua_reader import read_lua

    p = Planted()
    text = template.format(word=p.name("word"), guid=p.guid("guid"))
    result = read_lua(text)
    shown = " | ".join([i.message for i in result.issues] + list(result.unknown.values()))
    assert_no_needle(shown, p, "read_lua")


def test_facts_mask_the_unknown_reason_of_a_secret(tmp_path: Path) -> None:
    p = Planted()
    secret = p.name("unquoted")
    write_deployment(tmp_path / "gw", lsr=f"scripts.rap_password = {secret}\n")
    run = run_cli(["facts", "gw"], cwd=tmp_path)
    facts = json.loads(run.out)[0]["facts"]
    assert facts["lsr"]["rap_password"] == {"$unknown": "***"}
    check = run_cli(["check", "--format", "json", "gw"], cwd=tmp_path)
    assert_no_needle(check.both, p, "check")


# ----------------------------------------------------------------------------- every shape a secret takes


def _shapes(p: Planted) -> tuple[dict, str]:
    """config.json and config.lua with secrets under short and odd names, in URLs, after a user name, as
    unquoted Lua words, and with escapes made of characters that appear nowhere else."""
    document = {
        "ws_servers": [{"host": "platform.example.com", "port": 443}],
        "proxy": {"host": "proxy.example.com", "user": "bob:" + p.word("proxy user:password")},
        "http_server": {"pass": p.word("pass"), "pin": 918_273, "auth": p.word("auth"),
                        "Authorization": "Basic " + p.word("authorization header")},
        "custom": {"userPin": p.word("userPin"), "apiKey": p.word("apiKey"), "api-token": p.word("api-token"),
                   "db_Passwd": [p.word("Passwd in a list")], "nested": {"credentials": {"x": p.word("creds")}}},
        "logger": {"audit_target": "https://auditor:" + p.word("URL password") + "@audit.example.com/x"},
        "file": {"virtual_dirs": [{"ftp": "ftp://" + p.word("URL user-only credential") + "@ftp.example.com"}]},
        "certificates": {"key_passphrase": "pre\\Ж\\ß" + p.word("escaped passphrase")},
    }
    p.secrets["pin (number)"] = "918273"
    lua = "\n".join([
        f"scripts.rap_password = {p.name('unquoted rap_password')}",
        f"scripts.proxy_pass = {p.name('unquoted proxy_pass')}",
        f"scripts.pin = {p.name('unquoted pin')}",
        f'scripts.auth = "{p.word("lua auth")}"',
        f'scripts.webhook = "https://hook:{p.word("lua URL password")}@hooks.example.com"',
        f'scripts.script_resource_userid = "lsr:{p.word("lua user:password")}"',
        f'scripts.script_resource_password = "x\\Ж\\ß{p.word("lua escaped password")}"',
        "",
    ])
    return document, lua


def test_facts_mask_every_shape_of_secret(tmp_path: Path) -> None:
    p = Planted()
    document, lua = _shapes(p)
    write_deployment(tmp_path / "gw", ems=json.dumps(document, ensure_ascii=False).replace("\\\\", "\\"), lsr=lua)
    run = run_cli(["facts", "gw"], cwd=tmp_path)
    assert run.code == 0, run.err[-500:]
    assert_no_needle(run.both, p, "facts", identities=False)
    assert "Ж" not in run.both and "ß" not in run.both  # no character of an escaped secret
    facts = json.loads(run.out)[0]["facts"]
    assert facts["ems_raw"]["proxy"]["user"] == "bob:***"  # the user name stays readable
    assert facts["ems_raw"]["logger"]["audit_target"] == "https://***@audit.example.com/x"
    assert facts["lsr"]["rap_password"] == {"$unknown": "***"}
    assert facts["ems_raw"]["http_server"]["pin"] == "***"


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_output_shows_no_shape_of_secret(tmp_path: Path, fmt: str) -> None:
    p = Planted()
    document, lua = _shapes(p)
    write_deployment(tmp_path / "gw", ems=json.dumps(document, ensure_ascii=False).replace("\\\\", "\\"), lsr=lua)
    run = run_cli(["check", "--format", fmt, "--no-color", *NOW, "gw"], cwd=tmp_path)
    assert run.code in (1, 2), run.err[-500:]
    assert_no_needle(run.both, p, f"check --format {fmt}")
    assert "Ж" not in run.both and "ß" not in run.both
    assert "which ones is not shown" in run.out  # the escape findings are still there, named by key


def test_redacted_escape_messages_name_key_and_position() -> None:
    from emslint.facts.mask import redact_issue
    from emslint.read.json_reader import read_json

    result = read_json(r'{"http_server": {"password": "a\@\#", "certificate": "C:\Temp\x.pem"}}')
    by_pointer = {i.pointer: i for i in result.issues}
    secret = redact_issue("ems", by_pointer["/http_server/password"])
    assert "@" not in secret and "#" not in secret and "line 1" in secret
    path = redact_issue("ems", by_pointer["/http_server/certificate"])
    assert "\\T" in path  # not a secret: the escapes are still named, as a Windows-path hint


@pytest.mark.parametrize("fmt", FORMATS)
def test_fixes_in_every_format_hold_no_secret(fleet: tuple[Path, Planted], fmt: str) -> None:
    """--show-fixes adds each fix's description and edits (JSON, SARIF fixes): what a fix writes, never a secret."""
    root, planted = fleet
    run = _check(root, "--format", fmt, "--no-color", "--show-fixes", "--unsafe-fixes")
    assert run.code in (1, 2), run.err[-500:]
    assert_no_needle(run.both, planted, f"check --show-fixes --format {fmt}")


def test_diff_holds_no_secret(fleet: tuple[Path, Planted], tmp_path: Path) -> None:
    root, planted = fleet
    run = _check(root, "--diff", "--unsafe-fixes")
    assert run.code in (0, 1), run.err[-500:]
    assert_no_needle(run.both, planted, "check --diff")
    p = Planted()
    document, lua = _shapes(p)
    document["ws_connection"] = {"encryption": "ssl", "verbose": True}  # a fix on the line of every shape
    text = json.dumps(document, ensure_ascii=False).replace("\\\\", "\\")
    write_deployment(tmp_path / "gw", ems=text, lsr=lua + 'scripts.log_level = "DEBUG"\n')
    run = run_cli(["check", "--diff", "--unsafe-fixes", *NOW, "gw"], cwd=tmp_path)
    assert run.code == 1, run.err[-500:]
    assert '"verbose": false' in run.out and '"verbose": true' in run.out
    assert_no_needle(run.both, p, "check --diff")
    assert "Ж" not in run.both and "ß" not in run.both
