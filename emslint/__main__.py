"""``python -m emslint``: the command line."""

from emslint.cli import main

if __name__ == "__main__":
    main()
