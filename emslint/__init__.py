"""emslint: security linter for PTC ThingWorx Edge MicroServer (EMS) and Lua Script Resource (LSR).

The library API is :func:`emslint.lint` (see ``emslint.api``); it is imported lazily so that
``import emslint`` stays cheap for the command line (not even ``typing``: docs/decisions/0003).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from emslint.api import lint as lint

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "lint":
        from emslint import api

        return getattr(api, name)
    raise AttributeError(name)
