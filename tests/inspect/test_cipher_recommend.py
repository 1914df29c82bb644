"""The cipher list --unsafe-fixes writes, judged by the same OpenSSL models as any configured list."""

from __future__ import annotations

import pytest

from emslint.inspect.cipher_recommend import recommended_cipher_string
from emslint.inspect.cipher_verdicts import cipher_facts


@pytest.mark.parametrize("model", ["1.0.2", "1.1.1", "3.1"])
@pytest.mark.parametrize("java7", [False, True])
def test_the_recommended_list_is_clean_under_its_model(model, java7):
    string = recommended_cipher_string(model, "default", java7)
    assert string
    facts = cipher_facts(string, openssl=model)
    assert facts["ok"] and not facts["ignored_words"]
    assert facts["weak_total"] == 0 and facts["forward_secrecy"] == facts["count"] == len(string.split(":"))
    assert facts["static_rsa"] == 0 and facts["kedh"] == 0
    # the Java 7 CBC suites also work on TLS 1.0; OpenSSL 3.1 refuses TLS 1.0/1.1 at its default security level
    assert facts["protocol_floor"] == ("TLS 1.0" if java7 and model != "3.1" else "TLS 1.2")
    assert (facts["java7_compatible"] > 0) == java7


def test_each_model_gets_the_suites_it_has():
    assert "CHACHA20" not in recommended_cipher_string("1.0.2")  # type: ignore[operator]
    assert "CHACHA20" in recommended_cipher_string("3.1")  # type: ignore[operator]
