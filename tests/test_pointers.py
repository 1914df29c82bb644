"""emslint.pointers: one way to escape, split, name and follow JSON pointers (RFC 6901 with a ``*`` wildcard)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from emslint.pointers import dotted, escape_token, select, split, unescape_token, value_at


def _reference(value: Any, tokens: list[str], path: tuple = ()) -> list[tuple[tuple, Any]]:
    """select() written the obvious, recursive way: what the iterative one (and its one-place shortcut) must give."""
    if not tokens:
        return [(path, value)]
    token, rest = tokens[0], tokens[1:]
    if token == "*":
        children = list(enumerate(value)) if isinstance(value, list) else list(value.items()) if isinstance(
            value, dict) else []
    elif isinstance(value, dict):
        children = [(token, value[token])] if token in value else []
    elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
        children = [(int(token), value[int(token)])]
    else:
        children = []
    return [found for key, child in children for found in _reference(child, rest, (*path, key))]


_KEYS = st.sampled_from(["a", "b", "0", "1", "10", "01", "", "~", "/", "*"])
_DOCS = st.recursive(st.none() | st.booleans() | st.integers(-2, 2) | st.text(max_size=2),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
                     max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(doc=_DOCS, tokens=st.lists(_KEYS, max_size=4))
def test_select_finds_what_the_obvious_walk_finds(doc, tokens):
    assert select(doc, tokens) == _reference(doc, tokens)


@given(st.text(max_size=6))
def test_escaping_a_token_round_trips(token):
    assert unescape_token(escape_token(token)) == token
    assert split("/" + escape_token(token)) == [token]


def test_value_at_and_dotted():
    doc = {"certificates": {"cert_chain": ["a.pem", "b.pem"]}, "a/b": {"~": 1}}
    assert value_at(doc, "/certificates/cert_chain/1") == "b.pem"
    assert value_at(doc, "/a~1b/~0") == 1
    assert value_at(doc, "/nothing/here") is None
    assert dotted("/certificates/cert_chain/1") == "certificates.cert_chain[1]"
