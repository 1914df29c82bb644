"""emslint: security linter for PTC ThingWorx Edge MicroServer (EMS) and Lua Script Resource (LSR).

The library API is :func:`emslint.lint` (see ``emslint.api``); it is imported lazily so that
``import emslint`` stays cheap for the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from emslint.api import lint as lint


def __getattr__(name: str) -> Any:
    if name == "lint":
        from emslint import api

        return getattr(api, name)
    raise AttributeError(name)
