"""Keep ``cryptography``'s warnings off stderr.

``cryptography`` warns while it reads hostile or old material (a DSA key, a certificate with a negative
serial number, an odd CA in a system bundle). emslint reports what matters as findings; a warning on stderr
would only break a CI log or, under ``python -W error``, the run. Every entry point that hands file content to
``cryptography`` runs under :func:`quiet`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


_active = [0]  # nesting depth: a call inside a quiet call needs no second catch_warnings (10 us each)


def quiet(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with every warning ignored (and never turned into an exception by ``-W error``)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if _active[0]:
            return function(*args, **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _active[0] += 1
            try:
                return function(*args, **kwargs)
            finally:
                _active[0] -= 1

    return wrapper
