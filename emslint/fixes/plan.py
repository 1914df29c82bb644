"""Which fixes a deployment is offered: each rule's ``[[fix]]`` built for its shown findings, then checked by
linting the deployment again as if the fixes were written (nothing is written).

A fix is offered only when, with the other fixes that would be applied with it, the lint afterwards

* no longer has the finding it is for, and
* has no finding that was not there before (counted by rule, file, pointer and identity; suppressions
  included, so a fix never turns a suppression into an unused one).

Safe fixes are checked together first (what ``--fix`` writes), then the unsafe ones on top of them (what
``--fix --unsafe-fixes`` writes). All at once usually passes, costing one lint each; when it does not, each
fix is tried in turn and kept only if it passes with those already kept.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emslint.fixes.build import ConfigText, build_chmod_fix, build_text_fix, choose, config_text
from emslint.fixes.model import Edit, Fix
from emslint.fixes.overlay import data_of, overlaid, real
from emslint.model import Finding
from emslint.read.sources import Sources
from emslint.rules.model import Rule

Relint = Callable[[], list[Finding]]


@dataclass(slots=True)
class Candidate:
    finding: Finding
    fix: Fix


FindingKey = tuple[str, str, str, str]  # rule, file, pointer, identity


def finding_key(f: Finding) -> FindingKey:
    return (f.rule, f.file, f.pointer, f.identity)


def plan_fixes(target_root: Path, config_paths: Mapping[str, Path], sources: Sources, facts: dict[str, Any],
               shown: list[Finding], every: list[Finding], rules: Mapping[str, Rule], relint: Relint) -> None:
    """Set ``fix`` on each finding of ``shown`` that gets one. ``every`` is every finding of the lint (shown and
    hidden); ``relint`` lints the deployment again, returning the same, and is called under an overlay of the
    fixed files. ``config_paths``: display path -> path of each config file."""
    wanted = [f for f in shown if rules.get(f.rule) is not None and rules[f.rule].fixes]
    if not wanted or os.name == "nt":  # writing safely needs POSIX owners, modes and folder descriptors
        return
    texts: dict[str, ConfigText | None] = {}
    service_uid = _uid(target_root)
    candidates: list[Candidate] = []
    for finding in wanted:
        spec = choose(rules[finding.rule].fixes, finding, facts)
        if spec is None:
            continue
        if spec.kind == "chmod":
            display = finding.related[0] if finding.related else finding.file
            fix = build_chmod_fix(spec, finding, config_paths.get(display, Path(display)), display, service_uid)
        else:
            if finding.file not in texts:
                texts[finding.file] = _config_text(finding.file, config_paths, sources, facts)
            cfg = texts[finding.file]
            fix = build_text_fix(spec, finding, cfg, facts) if cfg is not None else None
        if fix is not None:
            candidates.append(Candidate(finding, fix))
    if not candidates:
        return
    before = Counter(finding_key(f) for f in every)
    safe = _validated([c for c in candidates if c.fix.applicability == "safe"], [], before, relint)
    unsafe = _validated([c for c in candidates if c.fix.applicability == "unsafe"], safe, before, relint)
    for candidate in [*safe, *unsafe]:
        candidate.finding.fix = candidate.fix


def _uid(path: Path) -> int | None:
    try:
        return os.stat(path).st_uid
    except OSError:
        return None


def _config_text(
    display: str, config_paths: Mapping[str, Path], sources: Sources, facts: dict[str, Any]
) -> ConfigText | None:
    source = next((s for s in sources.files if s.display == display and not s.foreign), None)
    path = config_paths.get(display)
    if source is None or path is None:
        return None
    secrets = tuple(item["at"]["pointer"] for item in facts.get("secrets") or ()
                    if isinstance(item, dict) and item.get("at", {}).get("file") == source.role)
    return config_text(source.role, display, path, source.result, source.text, secrets)


def _validated(candidates: list[Candidate], accepted: list[Candidate], before: Counter[FindingKey],
               relint: Relint) -> list[Candidate]:
    """The candidates that pass together with ``accepted`` (all at once when they can, else one by one)."""
    together: list[Candidate] = []
    for candidate in candidates:
        if compatible([c.fix for c in accepted + together], candidate.fix):
            together.append(candidate)
    if together and _passes(accepted + together, before, relint):
        return together
    kept: list[Candidate] = []
    for candidate in together:
        trial = [*accepted, *kept, candidate]
        if _passes(trial, before, relint):
            kept.append(candidate)
    return kept


def _passes(trial: list[Candidate], before: Counter[FindingKey], relint: Relint) -> bool:
    data, modes = fixed_state([c.fix for c in trial], {})
    if data is None:
        return False
    with overlaid(data, modes):
        after = Counter(finding_key(f) for f in relint())
    if any(count > before[key] for key, count in after.items()):
        return False  # a new finding
    fixed = Counter(finding_key(c.finding) for c in trial)
    return all(after[key] <= before[key] - count for key, count in fixed.items())


# ---- combining edits -----------------------------------------------------------------------------------


def compatible(accepted: Iterable[Fix], fix: Fix) -> bool:
    """Whether ``fix``'s edits can be made together with those already accepted: no two replacements overlap
    (the same edit twice is one edit), no insertion falls inside a replacement."""
    taken = [e for f in accepted for e in f.edits if e.kind == "replace"]
    for edit in fix.edits:
        if edit.kind != "replace":
            continue
        for other in taken:
            if other.path != edit.path or other == edit:
                continue
            if _overlap(edit, other):
                return False
    return True


def _overlap(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return False  # two insertions: both made, in order
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def fixed_state(fixes: Iterable[Fix], current: Mapping[str, bytes]) -> tuple[dict[str, bytes] | None, dict[str, int]]:
    """The bytes (by real path) and modes of every file the fixes change, from ``current`` (real path ->
    bytes: an earlier round's result) or else the file on disk; ``None`` when a file cannot be read."""
    by_path: dict[str, list[Edit]] = {}
    modes: dict[str, int] = {}
    for fix in fixes:
        for edit in fix.edits:
            key = real(edit.path)
            if edit.kind == "chmod":
                modes[key] = modes.get(key, edit.mode_from) & edit.mode_to
            elif edit not in by_path.setdefault(key, []):
                by_path[key].append(edit)
    data: dict[str, bytes] = {}
    for key, edits in by_path.items():
        original = current.get(key)
        if original is None:
            original = data_of(key)  # an earlier round of --fix, not yet written
        if original is None:
            try:
                with open(key, "rb") as handle:
                    original = handle.read()
            except OSError:
                return None, modes
        spliced = splice(original, edits)
        if spliced is None:
            return None, modes
        data[key] = spliced
    return data, modes


def splice(original: bytes, edits: list[Edit]) -> bytes | None:
    """``original`` with the (compatible) replacements made; insertions at one place in the order given."""
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    out: list[bytes] = []
    position = 0
    for _, edit in ordered:
        if edit.start < position or edit.end > len(original):
            return None
        out.append(original[position:edit.start])
        out.append(edit.content.encode("utf-8"))
        position = edit.end
    out.append(original[position:])
    return b"".join(out)
