"""The two config schemas, validate_config's issue codes, defaults and annotations.

Fixtures are data: a document, the EMS version (or None) and the exact set of (code, pointer) expected.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from emslint.read.result import ReadIssue
from emslint.schema import schema_dir
from emslint.schema.compiler import compile_schema
from emslint.schema.defaults import annotations, defaults, parse_version, pattern_defaults, schema_members
from emslint.schema.validate import CODES, validate_config

SCHEMAS = {"ems": "ems-config.schema.json", "lsr": "lsr-scripts.schema.json"}

# A complete EMS 5.4.10 config.json written for these tests (every current key; no obsolete one).
COMPLETE_EMS_5410: dict[str, Any] = {
    "ws_servers": [{"host": "twx.example.com", "port": 443}, {"host": "10.0.0.7", "port": 8443}],
    "resource": "/Thingworx/WS",
    "appKey": "some_encrypted_application_key",
    "restart": "local",
    "logger": {
        "level": "ERROR",
        "publish_level": "WARN",
        "audit_target": "file:///var/log/ems/audit.log",
        "publish_directory": "/var/log/ems/",
        "max_file_storage": 1000000,
        "auto_flush": True,
        "flush_chunk_size": 8192,
        "buffer_size": 2048,
    },
    "http_server": {
        "host": "127.0.0.1",
        "port": 8000,
        "ssl": True,
        "certificate": "/opt/ems/etc/ems.crt",
        "private_key": "/opt/ems/etc/ems.key",
        "passphrase": "some_encrypted_passphrase",
        "authenticate": True,
        "user": "ems-rest",
        "password": "some_encrypted_password",
        "content_read_timeout": 20000,
        "ports_to_try": 0,
        "max_clients": 10,
        "enable_csrf_tokens": True,
        "csrf_token_rotation_period": 10,
    },
    "fips": {"enabled": False},
    "ws_connection": {
        "encryption": "ssl",
        "verbose": False,
        "msg_timeout": 10000,
        "ping_rate": 55000,
        "pingpong_timeout": 10000,
        "message_idle_time": 50000,
        "max_msg_size": 1048576,
        "message_chunk_size": 8192,
        "max_messages": 500,
        "connect_timeout": 10000,
        "connect_retry_interval": 10000,
        "max_threads": 8,
        "max_connect_delay": 10000,
        "socket_read_timeout": 0,
        "frame_read_timeout": 10000,
        "ssl_read_timeout": 500,
        "connect_retries": -1,
        "compression": True,
    },
    "duty_cycle": {"connect_period": 0, "duty_cycle": 100, "delay_duty_cycle": 60000},
    "proxy": {
        "host": "proxy.example.com",
        "port": 3128,
        "user": "svc-ems",
        "password": "some_encrypted_password",
    },
    "offline_msg_store": {
        "enabled": True,
        "directory": "/var/lib/ems/offline",
        "max_size": 65535,
        "blocking": False,
    },
    "certificates": {
        "validate": True,
        "allow_self_signed": False,
        "disable_hostname_validation": False,
        "cert_chain": "/opt/ems/etc/ca.pem",
        "client_cert": "/opt/ems/etc/client.crt",
        "key_file": "/opt/ems/etc/client.key",
        "key_passphrase": "some_encrypted_passphrase",
        "cipher_suite": "HIGH:!aNULL:!eNULL:!kEDH",
        "http_client_ca_certs": "/opt/ems/etc/edge-ca.pem",
        "validation_criteria": {
            "Cert_Common_Name": "twx.example.com",
            "Cert_Organization": "Example",
            "Cert_Organizational_Name": "IoT",
            "CA_Cert_Common_Name": "Example CA",
            "CA_Cert_Organization": "Example",
            "CA_Cert_Organizational_Name": "PKI",
        },
        "fingerprint_allowlist": ["AB:" * 31 + "CD", "0123456789abcdef" * 4],
    },
    "auto_bind": [
        {
            "name": "Pump01",
            "host": "127.0.0.1",
            "port": 8001,
            "path": "/",
            "timeout": 30000,
            "protocol": "https",
            "user": "lsr",
            "password": "some_encrypted_password",
            "accept": "application/json",
            "gateway": False,
        },
        {"name": "Gateway", "gateway": True},
    ],
    "tunnel": {
        "tick_resolution": 5,
        "buffer_size": 8192,
        "read_timeout": 10,
        "idle_timeout": 300000,
        "max_concurrent": 4,
    },
    "file": {
        "buffer_size": 1024000,
        "max_file_size": 8000000000,
        "virtual_dirs": [{"data": "/var/lib/ems/transfer"}],
        "idle_timeout": 12000,
        "staging_dir": "/var/lib/ems/staging",
    },
}

COMPLETE_LSR_5410: dict[str, Any] = {
    "scripts": {
        "log_level": "WARN",
        "log_audit_target": "file:///var/log/lsr/audit.log",
        "log_publish_directory": "/var/log/lsr/",
        "log_publish_level": "ERROR",
        "log_max_file_storage": "2000000",
        "log_auto_flush": "TRUE",
        "log_flush_chunk_size": 16384,
        "log_buffer_size": "4096",
        "fips_enabled": False,
        "rap_host": "127.0.0.1",
        "rap_port": "8000",
        "rap_ssl": True,
        "rap_userid": "ems-rest",
        "rap_password": "some_encrypted_password",
        "rap_server_authenticate": "true",
        "rap_cert_file": "/opt/ems/etc/ca.pem",
        "rap_deny_selfsigned": True,
        "rap_validate": True,
        "script_resource_host": "localhost",
        "script_resource_port": 8001,
        "script_resource_ssl": "true",
        "script_resource_certificate_chain": "/opt/ems/etc/lsr.crt",
        "script_resource_private_key": "/opt/ems/etc/lsr.key",
        "script_resource_passphrase": "some_encrypted_passphrase",
        "script_resource_authenticate": True,
        "script_resource_userid": "lsr",
        "script_resource_password": "some_encrypted_password",
        "script_resource_enable_csrf_tokens": True,
        "script_resource_csrf_token_rotation_period": 10,
        "script_resource_enable_rest_services": False,
        "fingerprint_allowlist": "0123456789abcdef" * 4 + "," + "AB:" * 31 + "CD",
        "Pump01": {
            "file": "thing.lua",
            "template": "pump",
            "scanRate": 30000,
            "taskRate": "15000",
            "scanRateResolution": 250,
            "register": True,
            "keepAliveRate": 60000,
            "requestTimeout": 15000,
            "registerRate": 43200000,
            "maxConcurrentPropertyUpdates": 50,
            "getPropertySubscriptionsOnReconnect": "false",
            "useShapes": True,
            "identifier": "pump-01",
            "defaultPushType": "VALUE",
        },
        "housekeeping": {"file": "housekeeping.lua"},
    }
}


def _with(base: dict, changes: dict) -> dict:
    """A deep copy of ``base`` with ``changes`` merged in (None deletes a key)."""
    doc = copy.deepcopy(base)
    _merge(doc, changes)
    return doc


def _merge(target: dict, changes: dict) -> None:
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


MINIMAL = {
    "ws_servers": [{"host": "twx.example.com", "port": 443}],
    "appKey": "some_encrypted_application_key",
}
U, OBS, T, E, R, Q, INV = (
    "schema-unknown-key",
    "schema-obsolete-key",
    "schema-type",
    "schema-enum",
    "schema-range",
    "schema-required",
    "schema-invalid",
)

# (id, kind, ems_version, document, expected {(code, pointer)})
CASES: list[tuple[str, str, str | None, Any, set[tuple[str, str]]]] = [
    ("ems-complete-5410", "ems", "5.4.10", COMPLETE_EMS_5410, set()),
    ("ems-complete-any-version", "ems", None, COMPLETE_EMS_5410, set()),
    ("ems-minimal", "ems", None, MINIMAL, set()),
    ("ems-empty", "ems", None, {}, {(Q, "/ws_servers"), (Q, "/appKey")}),
    ("ems-not-an-object", "ems", None, [1, 2], {(T, "")}),
    (
        "appkey-lowercase",
        "ems",
        None,
        {"ws_servers": MINIMAL["ws_servers"], "appkey": "x"},
        {(U, "/appkey"), (Q, "/appKey")},
    ),
    ("auto-bind-dash", "ems", None, {**MINIMAL, "auto-bind": [{"name": "a"}]}, {(U, "/auto-bind")}),
    ("auto-bind-object", "ems", None, {**MINIMAL, "auto_bind": {"name": "a"}}, {(T, "/auto_bind")}),
    (
        "auto-bind-no-name",
        "ems",
        None,
        {**MINIMAL, "auto_bind": [{"host": "localhost"}]},
        {(Q, "/auto_bind/0/name")},
    ),
    (
        "ca-certs-trailing-underscore",
        "ems",
        None,
        {**MINIMAL, "certificates": {"http_client_ca_certs_": "/ca.pem"}},
        {(U, "/certificates/http_client_ca_certs_")},
    ),
    (
        "disable-cert-validation",
        "ems",
        None,
        {**MINIMAL, "certificates": {"disableCertValidation": True}},
        {(U, "/certificates/disableCertValidation")},
    ),
    (
        "allow-self-signed-string",
        "ems",
        None,
        {**MINIMAL, "certificates": {"allow_self_signed": "true"}},
        {(T, "/certificates/allow_self_signed")},
    ),
    (
        "encryption-bad-values",
        "ems",
        None,
        _with(MINIMAL, {"ws_connection": {"encryption": "ssl "}}),
        {(E, "/ws_connection/encryption")},
    ),
    (
        "encryption-fips",
        "ems",
        None,
        _with(MINIMAL, {"ws_connection": {"encryption": "fips"}}),
        {(E, "/ws_connection/encryption")},
    ),
    (
        "ports-out-of-range",
        "ems",
        None,
        {
            "ws_servers": [{"host": "a", "port": 0}],
            "appKey": "k",
            "http_server": {"port": 65536},
            "proxy": {"port": 1.5},
        },
        {(R, "/ws_servers/0/port"), (R, "/http_server/port"), (T, "/proxy/port")},
    ),
    (
        "port-as-string",
        "ems",
        None,
        _with(MINIMAL, {"http_server": {"port": "8000"}}),
        {(T, "/http_server/port")},
    ),
    (
        "host-with-scheme",
        "ems",
        None,
        {"ws_servers": [{"host": "https://twx.example.com", "port": 443}], "appKey": "k"},
        {(INV, "/ws_servers/0/host")},
    ),
    ("ws-servers-empty", "ems", None, {"ws_servers": [], "appKey": "k"}, {(R, "/ws_servers")}),
    (
        "logger-level-lowercase",
        "ems",
        None,
        _with(MINIMAL, {"logger": {"level": "debug"}}),
        {(E, "/logger/level")},
    ),
    (
        "documented-enum-alternatives",
        "ems",
        None,
        _with(
            MINIMAL,
            {
                "logger": {"level": "AUDIT | ERROR | WARN | INFO | DEBUG | TRACE"},
                "auto_bind": [{"name": "t", "protocol": "http | https"}],
            },
        ),
        {(E, "/logger/level"), (E, "/auto_bind/0/protocol")},
    ),
    (
        "duty-cycle-out-of-range",
        "ems",
        None,
        _with(MINIMAL, {"duty_cycle": {"duty_cycle": 101}}),
        {(R, "/duty_cycle/duty_cycle")},
    ),
    (
        "max-threads-over-50",
        "ems",
        None,
        _with(MINIMAL, {"ws_connection": {"max_threads": 51}}),
        {(R, "/ws_connection/max_threads")},
    ),
    (
        "key-in-wrong-group",
        "ems",
        None,
        _with(MINIMAL, {"http_server": {"validate": False}, "encryption": "ssl"}),
        {(U, "/http_server/validate"), (U, "/encryption")},
    ),
    (
        "unknown-everywhere",
        "ems",
        None,
        _with(
            MINIMAL,
            {
                "zz": 1,
                "ws_servers": [{"host": "h", "port": 1, "tls": True}],
                "certificates": {"validation_criteria": {"CN": "x"}},
                "file": {"virtual_dirs": [{}]},
            },
        ),
        {
            (U, "/zz"),
            (U, "/ws_servers/0/tls"),
            (U, "/certificates/validation_criteria/CN"),
            (R, "/file/virtual_dirs/0"),
        },
    ),
    (
        "fingerprint-bad",
        "ems",
        None,
        _with(MINIMAL, {"certificates": {"fingerprint_allowlist": ["ab cd", 5]}}),
        {(INV, "/certificates/fingerprint_allowlist/0"), (T, "/certificates/fingerprint_allowlist/1")},
    ),
    # version-aware keys
    (
        "fingerprint-whitelist-any",
        "ems",
        None,
        _with(MINIMAL, {"certificates": {"fingerprint_whitelist": []}}),
        {(OBS, "/certificates/fingerprint_whitelist")},
    ),
    (
        "fingerprint-whitelist-549",
        "ems",
        "5.4.9",
        _with(MINIMAL, {"certificates": {"fingerprint_whitelist": []}}),
        set(),
    ),
    (
        "fingerprint-whitelist-5410",
        "ems",
        "5.4.10",
        _with(MINIMAL, {"certificates": {"fingerprint_whitelist": []}}),
        {(OBS, "/certificates/fingerprint_whitelist")},
    ),
    (
        "fingerprint-whitelist-545",
        "ems",
        "5.4.5",
        _with(MINIMAL, {"certificates": {"fingerprint_whitelist": []}}),
        {(U, "/certificates/fingerprint_whitelist")},
    ),
    (
        "fingerprint-allowlist-549",
        "ems",
        "5.4.9",
        _with(MINIMAL, {"certificates": {"fingerprint_allowlist": []}}),
        {(U, "/certificates/fingerprint_allowlist")},
    ),
    (
        "use-default-certificate-any",
        "ems",
        None,
        _with(MINIMAL, {"http_server": {"use_default_certificate": True}}),
        {(OBS, "/http_server/use_default_certificate")},
    ),
    (
        "use-default-certificate-540",
        "ems",
        "5.4.0",
        _with(MINIMAL, {"http_server": {"use_default_certificate": True}}),
        set(),
    ),
    (
        "use-default-certificate-545",
        "ems",
        "5.4.5",
        _with(MINIMAL, {"http_server": {"use_default_certificate": False}}),
        {(OBS, "/http_server/use_default_certificate")},
    ),
    (
        "legacy-duty-cycle-any",
        "ems",
        None,
        _with(MINIMAL, {"ws_connection": {"connect_period": 1, "duty_cycle": 50}}),
        {(OBS, "/ws_connection/connect_period"), (OBS, "/ws_connection/duty_cycle")},
    ),
    (
        "legacy-duty-cycle-540",
        "ems",
        "5.4.0",
        _with(MINIMAL, {"ws_connection": {"connect_period": 1, "duty_cycle": 50}}),
        set(),
    ),
    (
        "duty-cycle-group-540",
        "ems",
        "5.4.0",
        _with(MINIMAL, {"duty_cycle": {"duty_cycle": 50}}),
        {(U, "/duty_cycle")},
    ),
    (
        "csrf-540",
        "ems",
        "5.4.0",
        _with(MINIMAL, {"http_server": {"enable_csrf_tokens": True}}),
        {(U, "/http_server/enable_csrf_tokens")},
    ),
    (
        "cert-chain-array-any",
        "ems",
        None,
        _with(MINIMAL, {"certificates": {"cert_chain": ["/ca.pem"]}}),
        {(OBS, "/certificates/cert_chain")},
    ),
    (
        "cert-chain-array-540",
        "ems",
        "5.4.0",
        _with(MINIMAL, {"certificates": {"cert_chain": ["/ca.pem"]}}),
        set(),
    ),
    (
        "cert-chain-array-of-numbers",
        "ems",
        "5.4.0",
        _with(MINIMAL, {"certificates": {"cert_chain": [1]}}),
        {(T, "/certificates/cert_chain/0")},
    ),
    # config.lua (the scripts table)
    ("lsr-complete", "lsr", "5.4.10", COMPLETE_LSR_5410, set()),
    ("lsr-empty", "lsr", None, {"scripts": {}}, set()),
    (
        "lsr-string-scalars",
        "lsr",
        None,
        {
            "scripts": {
                "rap_ssl": "TRUE",
                "rap_port": "8000",
                "script_resource_ssl": "False",
                "log_max_file_storage": "2000000",
            }
        },
        set(),
    ),
    (
        "lsr-bad-scalars",
        "lsr",
        None,
        {
            "scripts": {
                "rap_ssl": "yes",
                "rap_port": "EMS Port",
                "rap_validate": 1,
                "script_resource_port": 70000,
                "rap_host": "EMS IP Address",
                "log_level": "info",
            }
        },
        {
            (T, "/scripts/rap_ssl"),
            (T, "/scripts/rap_port"),
            (T, "/scripts/rap_validate"),
            (R, "/scripts/script_resource_port"),
            (INV, "/scripts/rap_host"),
            (E, "/scripts/log_level"),
        },
    ),
    (
        "lsr-unknown-scalar",
        "lsr",
        None,
        {"scripts": {"rap_sll": True, "scanRate": 5, "NAMEHERE": 1}},
        {(U, "/scripts/rap_sll"), (U, "/scripts/scanRate"), (U, "/scripts/NAMEHERE")},
    ),
    (
        "lsr-thing-tables",
        "lsr",
        None,
        {
            "scripts": {
                "EdgeThing": {"file": "thing.lua", "template": "example", "scanrate": 1},
                "NoFile": {"template": "x"},
                "Bad": {"file": 3, "register": "maybe"},
            }
        },
        {
            (U, "/scripts/EdgeThing/scanrate"),
            (Q, "/scripts/NoFile/file"),
            (T, "/scripts/Bad/file"),
            (T, "/scripts/Bad/register"),
        },
    ),
    (
        "lsr-obsolete-any",
        "lsr",
        None,
        {"scripts": {"script_resource_use_default_certificate": "false", "fingerprint_whitelist": "ab" * 32}},
        {(OBS, "/scripts/script_resource_use_default_certificate"), (OBS, "/scripts/fingerprint_whitelist")},
    ),
    (
        "lsr-obsolete-540",
        "lsr",
        "5.4.0",
        {"scripts": {"script_resource_use_default_certificate": False}},
        set(),
    ),
    (
        "lsr-fingerprint-list-bad",
        "lsr",
        None,
        {"scripts": {"fingerprint_allowlist": "ab" * 32 + ", " + "cd" * 32}},
        {(INV, "/scripts/fingerprint_allowlist")},
    ),
    (
        "lsr-unknown-values",
        "lsr",
        None,
        {"scripts": {"rap_ssl": {"$unknown": "function call"}, "Computed": {"$unknown": "function call"}}},
        set(),
    ),
    ("lsr-not-scripts", "lsr", None, {"scripts": [], "script": {}}, {(T, "/scripts"), (U, "/script")}),
]


def _pairs(issues: list[ReadIssue]) -> set[tuple[str, str]]:
    return {(i.code, i.pointer) for i in issues}


@pytest.mark.parametrize(
    ("kind", "version", "document", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_validate_config_cases(kind: str, version: str | None, document: Any, expected: set) -> None:
    before = copy.deepcopy(document)
    issues = validate_config(kind, document, ems_version=version)
    assert _pairs(issues) == expected
    assert document == before  # never mutates its input
    for issue in issues:
        assert issue.code in CODES and (issue.line, issue.column) == (0, 0)
        assert issue.message and "\n" not in issue.message


def _message(kind: str, document: Any, pointer: str, version: str | None = None) -> str:
    found = [i.message for i in validate_config(kind, document, ems_version=version) if i.pointer == pointer]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("kind", "document", "pointer", "fragment"),
    [
        ("ems", {"ws_servers": [], "appkey": "k"}, "/appkey", "did you mean 'appKey'?"),
        ("ems", {**MINIMAL, "auto-bind": []}, "/auto-bind", "did you mean 'auto_bind'?"),
        (
            "ems",
            {**MINIMAL, "certificates": {"http_client_ca_certs_": "x"}},
            "/certificates/http_client_ca_certs_",
            "did you mean 'http_client_ca_certs'?",
        ),
        ("ems", {**MINIMAL, "http_server": {"SSL": True}}, "/http_server/SSL", "did you mean 'ssl'?"),
        (
            "ems",
            {**MINIMAL, "http_server": {"authenticat": True}},
            "/http_server/authenticat",
            "did you mean 'authenticate'?",
        ),
        (
            "ems",
            {**MINIMAL, "ws_connection": {"delay_duty_cycle": 1}},
            "/ws_connection/delay_duty_cycle",
            "duty_cycle.delay_duty_cycle",
        ),
        (
            "ems",
            {**MINIMAL, "certificates": {"fingerprint-whitelist": []}},
            "/certificates/fingerprint-whitelist",
            "did you mean 'fingerprint_whitelist'? (renamed 'fingerprint_allowlist' in EMS 5.4.10)",
        ),
        (
            "ems",
            {**MINIMAL, "certificates": {"disableCertValidation": True}},
            "/certificates/disableCertValidation",
            "certificates.validate",
        ),
        (
            "ems",
            {**MINIMAL, "ws_connection": {"connect_period": 1}},
            "/ws_connection/connect_period",
            "moved to duty_cycle.connect_period in EMS 5.4.3",
        ),
        (
            "ems",
            {**MINIMAL, "certificates": {"fingerprint_whitelist": []}},
            "/certificates/fingerprint_whitelist",
            "renamed 'fingerprint_allowlist' in EMS 5.4.10",
        ),
        (
            "ems",
            {**MINIMAL, "http_server": {"use_default_certificate": True}},
            "/http_server/use_default_certificate",
            "removed in EMS 5.4.5",
        ),
        (
            "ems",
            {**MINIMAL, "certificates": {"allow_self_signed": "true"}},
            "/certificates/allow_self_signed",
            "certificates.allow_self_signed: expected boolean, got string",
        ),
        (
            "ems",
            {**MINIMAL, "ws_connection": {"encryption": "SSL"}},
            "/ws_connection/encryption",
            "not one of: ssl, none; differs from 'ssl' only in case or spaces",
        ),
        (
            "ems",
            {**MINIMAL, "ws_connection": {"encryption": "fips"}},
            "/ws_connection/encryption",
            "fips.enabled",
        ),
        ("ems", {**MINIMAL, "http_server": {"port": 70000}}, "/http_server/port", "above maximum 65535"),
        ("ems", {"ws_servers": []}, "/appKey", "'appKey' is required"),
        ("lsr", {"scripts": {"scanRate": 1}}, "/scripts/scanRate", "scripts.<Name>.scanRate"),
        ("lsr", {"scripts": {"rap_sll": True}}, "/scripts/rap_sll", "did you mean 'rap_ssl'?"),
        (
            "lsr",
            {"scripts": {"T": {"file": "t.lua", "ScanRate": 1}}},
            "/scripts/T/ScanRate",
            "did you mean 'scanRate'?",
        ),
    ],
)
def test_messages(kind: str, document: Any, pointer: str, fragment: str) -> None:
    assert fragment in _message(kind, document, pointer)


def test_version_names_the_release() -> None:
    text = _message(
        "ems",
        _with(MINIMAL, {"http_server": {"enable_csrf_tokens": True}}),
        "/http_server/enable_csrf_tokens",
        "5.4.0",
    )
    assert "added in EMS 5.4.2" in text and "EMS 5.4.0 does not read it" in text


def test_messages_never_contain_values() -> None:
    secret = "e34dbaf2-0984-4bfb-9a6c-4cbc57959763"
    document = {
        "ws_servers": [{"host": secret + " x", "port": secret}],
        "appKey": [secret],
        "http_server": {"password": {"v": secret}, "passphrase": 3, "ssl": secret, "host": secret + "/"},
        "proxy": {"password": None, "port": secret},
        "certificates": {"key_passphrase": [secret], "fingerprint_allowlist": [secret]},
        "ws_connection": {"encryption": secret},
        "auto_bind": [{"name": secret, "password": 1, "protocol": secret}],
    }
    issues = validate_config("ems", document)
    assert len(issues) >= 10
    for issue in issues:
        assert secret not in issue.message and "4cbc57959763" not in issue.message
    lsr = {
        "scripts": {
            "rap_password": 5,
            "rap_port": secret,
            "rap_ssl": secret,
            "T": {"file": secret, "register": secret},
        }
    }
    for issue in validate_config("lsr", lsr):
        assert secret not in issue.message


def test_validate_config_never_fails_on_odd_documents() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.schema.test_compiler import JSON, KEYS, _mutate

    odd_keys = KEYS | st.sampled_from(["a/b", "~0", "$unknown", "appkey", "ssl", "scanRate", "auto-bind"])
    odd = st.recursive(
        JSON, lambda inner: st.dictionaries(odd_keys | st.integers(0, 3), inner, max_size=4), max_leaves=10
    )

    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data(), st.sampled_from(["ems", "lsr"]), st.sampled_from([None, "5.4.0", "5.4.9", "5.6", "x"]))
    def check(data: st.DataObject, kind: str, version: str | None) -> None:
        base = COMPLETE_EMS_5410 if kind == "ems" else COMPLETE_LSR_5410
        document = _mutate(base, data) if data.draw(st.booleans()) else data.draw(odd)
        for issue in validate_config(kind, document, ems_version=version):
            assert issue.code in CODES and issue.message and "\n" not in issue.message
            assert issue.pointer == "" or issue.pointer.startswith("/")

    check()


def test_unknown_pointers_are_not_reported() -> None:
    document = {"scripts": {"T": {"template": "x"}, "rap_port": "not known"}}
    assert _pairs(validate_config("lsr", document)) == {(Q, "/scripts/T/file"), (T, "/scripts/rap_port")}
    unknown = {"/scripts/T/file": "function call", "/scripts/rap_port": "concatenation"}
    assert validate_config("lsr", document, unknown=unknown) == []


# ---------------------------------------------------------------------------------------- PTC samples

# Which issues each PTC sample gives, and why. Key: file name; value: {version: expected set}, where version
# None = no --ems-version and the other key is the sample's own release.
# * v01 (5.4.0 config.json.minimal): http_server.use_default_certificate was removed in 5.4.5 -> obsolete
#   unless the release is given (5.4.0 still reads it).
# * v05 (5.4.5) and v14 (5.4.9/5.4.10) minimal: clean.
# The other JSON samples do not parse with json.loads (invalid escapes, comments): see the tolerant test.
CORPUS_JSON = {
    "v01-ems540-config-minimal.json": {None: {(OBS, "/http_server/use_default_certificate")}, "5.4.0": set()},
    "v05-ems545-config-minimal.json": {None: set(), "5.4.5": set()},
    "v14-ems549-5410-config-minimal.json": {None: set(), "5.4.9": set(), "5.4.10": set()},
}
# The config.json.complete samples, read after doubling the invalid backslashes of their Windows paths (what a
# tolerant reader recovers; test-only): every key is known to the schema.
# * v02 (5.4.0): array cert_chain, use_default_certificate, ws_connection.connect_period/duty_cycle: obsolete
#   for an unspecified release; clean for 5.4.0.
# * v06 (5.4.5) and v11 (5.4.10): clean.
# * v09 (5.4.9): fingerprint_whitelist -> obsolete (renamed in 5.4.10) unless the release is 5.4.9.
CORPUS_TOLERANT = {
    "v02-ems540-config-complete.json": {
        None: {
            (OBS, "/certificates/cert_chain"),
            (OBS, "/http_server/use_default_certificate"),
            (OBS, "/ws_connection/connect_period"),
            (OBS, "/ws_connection/duty_cycle"),
        },
        "5.4.0": set(),
    },
    "v06-ems545-config-complete.json": {None: set(), "5.4.5": set()},
    "v09-ems549-config-complete.json": {None: {(OBS, "/certificates/fingerprint_whitelist")}, "5.4.9": set()},
    "v11-ems5410-config-complete.json": {None: set(), "5.4.10": set()},
}


def test_ptc_samples_that_parse(shared_corpus: Path) -> None:
    parsed = []
    for path in sorted(shared_corpus.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        parsed.append(path.name)
        assert path.name in CORPUS_JSON, f"new sample {path.name}: write down its expected issues"
        for version, expected in CORPUS_JSON[path.name].items():
            assert _pairs(validate_config("ems", document, ems_version=version)) == expected, (
                path.name,
                version,
            )
    assert sorted(parsed) == sorted(CORPUS_JSON)


def test_ptc_complete_samples_read_tolerantly(shared_corpus: Path) -> None:
    for name, by_version in CORPUS_TOLERANT.items():
        text = (shared_corpus / name).read_text(encoding="utf-8")
        document = json.loads(re.sub(r'\\(?![\\"/bfnrtu])', r"\\\\", text))
        for version, expected in by_version.items():
            assert _pairs(validate_config("ems", document, ems_version=version)) == expected, (name, version)


# -------------------------------------------------------------------------------------- the schemas


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_schema_is_valid_2020_12_and_compiles(kind: str) -> None:
    schema = json.loads((schema_dir() / SCHEMAS[kind]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=None)
    compile_schema(schema)


def test_schema_dir_holds_both_schemas() -> None:
    for name in SCHEMAS.values():
        assert (schema_dir() / name).is_file()


ALLOWED_NOTES = {
    "secret",
    "identity",
    "encrypted",
    "link",
    "path",
    "versions",
    "legacy_forms",
    "legacy_values",
    "not_a_key",
    "coerce",
    "table",
    "default_from",
    "default_unknown",
    "pattern_message",
}
ALLOWED_VERSIONS = {
    "added",
    "removed",
    "renamed_to",
    "moved_to",
    "still_accepted",
    "first_listed",
    "last_listed",
    "default_before",
    "note",
}


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_every_member_is_described_and_annotated_consistently(kind: str) -> None:
    for member in schema_members(kind):
        node = member.node
        if member.name != "*":
            description = node.get("description") or member.target.get("description")
            assert description and "\n" not in description, member.pattern
        note = member.note
        assert set(note) <= ALLOWED_NOTES, (member.pattern, set(note) - ALLOWED_NOTES)
        assert set(note.get("versions", {})) <= ALLOWED_VERSIONS, member.pattern
        for key in ("added", "removed", "first_listed", "last_listed"):
            if key in note.get("versions", {}):
                assert parse_version(note["versions"][key]) is not None
        assert note.get("link") in (None, "platform", "ems-rest", "lsr-rest"), member.pattern
        assert note.get("path") in (None, "certificate", "private-key", "ca-list", "directory", "file"), (
            member.pattern
        )


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_every_default_satisfies_its_own_schema(kind: str) -> None:
    root = json.loads((schema_dir() / SCHEMAS[kind]).read_text(encoding="utf-8"))
    for member in schema_members(kind):
        versions = member.note.get("versions", {})
        candidates = [member.node.get("default"), *versions.get("default_before", {}).values()]
        for value in candidates:
            if value is not None:
                assert compile_schema(member.node, root=root).is_valid(value), (member.pattern, value)


# ------------------------------------------------------------------------------- defaults, annotations


def test_ems_defaults() -> None:
    found = defaults("ems")
    assert found["http_server"]["ssl"] is False
    assert found["http_server"]["authenticate"] is False
    assert found["http_server"]["host"] == "localhost" and found["http_server"]["port"] == 8000
    assert found["http_server"]["enable_csrf_tokens"] is True
    assert found["ws_connection"]["encryption"] == "ssl"
    assert found["certificates"]["validate"] is True
    assert found["certificates"]["allow_self_signed"] is False
    assert found["certificates"]["cipher_suite"] == "ALL"
    assert found["logger"]["level"] == "WARN"
    assert found["resource"] == "/Thingworx/WS"
    assert "appKey" not in found and "password" not in found["http_server"]
    assert "directory" not in found["offline_msg_store"]  # conflicting defaults: none claimed
    found["http_server"]["ssl"] = True
    assert defaults("ems")["http_server"]["ssl"] is False  # a fresh copy every call


def test_ems_defaults_by_version() -> None:
    old = defaults("ems", "5.4.0")
    assert old["ws_connection"]["msg_timeout"] == 5000
    assert old["ws_connection"]["socket_read_timeout"] == 100
    assert old["file"]["buffer_size"] == 8192
    assert "enable_csrf_tokens" not in old["http_server"] and "duty_cycle" not in old
    assert old["http_server"]["use_default_certificate"] is False
    new = defaults("ems", "5.4.10")
    assert new["ws_connection"]["msg_timeout"] == 10000 and new["file"]["buffer_size"] == 1024000
    assert (
        "use_default_certificate" not in new["http_server"] and "connect_period" not in new["ws_connection"]
    )
    assert defaults("ems", "5.4.5")["file"]["buffer_size"] == 128000


def test_lsr_defaults() -> None:
    scripts = defaults("lsr")["scripts"]
    for flag in (
        "rap_ssl",
        "rap_server_authenticate",
        "rap_validate",
        "rap_deny_selfsigned",
        "script_resource_ssl",
        "script_resource_authenticate",
    ):
        assert scripts[flag] is False, flag  # absent security flags count as false (reference section c)
    assert scripts["rap_port"] == 8000 and scripts["script_resource_port"] == 8001
    assert scripts["log_level"] == "INFO"
    assert pattern_defaults("lsr")["/scripts/*/scanRate"] == 60000
    assert pattern_defaults("ems")["/auto_bind/*/protocol"] == "http"


def _with_flag(kind: str, flag: str) -> set[str]:
    return {pattern for pattern, note in annotations(kind).items() if note.get(flag)}


def test_annotations_name_every_secret_identity_and_key_path() -> None:
    assert _with_flag("ems", "secret") == {
        "/appKey",
        "/http_server/password",
        "/http_server/passphrase",
        "/certificates/key_passphrase",
        "/proxy/password",
        "/auto_bind/*/password",
    }
    assert _with_flag("ems", "identity") == {"/http_server/user", "/proxy/user", "/auto_bind/*/user"}
    assert _with_flag("lsr", "secret") == {
        "/scripts/rap_password",
        "/scripts/script_resource_password",
        "/scripts/script_resource_passphrase",
    }
    assert _with_flag("lsr", "identity") == {"/scripts/rap_userid", "/scripts/script_resource_userid"}
    ems_paths = {p: n["path"] for p, n in annotations("ems").items() if "path" in n}
    assert ems_paths["/http_server/private_key"] == "private-key"
    assert ems_paths["/certificates/key_file"] == "private-key"
    assert ems_paths["/certificates/cert_chain"] == "ca-list"
    assert ems_paths["/file/virtual_dirs/*/*"] == "directory"
    lsr_paths = {p: n["path"] for p, n in annotations("lsr").items() if "path" in n}
    assert lsr_paths["/scripts/script_resource_private_key"] == "private-key"
    assert lsr_paths["/scripts/rap_cert_file"] == "ca-list"
    assert lsr_paths["/scripts/*/file"] == "file"
    assert annotations("lsr")["/scripts/rap_ssl"]["coerce"] == "boolean"
    assert (
        annotations("ems")["/certificates/fingerprint_whitelist"]["versions"]["renamed_to"]
        == "fingerprint_allowlist"
    )


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown config kind"):
        validate_config("yaml", {})


def test_a_key_name_with_control_characters_stays_on_one_line_in_messages() -> None:
    """Found by the property above: a script table named "\\n" gave "'file' is required in scripts.\\n"."""
    issues = validate_config("lsr", {**COMPLETE_LSR_5410, "scripts": {"bad\n\x1b[31mname": {}}})
    texts = [i.message for i in issues if i.code == "schema-required"]
    assert texts and all("\n" not in t and "\x1b" not in t for t in texts)
    assert any("bad\\u000a\\u001b[31mname" in t for t in texts), texts
