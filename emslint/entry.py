"""The console entry point (``emslint`` and ``python -m emslint``).

``emslint --version`` answers before the command line is built: argparse, the settings and their validators
cost ~30 ms, which the start-up budget of docs/decisions/0003 does not allow for printing a version.
"""

from __future__ import annotations

import sys

from emslint import __version__


def main() -> None:
    """Print the version for ``--version`` / ``-V`` alone; otherwise run the command line (:mod:`emslint.cli`)."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        sys.stdout.write(f"emslint {__version__}\n")
        return
    from emslint.cli import main as run_command_line

    run_command_line()
