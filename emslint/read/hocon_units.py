"""Durations and sizes as HOCON's spec reads them ("Duration format", "Size in bytes format").

A value is a number (in the default unit: milliseconds for durations, bytes for sizes) or a string of
optional whitespace, a number, optional whitespace, an optional unit of letters, optional whitespace.
Duration units are lowercase only; one-letter size units may be uppercase (``K`` = ``k`` = 1024).
The reader keeps such values as they are written; rules call these helpers when they need a quantity.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_NUMBER_UNIT = re.compile(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([^\W\d_]*)\s*")
_MAX_TEXT = 100

_SECONDS: dict[str, Decimal] = {}
for _names, _factor in (
    (("ns", "nano", "nanos", "nanosecond", "nanoseconds"), Decimal("1e-9")),
    (("us", "micro", "micros", "microsecond", "microseconds"), Decimal("1e-6")),
    (("", "ms", "milli", "millis", "millisecond", "milliseconds"), Decimal("1e-3")),
    (("s", "second", "seconds"), Decimal(1)),
    (("m", "minute", "minutes"), Decimal(60)),
    (("h", "hour", "hours"), Decimal(3600)),
    (("d", "day", "days"), Decimal(86400)),
):
    for _name in _names:
        _SECONDS[_name] = _factor

_BYTES: dict[str, int] = {}
for _names, _factor_bytes in (
    (("", "B", "b", "byte", "bytes"), 1),
    (("kB", "kilobyte", "kilobytes"), 10**3),
    (("MB", "megabyte", "megabytes"), 10**6),
    (("GB", "gigabyte", "gigabytes"), 10**9),
    (("TB", "terabyte", "terabytes"), 10**12),
    (("PB", "petabyte", "petabytes"), 10**15),
    (("EB", "exabyte", "exabytes"), 10**18),
    (("ZB", "zettabyte", "zettabytes"), 10**21),
    (("YB", "yottabyte", "yottabytes"), 10**24),
    (("K", "k", "Ki", "KiB", "kibibyte", "kibibytes"), 2**10),
    (("M", "m", "Mi", "MiB", "mebibyte", "mebibytes"), 2**20),
    (("G", "g", "Gi", "GiB", "gibibyte", "gibibytes"), 2**30),
    (("T", "t", "Ti", "TiB", "tebibyte", "tebibytes"), 2**40),
    (("P", "p", "Pi", "PiB", "pebibyte", "pebibytes"), 2**50),
    (("E", "e", "Ei", "EiB", "exbibyte", "exbibytes"), 2**60),
    (("Z", "z", "Zi", "ZiB", "zebibyte", "zebibytes"), 2**70),
    (("Y", "y", "Yi", "YiB", "yobibyte", "yobibytes"), 2**80),
):
    for _name in _names:
        _BYTES[_name] = _factor_bytes


def _split(value: object) -> tuple[Decimal, str] | None:
    if isinstance(value, bool):
        return None
    unit = ""
    try:
        if isinstance(value, (int, float)):
            number = Decimal(value)
        elif isinstance(value, str) and len(value) <= _MAX_TEXT:
            m = _NUMBER_UNIT.fullmatch(value)
            if m is None:
                return None
            number, unit = Decimal(m.group(1)), m.group(2)
        else:
            return None
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number.adjusted() > 40:  # 1e999999 would build a huge integer
        return None
    return number, unit


def parse_duration(value: object) -> float | None:
    """Seconds for a HOCON duration (``"30s"``, ``"10 minutes"``, ``120000`` = 120 s), None if not one."""
    split = _split(value)
    if split is None:
        return None
    number, unit = split
    factor = _SECONDS.get(unit)
    if factor is None:
        return None
    return float(number * factor)


def parse_size(value: object) -> int | None:
    """Bytes for a HOCON size (``"64k"`` = 65536, ``"1 MB"`` = 1000000, ``512`` = 512), None if not one.
    Fractions of a byte are cut off, as Typesafe config does."""
    split = _split(value)
    if split is None:
        return None
    number, unit = split
    factor = _BYTES.get(unit)
    if factor is None:
        return None
    return int(number * factor)
