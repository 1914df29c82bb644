"""classify_secret / classify_identity / secret_items: every class of reference §e, never a value kept."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emslint.facts import secrets
from emslint.facts.secrets import (
    classify_identity,
    classify_secret,
    is_placeholder,
    secret_items,
    url_has_credentials,
)
from emslint.schema.defaults import annotations

GUID = "2d4e9440-3e51-452f-a057-b70d8d1e2a4b"


def _aes(raw: bytes) -> str:
    return "AES:" + base64.b64encode(raw).decode()


# --- GUID ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [GUID, GUID.upper(), f" {GUID} ", f"{GUID}\n"])
def test_appkey_guid_is_cleartext_key(value):
    assert classify_secret("appKey", value) == "guid-cleartext"


def test_misspelt_name_is_still_an_appkey():
    assert classify_secret("appkey", GUID) == "guid-cleartext"
    assert classify_secret("AppKey", GUID) == "guid-cleartext"


def test_guid_in_other_secret_is_cleartext():
    assert classify_secret("password", GUID) == "cleartext"
    assert classify_secret("appKey", f"key={GUID}") == "cleartext"


def test_not_quite_a_guid():
    assert classify_secret("appKey", GUID[:-1]) == "cleartext"
    assert classify_secret("appKey", GUID.replace("-", "")) == "cleartext"  # 32 hex: short, typed-looking


# --- legacy AES: -----------------------------------------------------------------------------------------


def test_legacy_aes_from_the_blog():
    # `wsems -encrypt pword123` (blog2): 16 bytes, and published, so it is known (EMS412)
    assert classify_secret("password", "AES:A26fBYKHJq+eMu0Fm2FlDw==") == "known-ciphertext"
    assert classify_secret("password", _aes(bytes(16))) == "legacy-aes"


def test_legacy_aes_appkey_three_blocks():
    assert classify_secret("appKey", _aes(bytes(range(48)))) == "legacy-aes"


@pytest.mark.parametrize(
    "value",
    [
        "AES:A26fBYKHJq+eMu0Fm2FlDw=",  # bad padding
        "AES:A26fBYKHJq+eMu0Fm2Fl",  # truncated
        _aes(bytes(15)),  # not a whole AES block
        _aes(bytes(20)),
        "AES:A26fBYKHJq+eMu0Fm2F!Dw==",  # not Base64 at all
    ],
)
def test_invalid_legacy_aes_is_damaged(value):
    assert classify_secret("password", value) == "damaged-aes"


def test_empty_aes_prefix_is_damaged():
    assert classify_secret("password", "AES:") == "damaged-aes"


@pytest.mark.parametrize("value", ["AES:EncryptedPassword", "AES:EncryptedPassphrase"])
def test_sample_aes_words_are_placeholders(value):
    assert classify_secret("password", value) == "placeholder"


# --- placeholders (reference §e) ---------------------------------------------------------------------------

PLACEHOLDERS = [
    "some_encrypted_application_key",
    "some_encrypted_password",
    "some_encrypted_passphrase",
    "some_encrypted_user_password",
    "some_application_key",
    "<#appKey>",
    "{APPKEY}",
    "{SERVER HOSTID}.example.com",
    "<EMS_HOME>/log/",
    "some_ip_address>",
    "NAMEHERE",
    "ServerURL",
    "ApplicationKey",
    "ThingName",
    "Enter app key here",
    "Enter host here",
    "EMS IP Address",
    "EMS HTTP Server User ID",
    "Path to CA cert file.",
    "/path/to/key.pem",
    "/pathto/key.pem",
    "",
    " ",
    "\t",
]


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_placeholders(value):
    assert is_placeholder(value)
    assert classify_secret("appKey", value) == "placeholder"
    assert classify_secret("password", value) == "placeholder"


@pytest.mark.parametrize(
    "value",
    [
        f"{{APPKEY}} {GUID}",
        f"<#appKey>{GUID}",
        f"some_encrypted_application_key {GUID}",
        f"Enter app key here: {GUID}",
        f"{GUID} here",
    ],
)
def test_a_placeholder_never_hides_a_real_guid(value):
    assert not is_placeholder(value)
    assert classify_secret("appKey", value) == "cleartext"


@pytest.mark.parametrize(
    "value", ["P@ss<w0rd>", "a{b}c", "Your-Secret-1", "yourPass123", "Where2Go!", "here"]
)
def test_real_passwords_with_placeholder_characters_stay_cleartext(value):
    assert classify_secret("password", value) == "cleartext"


# --- known defaults ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "password",
        "Password",
        "passphrase",
        "pword123",
        "changeme",
        "CHANGE_ME",
        "admin",
        "EMSAdmin",
        " admin ",
    ],
)
def test_known_default_secrets(value):
    assert classify_secret("password", value) == "known-default"


@pytest.mark.parametrize(
    "value", ["johnsmith", "JohnSmith", "emsuser", "EMSAdmin", "admin", "username", "EMS_User"]
)
def test_known_default_users(value):
    assert classify_identity(value) == "known-default"


def test_identity_classes():
    assert classify_identity("plant-ops-7") == "set"
    assert classify_identity("EMS HTTP Server User ID") == "placeholder"
    assert classify_identity(42) == "not-a-string"


# --- other classes -----------------------------------------------------------------------------------------


def test_not_a_string():
    for value in (None, 42, True, ["x"], {"a": 1}):
        assert classify_secret("password", value) == "not-a-string"


def test_long_random_values_are_unrecognised():
    assert (
        classify_secret("appKey", "Ue" + "hCvspWaSbq90wopl8eMajV9+a8BRjrfbWUigc1s+E2htYQ==") == "unrecognised"
    )
    assert (
        classify_secret("password", "17e6c5f28eab80964497b0099823ec179f6d7f0f32d1f49d3d8a601f0c8ab12")
        == "unrecognised"
    )


@pytest.mark.parametrize(
    "value",
    [
        "Tr1cky!Pass",
        "ThisIsMyVeryLongPasswordForTheEmsServerX",  # no digit
        "thisismyverylongpasswordfortheemsserver12",  # one case, not hex
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa11",  # no spread
    ],
)
def test_typed_passwords_are_cleartext(value):
    assert classify_secret("password", value) == "cleartext"


# --- secret_items ------------------------------------------------------------------------------------------


def _items(role, data, kind="ems", unknown=None):
    return secret_items(role, data, annotations(kind), unknown or {})


def _by_pointer(items):
    return {i["at"]["pointer"]: i for i in items}


def test_items_of_a_config_json():
    data = {
        "appKey": GUID,
        "http_server": {"user": "johnsmith", "password": "password", "passphrase": _aes(bytes(16))},
        "proxy": {"user": "plantproxy", "password": "some_encrypted_password"},
        "certificates": {"key_passphrase": "R3al-Passphrase"},
        "auto_bind": [{"name": "T", "user": "u1", "password": ""}],
    }
    items = _by_pointer(_items("ems", data))
    assert items["/appKey"]["class"] == "guid-cleartext" and items["/appKey"]["link"] == "platform"
    assert items["/http_server/user"] == {
        "at": {"file": "ems", "pointer": "/http_server/user"},
        "kind": "identity",
        "name": "user",
        "link": "ems-rest",
        "class": "known-default",
    }
    assert items["/http_server/password"]["class"] == "known-default"
    assert items["/http_server/passphrase"]["class"] == "legacy-aes"
    assert items["/proxy/user"]["class"] == "set"
    assert (
        items["/proxy/password"]["class"] == "placeholder" and items["/proxy/password"]["link"] == "platform"
    )
    assert items["/certificates/key_passphrase"]["class"] == "cleartext"
    assert items["/auto_bind/0/password"]["link"] == "lsr-rest"
    assert items["/auto_bind/0/password"]["class"] == "placeholder"


def test_items_never_hold_the_value():
    data = {"appKey": GUID, "http_server": {"password": "Tr1cky!Pass"}}
    text = json.dumps(_items("ems", data))
    assert GUID not in text and "Tr1cky" not in text


def test_items_of_a_config_lua():
    data = {
        "scripts": {
            "rap_userid": "emsuser",
            "rap_password": "s3cret-Value",
            "script_resource_passphrase": "password",
        }
    }
    items = _by_pointer(_items("lsr", data, "lsr"))
    assert items["/scripts/rap_userid"]["class"] == "known-default"
    assert items["/scripts/rap_password"]["class"] == "cleartext"
    assert items["/scripts/rap_password"]["link"] == "ems-rest"
    assert items["/scripts/script_resource_passphrase"]["link"] == "lsr-rest"
    assert all(i["at"]["file"] == "lsr" for i in items.values())


def test_unknown_lua_values_are_skipped():
    data = {"scripts": {"rap_password": "whatever1"}}
    items = _items("lsr", data, "lsr", {"/scripts/rap_password": "a function call"})
    assert items == []


def test_booted_copy_keeps_its_role():
    items = _items("ems-booted", {"appKey": GUID})
    assert [(i["at"]["file"], i["class"]) for i in items] == [("ems-booted", "guid-cleartext")]


@pytest.mark.parametrize("key", ["appkey", "AppKey", "APPKEY"])
def test_misspelt_appkey_is_read_as_appkey(key):
    """The read stage gives config.json as the EMS reads it (cJSON compares names without case): a misspelt
    appKey is the appKey, and a secret."""
    import json

    from emslint.read.cjson_view import apply_cjson_model
    from emslint.read.json_reader import read_json

    result = read_json(json.dumps({key: GUID}))
    apply_cjson_model(result)
    items = _by_pointer(_items("ems", result.data))
    item = items["/appKey"]
    assert item["name"] == "appKey" and item["class"] == "guid-cleartext" and item["link"] == "platform"


def test_misspelt_appkey_not_in_lua():
    assert _items("lsr", {"scripts": {"appkey": GUID}}, "lsr") == []


@pytest.mark.parametrize(
    "url",
    [
        f"https://twx.example.com/Thingworx/Things/T/Services/Get?appKey={GUID}",
        f"https://twx.example.com/x?a=1&appkey={GUID}",
        f"https://twx.example.com/x?APP_KEY={GUID}&b=2",
        "https://twx.example.com/x?appKey=Tr1cky!Pass",
    ],
)
def test_appkey_in_url(url):
    items = _items("ems", {"logger": {"audit_target": url}})
    assert [(i["at"]["pointer"], i["class"], i["link"]) for i in items] == [
        ("/logger/audit_target", "appkey-in-url", "platform")
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://twx.example.com/x?appKey={APPKEY}",
        "https://twx.example.com/x?appKey=",
        "https://twx.example.com/x?appKey=<#appKey>",
        "https://twx.example.com/x?myappKey=1",
        "https://twx.example.com/appKey=abc",
    ],
)
def test_no_appkey_in_url(url):
    assert _items("ems", {"logger": {"audit_target": url}}) == []


def test_appkey_in_url_in_lua():
    data = {"scripts": {"log_audit_target": f"https://twx/x?appKey={GUID}"}}
    items = _items("lsr", data, "lsr")
    assert [(i["at"], i["class"]) for i in items] == [
        ({"file": "lsr", "pointer": "/scripts/log_audit_target"}, "appkey-in-url")
    ]


# ---- published legacy ciphertexts (emslint/data/known-legacy-ciphertexts.json) ---------------------------


def test_every_published_ciphertext_is_known_and_sourced():
    data = json.loads((Path(secrets.__file__).resolve().parent.parent / "data" / "known-legacy-ciphertexts.json")
                      .read_text(encoding="utf-8"))
    assert data["entries"]
    for entry in data["entries"]:
        assert entry["source"] and entry["of"]
        assert classify_secret("password", entry["ciphertext"]) == "known-ciphertext"


def test_the_blog_ciphertext_of_pword123_is_known_and_another_is_not():
    assert classify_secret("password", "AES:A26fBYKHJq+eMu0Fm2FlDw==") == "known-ciphertext"
    assert classify_secret("password", "AES:p1M/dIRnBlGFgNxR2iHi2w==") == "legacy-aes"


# ---- credentials in URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pass@host/x",
        "ftp://me:s3cr3t@ftp.example.com",
        "mqtt://edge:Qq7@broker:1883",
        "see http://a:b@c for details",
        "x://a:b@c://d:e@f",
        "HTTP://User:P%40ss@host",
        "https://u:pa/ss#x@host",
        "https://me@example.com:p@ss@host",
    ],
)
def test_url_with_password_is_a_secret(url):
    assert url_has_credentials(url)
    items = _items("ems", {"logger": {"audit_target": url}})
    assert [(i["at"]["pointer"], i["class"], i["link"]) for i in items] == [
        ("/logger/audit_target", "url-credentials", "platform")
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://host/x",
        "http://user@host/x",
        "http://user:@host/x",
        "https://host/p?x=a:b@c",
        "https://<user>:<password>@host",
        "https://host/a://b",
        "https://${USER}:${PASS}@host",
        "https://u:{PASS}@host",
        "file:///var/log/ems",
        "user:pass@host",
    ],
)
def test_url_without_a_usable_password_is_not(url):
    assert not url_has_credentials(url)


def test_url_credentials_in_lua_take_the_lsr_link():
    items = _items("lsr", {"scripts": {"log_audit_target": "http://a:b@logs/x"}}, "lsr")
    assert [(i["at"], i["class"], i["link"]) for i in items] == [
        ({"file": "lsr", "pointer": "/scripts/log_audit_target"}, "url-credentials", "lsr-rest")
    ]


@given(st.text(alphabet=":/@a ", max_size=60))
def test_url_credentials_never_raises(text):
    url_has_credentials(text)


def _traced_lines(text: str) -> int:
    """Python lines run by url_has_credentials(text) (the scans inside str methods are bounded by the code's
    structure: each looks no further than the next colon, "://" or word end)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        url_has_credentials(text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("unit", ["a://", "a://b:", "x://u:{P}@", "://@", "a:// ", "h/p?x=a:b@"])
def test_url_credentials_do_linear_work(unit):
    assert _traced_lines(unit * 2000 + "@h") <= 2 * _traced_lines(unit * 1000 + "@h") + 10
