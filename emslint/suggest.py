"""Did-you-mean: the closest known word to a misspelt one (rule selectors, settings, cipher-string words).

``difflib`` is imported on the first suggestion: a run without a misspelling never pays for it
(docs/decisions/0003-startup-and-fleet.md).
"""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, vocabulary: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The word of ``vocabulary`` closest to ``word`` (difflib's ratio at least ``cutoff``), or ``None``."""
    import difflib

    close = difflib.get_close_matches(word, list(vocabulary), n=1, cutoff=cutoff)
    return close[0] if close else None
