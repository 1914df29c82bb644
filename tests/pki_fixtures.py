"""Generate a fixture's certificates and keys at test time from its ``pki.json`` (none is committed).

``tests/fixture_runner.py`` copies a fixture folder to a scratch folder, then calls
:func:`generate_from_spec` with the parsed ``pki.json`` and that folder (the file is deleted afterwards). The
test PKI helpers of ``tests/inspect/pki.py`` do the work (``cryptography`` builders, plus hand-made DER for
what ``cryptography`` refuses: X.509 v1, SHA-1/MD5 signatures, PBES1, traditional DES-EDE3 PEM).

Spec format (every path is relative to the fixture folder; a *handle* is an entry's ``name`` or its path)::

    {
      "now": "2026-06-01",                  # optional; default: expected.json "options.now", else 2026-06-01
                                            # (the fixture runner's default); relative times count from it
      "requires": {"os": "nt", "root": true},   # optional: skip the fixture elsewhere (pytest.skip)
      "files": {
        "etc/certs/ca.pem":  {"type": "ca", "name": "ca"},
        "etc/certs/ems.pem": {"type": "leaf", "issuer": "ca", "cn": "localhost",
                              "san": ["localhost", "127.0.0.1"], "key": "etc/certs/ems.key"},
        "etc/certs/ems.key": {"type": "key", "of": "etc/certs/ems.pem", "encryption": "pbes2"},
        "etc/certs/junk.pem": {"type": "bytes", "random": 300}
      },
      "modes":  {"etc/certs/ems.key": "0640"},  # octal strings, see "Modes" below
      "owners": {"etc/config.json": 4242},      # numeric uid (chown; the fixture is skipped unless root)
      "render": ["etc/config.json"]             # see "Fingerprints" below
    }

Entry types (``type``):

``ca`` / ``leaf`` (alias ``cert``)
    A certificate.

    * ``issuer``: handle of a ``ca`` entry; without it the certificate is self-signed (``"self_signed":
      true`` may say so explicitly)
    * ``cn`` (default ``"Test CA <name>"`` / ``"localhost"``), ``o``, ``ou``
    * ``san``: DNS names and IP addresses; ``null`` for no subjectAltName (default: ``[cn]`` for a leaf,
      none for a CA)
    * ``key_type`` ``rsa`` (default) | ``ec`` | ``dsa`` | ``ed25519``; ``key_bits`` (RSA/DSA, default 2048;
      EC 192/224/256/384 pick the NIST curve, default 256)
    * ``not_before`` / ``not_after``: ``"-1d"``, ``"+365d"``, ``"+12h"``, ``"-30m"`` relative to ``now``,
      or an ISO date/time (defaults: leaf ``-1d``/``+365d``, CA ``-365d``/``+3650d``)
    * ``signature_hash`` ``sha256`` (default) | ``sha384`` | ``sha512`` | ``sha1`` | ``md5``
    * ``ca_flag`` (basicConstraints CA, default true for ``ca``, false for ``leaf``); ``key_cert_sign``
      (keyUsage, default = ``ca_flag``); ``version`` 3 (default) or 1 (no extensions)
    * ``chain``: handles of certificates appended after this one in the same file (server certificate
      first, then intermediates); ``include_key``: append the unencrypted private key to the same file
    * ``tangle``: ``{"cas": N, "non_cas": M}`` appends N + M certificates named like the issuer and signed
      with its key, which all issue each other (a hostile chain)
    * ``key``: path where the unencrypted PKCS#8 PEM private key is written, unless that path has its own
      ``key`` entry (which then decides the encoding)
    * ``format`` ``pem`` (default) | ``der``

``key``
    A private key file. ``of``: handle of the certificate whose key it is; without ``of`` a fresh key
    (``key_type``, ``key_bits`` as above) that belongs to no certificate. ``encryption``:

    * ``none`` (default): ``format`` ``pkcs8`` (default) | ``traditional`` (``BEGIN RSA PRIVATE KEY``) |
      ``der`` (PKCS#8 DER)
    * ``pbes2``: ``ENCRYPTED PRIVATE KEY``, PBES2/PBKDF2, ``iterations`` (default 100000), ``cipher``
      ``aes-256-cbc`` (default) | ``des-ede3-cbc``, ``prf`` ``sha256`` (default) | ``sha1``
    * ``pbes2-default``: what ``cryptography``'s ``BestAvailableEncryption`` writes (and ``openssl pkcs8
      -topk8`` by default): PBES2, AES-256-CBC, 2048 PBKDF2 iterations
    * ``pem-des3``: traditional OpenSSL PEM, ``Proc-Type: 4,ENCRYPTED``, ``DEK-Info: DES-EDE3-CBC``
    * ``pbes1``: PKCS#8 pbeWithMD5AndDES-CBC, ``iterations`` (default 2048)
    * ``pkcs12-pbe``: PKCS#8 pbeWithSHAAnd40BitRC2-CBC (structure only, the ciphertext is random)
    * ``openssl``: whatever the machine's ``openssl`` command writes: ``openssl`` is its arguments, run with
      ``-passout pass:<passphrase>`` (``genpkey``: ``-pass``) appended. A command that makes a key
      (``genrsa``, ``genpkey``) makes a fresh one (not usable with ``of``); any other (``pkey``, ``pkcs8``,
      ``rsa``) gets the unencrypted PKCS#8 key (of ``of``, or a fresh one) on standard input:
      ``["pkey", "-aes-256-cbc"]``, ``["pkcs8", "-topk8", "-iter", "1024"]``, ``["genrsa", "-aes256", "2048"]``

    ``passphrase`` (default ``test-only-passphrase``).

``pkcs12``
    ``of``: handle of a certificate (its key and certificate go in); ``password`` (``null``, the default:
    no password); ``legacy``: SHA-1/3DES PBE as OpenSSL 1.x writes it; ``cas``: handles of extra
    certificates; ``kdf_iterations``: a hand-built file (empty password, tests/inspect/p12build.py) whose key
    bag asks for that many PBKDF2 iterations; ``openssl``: true to have ``openssl pkcs12 -export`` write it
    (with ``password``, and ``cas`` as ``-certfile``), a list to append more of its arguments.

``bundle``
    A CA list: ``certs``, handles of certificates, concatenated as PEM.

``bytes`` / ``text`` / ``symlink`` / ``dir``
    ``random``: that many random bytes; ``content``: that text (UTF-8); ``target``: a symbolic link to that
    path (as written); an empty directory.

Line endings: ``"crlf": true`` on a certificate, key, bundle or pkcs12-less PEM entry writes its PEM with
``\r\n``, as OpenSSL on Windows writes PEM files (text mode).

The ``openssl`` command: a fixture that uses it is skipped, with the reason, where it is not on the PATH;
``"requires": {"openssl": 3}`` also skips it where the command is older (OpenSSL 1.1.1's ``genrsa`` and
``pkcs12 -export`` write legacy formats).

Modes: the fixture runner resets every file of the scratch copy to 0600 (folders 0700) *after* generation and
then applies ``expected.json``'s ``"modes"``; so ``pki.json``'s ``"modes"`` are merged into the scratch copy's
``expected.json`` (``expected.json``'s own entries win), and the runner applies them. Owners (``chown``) are
not reset.

Fingerprints: in the files listed in ``render`` (default: ``etc/config.json``, ``etc/config.json.booted``,
``etc/config.lua`` when present), ``{{sha256:HANDLE}}`` becomes the certificate's SHA-256 fingerprint as 64
lower-case hex digits and ``{{sha256-colons:HANDLE}}`` as 32 upper-case colon-separated pairs.

Keys come from ``tests/inspect/pki.py``'s cached generators, numbered by the entry's position in the spec:
different entries of one fixture never share a key; the same key may appear in another fixture.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes

from tests.inspect import pki

DEFAULT_NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)  # the fixture runner's default "now"
_KEY_OFFSET = 100  # key numbers used here start above the ones tests/inspect uses
_RELATIVE = re.compile(r"^([+-])(\d+)([dhms])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_EC_CURVES = {192: "secp192r1", 224: "secp224r1", 256: "secp256r1", 384: "secp384r1"}
_HASH_ALGS = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
_HAND_SIGNED = {"sha1", "md5"}
_CERT_TYPES = {"ca", "leaf", "cert"}
_FINGERPRINT = re.compile(r"\{\{sha256(-colons)?:([^{}]+)\}\}")
DEFAULT_RENDER = ("etc/config.json", "etc/config.json.booted", "etc/config.lua")


class SpecError(ValueError):
    """A pki.json that does not follow the format above."""


def generate_from_spec(spec: dict, folder: Path) -> None:
    """Write every file ``spec`` describes into ``folder`` (see the module docstring)."""
    files = spec.get("files") or {}
    if not isinstance(files, dict):
        raise SpecError('"files" must be an object of path -> entry')
    uses_openssl = any(isinstance(e, dict) and (e.get("openssl") or e.get("encryption") == "openssl")
                       for e in files.values())
    _check_requirements(spec.get("requires") or {}, bool(spec.get("owners")), uses_openssl)
    builder = _Builder(files, _now(spec, folder))
    for path in files:
        builder.write(path)
    builder.flush(folder)
    for path, uid in (spec.get("owners") or {}).items():
        os.chown(folder / path, int(uid), -1, follow_symlinks=False)
    _merge_modes(spec.get("modes") or {}, folder)
    _render(spec.get("render"), builder, folder)


# --------------------------------------------------------------------------------------------- options


def _check_requirements(requires: dict, chown: bool, uses_openssl: bool = False) -> None:
    import pytest

    wanted_os = requires.get("os")
    if wanted_os and os.name != wanted_os:
        pytest.skip(f"fixture needs os.name == {wanted_os!r}")
    if (requires.get("root") or chown) and (not hasattr(os, "geteuid") or os.geteuid() != 0):
        pytest.skip("fixture needs root (chown)")
    if uses_openssl or requires.get("openssl"):
        if openssl_major() is None:
            pytest.skip("fixture needs the openssl command-line tool, which is not on the PATH")
        wanted = int(requires.get("openssl") or 0)
        if (openssl_major() or 0) < wanted:
            pytest.skip(f"fixture needs OpenSSL {wanted} or later (what it writes by default)")


@functools.cache
def openssl_major() -> int | None:
    """The major version of the ``openssl`` command on the PATH (1 for 1.1.1), or None without one."""
    binary = shutil.which("openssl")
    if binary is None:
        return None
    out = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=30, check=False).stdout
    match = re.match(r"\s*(?:OpenSSL|LibreSSL)\s+(\d+)\.", out)
    return int(match.group(1)) if match else None


def run_openssl(args: list[str], stdin: bytes | None = None, cwd: Path | None = None) -> bytes:
    """Run the ``openssl`` command; its standard output, or :class:`SpecError` with its error text."""
    binary = shutil.which("openssl")
    if binary is None:
        raise SpecError("the openssl command is not on the PATH")
    done = subprocess.run([binary, *args], input=stdin, capture_output=True, timeout=120, check=False, cwd=cwd)
    if done.returncode != 0:
        raise SpecError(f"openssl {args[0]} failed: {done.stderr.decode(errors='replace').strip()[:300]}")
    return done.stdout


def _now(spec: dict, folder: Path) -> dt.datetime:
    text = spec.get("now")
    if text is None:
        expected = folder / "expected.json"
        if expected.exists():
            text = json.loads(expected.read_text()).get("options", {}).get("now")
    if text is None:
        return DEFAULT_NOW
    return _aware(dt.datetime.fromisoformat(text))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def parse_time(value: Any, now: dt.datetime) -> dt.datetime:
    """``"+365d"``, ``"-1d"``, ``"+12h"``, ``"-30m"``, ``"+10s"`` from ``now``, or an ISO date/time (UTC)."""
    if not isinstance(value, str):
        raise SpecError(f"a time must be a string, not {value!r}")
    match = _RELATIVE.match(value.strip())
    if match:
        sign, amount, unit = match.groups()
        delta = dt.timedelta(**{_UNITS[unit]: int(amount)})
        return now + delta if sign == "+" else now - delta
    try:
        return _aware(dt.datetime.fromisoformat(value))
    except ValueError as exc:
        raise SpecError(f"not a time: {value!r}") from exc


def _merge_modes(modes: dict, folder: Path) -> None:
    if not modes:
        return
    for mode in modes.values():
        if not re.fullmatch(r"0?[0-7]{3,4}", str(mode)):
            raise SpecError(f'a mode must be an octal string such as "0640", not {mode!r}')
    expected_path = folder / "expected.json"
    expected = json.loads(expected_path.read_text()) if expected_path.exists() else {}
    expected["modes"] = {**{k: str(v) for k, v in modes.items()}, **expected.get("modes", {})}
    expected_path.write_text(json.dumps(expected, indent=2))


def _render(render: Any, builder: _Builder, folder: Path) -> None:
    names = DEFAULT_RENDER if render is None else render
    for rel in names:
        path = folder / rel
        if not path.is_file():
            if render is not None:
                raise SpecError(f"render: {rel} does not exist")
            continue
        text = path.read_text(encoding="utf-8")
        if "{{sha256" not in text:
            continue

        def fingerprint(match: re.Match) -> str:
            digest = builder.cert(match.group(2).strip()).fingerprint
            if match.group(1):
                return ":".join(digest[i : i + 2] for i in range(0, 64, 2)).upper()
            return digest

        path.write_text(_FINGERPRINT.sub(fingerprint, text), encoding="utf-8")


# --------------------------------------------------------------------------------------------- building


class _Builder:
    def __init__(self, files: dict, now: dt.datetime) -> None:
        self.files = files
        self.now = now
        self.handles: dict[str, str] = {}
        for path, entry in files.items():
            if not isinstance(entry, dict) or "type" not in entry:
                raise SpecError(f'{path}: an entry needs a "type"')
            self.handles[path] = path
            name = entry.get("name")
            if name is not None:
                if name in self.handles and self.handles[name] != path:
                    raise SpecError(f"handle {name!r} is used twice")
                self.handles[name] = path
        self.index = {path: i for i, path in enumerate(files)}
        self.certs: dict[str, pki.Issued] = {}
        self.building: set[str] = set()
        self.outputs: dict[str, bytes | str | None] = {}  # path -> bytes, symlink target (str), None = dir

    # ---- lookups

    def _path(self, handle: str) -> str:
        if handle not in self.handles:
            raise SpecError(f"unknown handle {handle!r}")
        return self.handles[handle]

    def cert(self, handle: str) -> pki.Issued:
        path = self._path(handle)
        entry = self.files[path]
        if entry["type"] not in _CERT_TYPES:
            raise SpecError(f"{handle!r} is not a certificate entry")
        if path not in self.certs:
            if path in self.building:
                raise SpecError(f"issuer cycle at {handle!r}")
            self.building.add(path)
            self.certs[path] = self._make_cert(path, entry)
            self.building.discard(path)
        return self.certs[path]

    # ---- keys

    def _fresh_key(self, path: str, entry: dict) -> Any:
        kind = str(entry.get("key_type", "rsa")).lower()
        n = _KEY_OFFSET + self.index[path]
        if kind == "rsa":
            return pki.rsa_key(int(entry.get("key_bits", 2048)), n)
        if kind == "ec":
            bits = int(entry.get("key_bits", 256))
            curve = entry.get("curve") or _EC_CURVES.get(bits)
            if curve is None:
                raise SpecError(f"{path}: no EC curve of {bits} bits")
            return pki.ec_key(curve, n)
        if kind == "dsa":
            return pki.dsa_key(int(entry.get("key_bits", 2048)), n)
        if kind == "ed25519":
            return pki.ed_key(n)
        raise SpecError(f"{path}: unknown key_type {kind!r}")

    # ---- certificates

    def _make_cert(self, path: str, entry: dict) -> pki.Issued:
        is_ca = entry["type"] == "ca"
        issuer_handle = entry.get("issuer")
        if entry.get("self_signed") and issuer_handle:
            raise SpecError(f"{path}: self_signed and issuer exclude each other")
        issuer = self.cert(issuer_handle) if issuer_handle else None
        default_cn = f"Test CA {entry.get('name', self.index[path])}" if is_ca else "localhost"
        cn = entry.get("cn", default_cn)
        san = entry.get("san", None if is_ca else ([cn] if cn else None))
        not_before = parse_time(entry.get("not_before", "-365d" if is_ca else "-1d"), self.now)
        not_after = parse_time(entry.get("not_after", "+3650d" if is_ca else "+365d"), self.now)
        ca_flag = bool(entry.get("ca_flag", is_ca))
        digest = str(entry.get("signature_hash", "sha256")).lower()
        version = int(entry.get("version", 3))
        if version not in (1, 3):
            raise SpecError(f"{path}: version must be 1 or 3")
        if digest not in _HASH_ALGS and digest not in _HAND_SIGNED:
            raise SpecError(f"{path}: unknown signature_hash {digest!r}")
        key = self._fresh_key(path, entry)
        issued = pki.make_cert(
            cn,
            issuer=issuer,
            key=key,
            ca=ca_flag,
            key_usage_cert_sign=entry.get("key_cert_sign"),
            san=san,
            not_before=not_before,
            not_after=not_after,
            subject=pki.name(cn, o=entry.get("o"), ou=entry.get("ou")),
            hash_alg=_HASH_ALGS.get(digest, hashes.SHA256)(),
        )
        if digest in _HAND_SIGNED or version == 1:
            issued = pki.re_sign(issued, issuer, hash_name=digest, v1=version == 1)
        return issued

    def _cert_bytes(self, path: str, entry: dict) -> bytes:
        issued = self.cert(path)
        key_path = entry.get("key")
        if key_path is not None and key_path not in self.files:
            self.outputs[key_path] = pki.key_pem(issued.key)
        if entry.get("format", "pem") == "der":
            if entry.get("chain") or entry.get("include_key"):
                raise SpecError(f"{path}: a DER file holds one certificate")
            return issued.der
        data = issued.pem + b"".join(self.cert(h).pem for h in entry.get("chain") or [])
        if entry.get("tangle"):
            data += self._tangle(path, entry)
        if entry.get("include_key"):
            data += pki.key_pem(issued.key)
        return data

    def _tangle(self, path: str, entry: dict) -> bytes:
        """Certificates named like this certificate's issuer, signed with its key: each one issues all the
        others (``cas`` with CA:TRUE, ``non_cas`` without), a hostile chain for the search's step budget."""
        if not entry.get("issuer"):
            raise SpecError(f'{path}: "tangle" needs an "issuer"')
        issuer = self.cert(entry["issuer"])
        spec = entry["tangle"]
        made = [
            pki.make_cert(None, subject=issuer.cert.subject, issuer=issuer, key=issuer.key, ca=ca, now=self.now)
            for ca in [True] * int(spec.get("cas", 0)) + [False] * int(spec.get("non_cas", 0))
        ]
        return b"".join(m.pem for m in made)

    def _key_bytes(self, path: str, entry: dict) -> bytes:
        of = entry.get("of")
        scheme = entry.get("encryption", "none")
        password = str(entry.get("passphrase", pki.PASSWORD.decode())).encode()
        if scheme == "openssl":
            return self._openssl_key(path, entry, password)
        key = self.cert(of).key if of else self._fresh_key(path, entry)
        fmt = entry.get("format", "pkcs8")
        if scheme != "none" and fmt != "pkcs8":
            raise SpecError(f"{path}: format {fmt!r} only without encryption")
        if scheme == "none":
            if fmt == "der":
                return pki.key_der(key)
            if fmt not in ("pkcs8", "traditional"):
                raise SpecError(f"{path}: unknown key format {fmt!r}")
            return pki.key_pem(key, None, fmt)
        if scheme == "pbes2":
            return pki.pbes2_pkcs8(
                key,
                password,
                iterations=int(entry.get("iterations", 100_000)),
                cipher=entry.get("cipher", "aes-256-cbc"),
                prf=entry.get("prf", "sha256"),
            )
        if scheme == "pbes2-default":
            return pki.key_pem(key, password)
        if scheme == "pem-des3":
            return pki.traditional_des_ede3(key, password)
        if scheme == "pbes1":
            return pki.pbes1_md5_des_pkcs8(key, password, iterations=int(entry.get("iterations", 2048)))
        if scheme == "pkcs12-pbe":
            return pki.pkcs12_pbe_pkcs8_structure(int(entry.get("iterations", 2048)))
        raise SpecError(f"{path}: unknown encryption {scheme!r}")

    def _openssl_key(self, path: str, entry: dict, password: bytes) -> bytes:
        args = entry.get("openssl")
        if not isinstance(args, list) or not args or not all(isinstance(a, str) for a in args):
            raise SpecError(f'{path}: encryption "openssl" needs "openssl": a list of its arguments')
        passout = ["-pass" if args[0] == "genpkey" else "-passout", f"pass:{password.decode()}"]
        if args[0] in ("genrsa", "genpkey"):
            if entry.get("of"):
                raise SpecError(f"{path}: openssl {args[0]} makes a fresh key; it cannot be the key of a certificate")
            # genrsa takes the key size last; its options go before it
            head, tail = (args[:-1], args[-1:]) if args[0] == "genrsa" and args[-1].isdigit() else (args, [])
            return run_openssl([*head, *passout, *tail])
        key = self.cert(entry["of"]).key if entry.get("of") else self._fresh_key(path, entry)
        return run_openssl([*args, *passout], stdin=pki.key_pem(key))

    def _openssl_pkcs12(self, path: str, entry: dict) -> bytes:
        issued = self.cert(entry["of"])
        password = entry.get("password")
        extra = entry["openssl"] if isinstance(entry["openssl"], list) else []
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            (folder / "cert.pem").write_bytes(issued.pem)
            (folder / "key.pem").write_bytes(pki.key_pem(issued.key))
            args = ["pkcs12", "-export", "-in", "cert.pem", "-inkey", "key.pem", "-out", "out.p12"]
            if entry.get("cas"):
                (folder / "cas.pem").write_bytes(b"".join(self.cert(h).pem for h in entry["cas"]))
                args += ["-certfile", "cas.pem"]
            args += ["-passout", f"pass:{'' if password is None else password}", *map(str, extra)]
            run_openssl(args, cwd=folder)
            return (folder / "out.p12").read_bytes()

    def _pkcs12_bytes(self, path: str, entry: dict) -> bytes:
        if not entry.get("of"):
            raise SpecError(f'{path}: a pkcs12 entry needs "of"')
        if entry.get("openssl"):
            return self._openssl_pkcs12(path, entry)
        password = entry.get("password")
        if entry.get("kdf_iterations"):
            from tests.inspect import p12build

            issued = self.cert(entry["of"])
            bag = p12build.shrouded_key_bag(int(entry["kdf_iterations"]), pki.key_der(issued.key))
            safe = p12build.encrypted_safe(2048, p12build.cert_bag(issued.der))
            return p12build.pfx(p12build.data_safe(bag), safe, mac_iterations=2048)
        return pki.p12(
            self.cert(entry["of"]),
            None if password is None else str(password).encode(),
            legacy=bool(entry.get("legacy")),
            cas=[self.cert(h) for h in entry.get("cas") or []] or None,
        )

    def write(self, path: str) -> None:
        entry = self.files[path]
        kind = entry["type"]
        if kind in _CERT_TYPES:
            self.outputs[path] = self._cert_bytes(path, entry)
        elif kind == "key":
            self.outputs[path] = self._key_bytes(path, entry)
        elif kind == "pkcs12":
            self.outputs[path] = self._pkcs12_bytes(path, entry)
        elif kind == "bundle":
            self.outputs[path] = b"".join(self.cert(h).pem for h in entry.get("certs") or [])
        elif kind == "bytes":
            self.outputs[path] = os.urandom(int(entry.get("random", 0)))
        elif kind == "text":
            self.outputs[path] = str(entry.get("content", "")).encode("utf-8")
        elif kind == "symlink":
            self.outputs[path] = str(entry["target"])
        elif kind == "dir":
            self.outputs[path] = None
        else:
            raise SpecError(f"{path}: unknown type {kind!r}")
        data = self.outputs.get(path)
        if entry.get("crlf") and isinstance(data, bytes):
            self.outputs[path] = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

    def flush(self, folder: Path) -> None:
        for rel, data in self.outputs.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if data is None:
                target.mkdir(exist_ok=True)
            elif isinstance(data, str):
                target.symlink_to(data)
            else:
                target.write_bytes(data)
