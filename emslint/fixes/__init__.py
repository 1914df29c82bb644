"""Fixes: byte-span edits on the configs (and mode changes of the files) that make a finding go away.

A rule declares its fix as data (``[[fix]]`` in its TOML file, docs/rule-format.md). For each finding of such a
rule, :mod:`emslint.fixes.plan` builds the edits on the file as read (:mod:`emslint.fixes.build`), refuses any
that would touch a secret, and keeps only those that, re-linted, remove their finding and add none. ``emslint
check --fix`` / ``--unsafe-fixes`` write them (:mod:`emslint.fixes.apply`), ``--diff`` shows them
(:mod:`emslint.fixes.diff`).
"""
