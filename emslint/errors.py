"""Errors the command line turns into one line on stderr and exit code 2."""


class Usage(Exception):
    """A usage or configuration error (bad flag value, missing path, malformed settings or rule file)."""
