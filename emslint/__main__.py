"""``python -m emslint``: the command line."""

from emslint.entry import main

if __name__ == "__main__":
    main()
