"""emslint/facts/normalize.py: the copy and merge that put a config's values over the schema's defaults."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from emslint.facts.normalize import deep_merge
from emslint.json_values import copy_json

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)


def _containers(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [id(value), *(i for item in value.values() for i in _containers(item))]
    if isinstance(value, list):
        return [id(value), *(i for item in value for i in _containers(item))]
    return []


@given(value=_json)
def test_copy_json_is_deepcopy_for_json(value):
    copied = copy_json(value)
    assert copied == copy.deepcopy(value)
    assert not set(_containers(copied)) & set(_containers(value))  # no object or array is shared


@given(defaults=_json, data=_json)
def test_a_merge_never_shares_a_default_with_its_result(defaults, data):
    """What a deployment's facts do to their merged config must never reach the defaults the next one gets."""
    before = copy.deepcopy(defaults)
    merged = deep_merge(defaults, data)
    shared = set(_containers(merged)) & set(_containers(defaults))
    assert not shared or defaults is data
    assert defaults == before
