"""Names of backup copies and stray copies of config.json, config.json.booted and config.lua.

A copy beside the live configs holds the same secrets and nothing keeps it private or current, so discovery
adds it to its deployment (role ``ems-backup`` or ``lsr-backup``): it is scanned for secrets and file modes
and configures no link. The names are matched the way editors, package managers and people make them:

* after the name: ``~`` (Emacs, gedit), ``.~1~`` (``cp --backup=numbered``), ``.bak`` ``.backup`` ``.bck``
  ``.bkp`` ``.orig`` ``.old`` ``.save`` ``.saved`` ``.sav`` ``.prev`` ``.previous`` ``.copy`` ``.tmp`` ``.temp``
  ``.new`` ``.dist``, Debian's ``.dpkg-old|dist|new|bak`` and ``.ucf-old|dist|new``, RPM's ``.rpmsave|new|orig``
  (after ``.``, ``_`` or ``-``, with an optional number: ``.bak1``, ``_old2``), a number or date
  (``config.json.1``, ``config.json.booted.2``, ``config.lua.2024-05-01``), and any sequence of these
  (``config.json.bak.2``, ``config.json.old~``);
* inside the name: ``config.bak.json``, ``config_old.lua``, ``config-2024-05-01.json``, ``config (1).json``,
  ``config copy.json``, ``config - Copy.json`` (Windows Explorer);
* before it: ``Copy of config.json`` (older Windows).

Letter case is ignored. Templates (``config.json.minimal|complete|documented``, ``config.lua.example``) and
``config.lua.p_data`` are not copies. Work is linear in the name (one left-to-right pass over short segments).
"""

from __future__ import annotations

import re

_BASES = ("config.json.booted", "config.json", "config.lua")  # longest first
_WORDS = sorted(
    ("bak", "backup", "bck", "bkp", "orig", "old", "save", "saved", "sav", "prev", "previous", "copy", "tmp",
     "temp", "new", "dist", "dpkg-old", "dpkg-dist", "dpkg-new", "dpkg-bak", "ucf-old", "ucf-dist", "ucf-new",
     "rpmsave", "rpmnew", "rpmorig"),
    key=len, reverse=True,
)
# One segment of a copy's name; every repeat is bounded, so a match is linear in the segment's length.
_SEGMENT = re.compile(
    r"~|\.~[0-9]{1,6}~"
    r"|[._-](?:" + "|".join(re.escape(w) for w in _WORDS) + r")[0-9]{0,8}"
    r"|[._-][0-9][0-9._t:-]{0,30}"
    r"| \([0-9]{1,4}\)"
    r"| (?:- )?copy(?: \([0-9]{1,4}\))?"
)
_ROLES = {"config.json.booted": "ems-backup", "config.json": "ems-backup", "config.lua": "lsr-backup"}
MAX_NAME = 255  # longer is no file name on common file systems: never a copy


def _segments(rest: str) -> bool:
    """Whether ``rest`` is one or more segments, consumed left to right."""
    pos = 0
    while pos < len(rest):
        match = _SEGMENT.match(rest, pos)
        if match is None or match.end() == pos:
            return False
        pos = match.end()
    return pos > 0


def backup_base(name: str) -> str | None:
    """The live config a file name is a copy of (``config.json``, ``config.json.booted``, ``config.lua``), or
    None when it is no copy (the live names themselves, templates and every other file)."""
    if len(name) > MAX_NAME:
        return None
    lower = name.lower()
    if lower.startswith("copy of "):
        base = lower.removeprefix("copy of ")
        return base if base in _BASES else None
    if not lower.startswith("config"):
        return None
    for base in _BASES:
        if lower.startswith(base) and lower != base:
            return base if _segments(lower[len(base):]) else None
    for extension, base in ((".json", "config.json"), (".lua", "config.lua")):
        if lower.endswith(extension) and _segments(lower[len("config"):-len(extension)]):
            return base
    return None


def backup_role(name: str) -> str | None:
    """``ems-backup`` or ``lsr-backup`` for a copy's name, else None."""
    base = backup_base(name)
    return _ROLES[base] if base else None
