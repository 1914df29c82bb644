"""libcjson as an oracle: what the EMS's cJSON makes of a config.json's bytes (tests only).

The EMS parses config.json with the cJSON of the ThingWorx C SDK: ``cJSON_Parse`` on the file's bytes as a C string,
then ``cJSON_GetObjectItem`` (first member whose name matches without case) for every key it needs. This module
calls the same two functions of Debian's libcjson (``apt-get install libcjson-dev``) through ctypes.

Why ctypes and not a compiled C probe: the property test asks the library about hundreds of documents, and one
call in the same process costs microseconds where a probe process costs milliseconds; no compiler is needed, only
the shared library; and the bytes reach ``cJSON_Parse`` exactly as a C caller hands them over (``c_char_p``: up to
the first NUL byte). The struct layout below is cJSON.h's (the same in the C SDK's old copy and in 1.7).

A reading is ``Reading(accepted, values)``: whether ``cJSON_Parse`` returned a tree and, for each key path asked
(names as the EMS passes them, array indices as ints), what the lookup returns: ``ABSENT``, ``("string", bytes)``
(the C string: up to the first NUL), ``("number", float)``, ``("true",)``, ``("false",)``, ``("null",)``,
``("object",)`` or ``("array",)``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

Path = tuple[str | int, ...]
Value = tuple[object, ...]
ABSENT: Value = ("absent",)

# cJSON.h type bits (1.x; the C SDK's old copy numbers them 0..6, but we only ever load 1.x here)
_FALSE, _TRUE, _NULL, _NUMBER, _STRING, _ARRAY, _OBJECT = 1, 2, 4, 8, 16, 32, 64


@dataclass(frozen=True)
class Reading:
    accepted: bool
    values: tuple[tuple[Path, Value], ...] = ()


class _Item(ctypes.Structure):
    pass


_Item._fields_ = [
    ("next", ctypes.POINTER(_Item)),
    ("prev", ctypes.POINTER(_Item)),
    ("child", ctypes.POINTER(_Item)),
    ("type", ctypes.c_int),
    ("valuestring", ctypes.c_char_p),
    ("valueint", ctypes.c_int),
    ("valuedouble", ctypes.c_double),
    ("string", ctypes.c_char_p),
]
_ItemP = ctypes.POINTER(_Item)


class CJson:
    """The loaded libcjson."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        lib.cJSON_Parse.restype = _ItemP
        lib.cJSON_Parse.argtypes = [ctypes.c_char_p]
        lib.cJSON_GetObjectItem.restype = _ItemP
        lib.cJSON_GetObjectItem.argtypes = [_ItemP, ctypes.c_char_p]
        lib.cJSON_GetArrayItem.restype = _ItemP
        lib.cJSON_GetArrayItem.argtypes = [_ItemP, ctypes.c_int]
        lib.cJSON_Delete.restype = None
        lib.cJSON_Delete.argtypes = [_ItemP]
        lib.cJSON_Version.restype = ctypes.c_char_p
        lib.cJSON_Version.argtypes = []
        self._lib = lib
        self.version: str = lib.cJSON_Version().decode()

    def read(self, data: bytes, paths: Iterable[Path]) -> Reading:
        """``cJSON_Parse(data)``, then each path looked up as the EMS looks keys up."""
        lib = self._lib
        root = lib.cJSON_Parse(data)  # c_char_p: C sees the bytes up to the first NUL, as the EMS does
        if not root:
            return Reading(False)
        try:
            return Reading(True, tuple((path, self._lookup(root, path)) for path in paths))
        finally:
            lib.cJSON_Delete(root)

    def _lookup(self, node: _ItemP, path: Path) -> Value:
        lib = self._lib
        for step in path:
            if isinstance(step, int):
                # only into arrays: cJSON_GetArrayItem would also count an object's members, a thing emslint's
                # data (a dict) has no index for; the EMS's own code is closed, so this is left out of the model
                if node.contents.type & 0xFF != _ARRAY:
                    return ABSENT
                node = lib.cJSON_GetArrayItem(node, step)
            else:
                node = lib.cJSON_GetObjectItem(node, step.encode())
            if not node:
                return ABSENT
        return _value(node.contents)


def _value(item: _Item) -> Value:
    kind = item.type & 0xFF
    if kind == _STRING:
        return ("string", item.valuestring or b"")
    if kind == _NUMBER:
        return ("number", item.valuedouble)
    names = {_TRUE: "true", _FALSE: "false", _NULL: "null", _OBJECT: "object", _ARRAY: "array"}
    return (names.get(kind, f"type {kind}"),)


@cache
def load() -> CJson | str:
    """The library, or why it cannot be used (the tests then skip with that reason)."""
    name = ctypes.util.find_library("cjson")
    if name is None:
        return "libcjson is not installed (apt-get install libcjson-dev)"
    try:
        cjson = CJson(ctypes.CDLL(name))
    except (OSError, AttributeError) as exc:
        return f"libcjson cannot be loaded: {exc}"
    if not cjson.version.startswith("1."):
        return f"libcjson {cjson.version}: these tests know cJSON 1.x"
    return cjson


def paths_of(documented: Sequence[str]) -> tuple[Path, ...]:
    """``"ws_servers/0/host"`` -> ``("ws_servers", 0, "host")``."""
    return tuple(tuple(int(p) if p.isdigit() else p for p in text.split("/")) for text in documented)
