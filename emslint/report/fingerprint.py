"""Stable alert identity for GitHub code scanning (``partialFingerprints.primaryLocationLineHash``).

GitHub's upload action would hash the text around the start line; that churns when lines move and cannot
work for binary DER files. We hash the logical identity instead: rule id, file URI and JSON pointer. The
``:N`` suffix numbers findings that share an identity (as the action's own ``:N`` does).
"""

from __future__ import annotations

import hashlib


def logical_hash(rule: str, uri: str, pointer: str) -> str:
    """First 16 hex digits of the SHA-256 of the identity; fields are NUL-separated so they cannot blur."""
    identity = "\x00".join(("emslint/v1", rule, uri, pointer))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


class FingerprintCounter:
    """Hands out ``<hash>:1``, ``<hash>:2``... for repeated identities, in the order results are emitted."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def next(self, rule: str, uri: str, pointer: str) -> str:
        h = logical_hash(rule, uri, pointer)
        n = self._seen.get(h, 0) + 1
        self._seen[h] = n
        return f"{h}:{n}"
