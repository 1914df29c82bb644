"""Regex ``match`` functions typed as never returning None, for the readers' hot loops.

A pattern that matches the empty string (``[ \\t]*``) always matches, and so does one called only where its
first character is known to be there. Typing its bound ``match`` once, here, lets a reader call ``.end()``
on the result with no ``None`` test per token: the narrowing costs nothing at run time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

AlwaysMatch = Callable[[str, int], re.Match[str]]


def always_match(pattern: re.Pattern[str]) -> AlwaysMatch:
    """``pattern.match`` itself (not a wrapper), typed as never None. The caller's comment says why it cannot fail."""
    return cast(AlwaysMatch, pattern.match)
