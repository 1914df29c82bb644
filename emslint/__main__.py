"""``python -m emslint``: the command line."""

from emslint.cli import main

main()
