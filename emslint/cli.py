"""The ``emslint`` command: arguments -> the settings object -> a command. argparse (standard library) keeps
``emslint --version`` and the start of every run cheap (docs/decisions/0003-startup-and-fleet.md); each command's
module is imported only when that command runs, so ``emslint rule`` never loads cryptography.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from emslint import __version__, profiling
from emslint.errors import Usage
from emslint.printable import escape_unsafe
from emslint.settings.options import (
    BUILDS,
    CONTEXTS,
    FAIL_ON,
    LEVELS,
    OPTIONS,
    OUTPUT_FORMATS,
    PROFILES,
)

profiling.install()  # EMSLINT_PROFILE=1 only: stage timings on stderr at exit, imports included


def _list(text: str) -> list[str]:
    """``--select EMS4,EMS2`` and repeated flags alike (ruff's convention)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _report(text: str) -> tuple[str, Path]:
    fmt, sep, path = text.partition(":")
    if not sep or not path or fmt not in OUTPUT_FORMATS:
        raise argparse.ArgumentTypeError(f"expected FORMAT:PATH with FORMAT one of {', '.join(OUTPUT_FORMATS)}")
    return fmt, Path(path)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line and exit 2, as every other usage error
        sys.stderr.write(f"emslint: error: {escape_unsafe(message)}\n")
        raise SystemExit(2)


def _flags(parser: argparse.ArgumentParser, name: str, *flags: str, **kwargs: Any) -> None:
    """An option whose help comes from the settings table (one text for files and the command line)."""
    parser.add_argument(*flags, dest=name, default=None, help=OPTIONS[name].help + ".", **kwargs)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line (argparse): every command, and for `check` one flag per setting in OPTIONS."""
    parser = _Parser(prog="emslint", description="Security linter for PTC ThingWorx Edge MicroServer "
                     "(config.json) and Lua Script Resource (config.lua) deployments.")
    parser.add_argument("-V", "--version", action="version", version=f"emslint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="lint deployments: schemas, security rules, certificates, keys, "
                                "permissions and levels")
    check.add_argument("paths", nargs="*", metavar="PATH", help="microserver folders, folders of them, or config files")
    _flags(check, "output_format", "-f", "--format", "--output-format", choices=OUTPUT_FORMATS)
    check.add_argument("-o", "--output", type=Path, help="write the report to this file")
    check.add_argument("--report", dest="reports", action="append", type=_report, default=[], metavar="FORMAT:PATH",
                       help="also write a report in FORMAT to PATH (repeatable), from the same run")
    _flags(check, "fail_on", "--fail-on", choices=FAIL_ON)
    _flags(check, "require_level", "--require-level", choices=LEVELS)
    _flags(check, "profile", "--profile", choices=PROFILES)
    _flags(check, "select", "--select", action="extend", type=_list, metavar="RULES")
    _flags(check, "extend_select", "--extend-select", action="extend", type=_list, metavar="RULES")
    _flags(check, "ignore", "--ignore", action="extend", type=_list, metavar="RULES")
    _flags(check, "ems_version", "--ems-version", metavar="VERSION")
    _flags(check, "openssl", "--openssl", metavar="VERSION")
    _flags(check, "platform_java", "--platform-java", type=int, metavar="N")
    _flags(check, "build", "--build", choices=BUILDS)
    _flags(check, "context", "--context", choices=CONTEXTS)
    _flags(check, "inline_suppressions", "--inline-suppressions", action=argparse.BooleanOptionalAction)
    _flags(check, "allow_outside", "--allow-outside", action="append", metavar="FOLDER")
    _flags(check, "include_templates", "--include-templates", action=argparse.BooleanOptionalAction)
    _flags(check, "exclude", "--exclude", action="extend", type=_list, metavar="GLOBS")
    _flags(check, "extend_exclude", "--extend-exclude", action="extend", type=_list, metavar="GLOBS")
    _flags(check, "jobs", "-j", "--jobs", type=int, metavar="N")
    _flags(check, "fix", "--fix", action=argparse.BooleanOptionalAction)
    _flags(check, "unsafe_fixes", "--unsafe-fixes", action=argparse.BooleanOptionalAction)
    _flags(check, "show_fixes", "--show-fixes", action=argparse.BooleanOptionalAction)
    check.add_argument("--diff", action="store_true", help="print what the fixes would change (a unified diff, "
                       "secrets masked) and write nothing; exit 1 when there is something to fix")
    check.add_argument("--config", type=Path, help="settings file to use for every deployment (pyproject.toml or "
                       ".emslint.toml); by default each deployment uses the one nearest to it")
    check.add_argument("--isolated", action="store_true", help="ignore every settings file")
    check.add_argument("--show-settings", action="store_true",
                       help="print the settings each deployment under the paths is checked with (one block per "
                       "settings file) and where each value came from, then exit")
    check.add_argument("--baseline", type=Path, help="hide findings recorded in this baseline file")
    check.add_argument("--write-baseline", type=Path, help="record the current findings as the baseline and exit 0")
    check.add_argument("--project", action="store_true", help="lint the whole tree under the current folder "
                       "(pre-commit)")
    check.add_argument("--automation-id", help="SARIF run.automationDetails.id, e.g. emslint/prod/")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings fail the run")
    check.add_argument("-q", "--quiet", action="store_true", help="show only what fails the run, and the summary")
    check.add_argument("--statistics", action="store_true", help="print how many findings each rule reported "
                       "instead of the findings")
    check.add_argument("--color", action=argparse.BooleanOptionalAction, default=None, help="force colour on or off")
    check.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress bar on stderr (default: on a terminal, many targets, not in CI)")
    check.add_argument("--now", help="pretend it is this ISO date (certificate expiry), for reproducible runs")

    ciphers = commands.add_parser("ciphers", help="the suites the EMS's OpenSSL (1.0.2, 1.1.1 or 3.1) offers for a "
                                  "cipher string, and why weak ones are weak")
    ciphers.add_argument("cipher_string", metavar="STRING", help="an OpenSSL cipher list, e.g. 'ALL:!aNULL:!eNULL'")
    ciphers.add_argument("--ems-version", metavar="VERSION", help="EMS release, e.g. 5.4.10: picks the OpenSSL model "
                         "(<= 5.4.10: 1.0.2, 5.4.11/12: 1.1.1, >= 5.5.0: 3.1)")
    ciphers.add_argument("--openssl", help="OpenSSL model: 1.0.2, 1.1.1 or 3.1 (wins over --ems-version)")
    ciphers.add_argument("--build", choices=BUILDS, default="default",
                         help="default, or weak (enable-weak-ssl-ciphers; 1.0.2 also enable-ssl2)")
    ciphers.add_argument("--legacy-provider", action="store_true",
                         help="OpenSSL 3.x with the legacy provider loaded (SEED, IDEA, RC4)")
    ciphers.add_argument("--fips", action="store_true",
                         help="FIPS mode as the C SDK does it (OpenSSL 1.0.2 only): its fixed FIPS list replaces "
                         "the string")
    ciphers.add_argument("--profile", choices=("mozilla-intermediate", "mozilla-modern"),
                         help="compare with Mozilla's server-side TLS guidelines 5.7")
    ciphers.add_argument("-f", "--format", dest="output_format", choices=("text", "json"), default="text")

    rules = commands.add_parser("rules", help="list every rule: id, name, severity, link, level effect, summary")
    rules.add_argument("-f", "--format", dest="output_format", choices=("text", "json"), default="text")
    rules.add_argument("--config", type=Path, help="settings file (for extra_rules)")

    rule = commands.add_parser("rule", help="print a rule's whole documentation")
    rule.add_argument("rule", help="rule id (EMS101) or name (platform-encryption-none)")
    rule.add_argument("-f", "--format", dest="output_format", choices=("text", "markdown"), default="text")

    facts = commands.add_parser("facts", help="print the facts document rules are evaluated over (secrets masked)")
    facts.add_argument("paths", nargs="*", metavar="PATH")
    facts.add_argument("--now", help="pretend it is this ISO date")

    new_rule = commands.add_parser("new-rule", help="scaffold a rule file and its failing and passing fixtures")
    new_rule.add_argument("rule_id", metavar="ID", help="e.g. EMS123")
    new_rule.add_argument("name", help="kebab-case name of the bad pattern, e.g. platform-encryption-none")
    new_rule.add_argument("--rules-dir", type=Path, default=Path("rules"), help="where rule files live [rules]")
    new_rule.add_argument("--fixtures-dir", type=Path, default=Path("tests/fixtures/rules"),
                          help="where rule fixtures live [tests/fixtures/rules]")

    commands.add_parser("version", help="print the version")

    completion = commands.add_parser("completion", help="print a shell completion script (bash, zsh or fish)")
    completion.add_argument("shell", choices=("bash", "zsh", "fish"))
    return parser


def _parse_now(text: str | None) -> datetime | None:
    text = text or os.environ.get("EMSLINT_NOW") or None
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Usage(f"--now: not an ISO date or date-time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _check(args: argparse.Namespace) -> int:
    """`emslint check`: the flags become explicit settings (the command line wins over files), then run_check."""
    from emslint.check import CheckOptions, run_check
    from emslint.settings import SettingsError, SettingsResolver

    explicit = {name: getattr(args, name) for name in OPTIONS if hasattr(args, name)}
    if args.diff and explicit.get("show_fixes") is None:
        explicit["show_fixes"] = True  # the diff is of the fixes: work them out
    try:
        resolver = SettingsResolver(explicit, config=args.config, isolated=args.isolated)
    except SettingsError as exc:
        raise Usage(str(exc)) from None
    paths = ["."] if args.project else list(args.paths)
    if args.show_settings:
        from emslint.check import show_settings_for

        sys.stdout.write(show_settings_for(paths or ["."], resolver))
        return 0
    options = CheckOptions(
        paths=paths,
        output=args.output,
        reports=list(args.reports),
        baseline=args.baseline,
        write_baseline=args.write_baseline,
        automation_id=args.automation_id,
        exit_zero=args.exit_zero,
        quiet=args.quiet,
        statistics=args.statistics,
        color=args.color,
        progress=args.progress,
        now=_parse_now(args.now),
        diff=args.diff,
    )
    return run_check(options, resolver)


def _ciphers(args: argparse.Namespace) -> int:
    from emslint.cli_ciphers import CipherOptions, run_ciphers

    options = CipherOptions(ems_version=args.ems_version, openssl=args.openssl, build=args.build,
                            legacy_provider=args.legacy_provider, fips=args.fips, profile=args.profile,
                            fmt=args.output_format)
    return run_ciphers(args.cipher_string, options, sys.stdout, errors=sys.stderr)


def _rules(args: argparse.Namespace) -> int:
    from emslint.commands import run_rules

    return run_rules(args.output_format, args.config)


def _rule(args: argparse.Namespace) -> int:
    from emslint.commands import run_rule

    return run_rule(args.rule, args.output_format)


def _facts(args: argparse.Namespace) -> int:
    from emslint.commands import run_facts

    return run_facts(list(args.paths), _parse_now(args.now))


def _new_rule(args: argparse.Namespace) -> int:
    from emslint.commands import run_new_rule

    return run_new_rule(args.rule_id, args.name, args.rules_dir, args.fixtures_dir)


def _version(args: argparse.Namespace) -> int:
    sys.stdout.write(f"emslint {__version__}\n")
    return 0


def _completion(args: argparse.Namespace) -> int:
    from emslint.completion import completion_script

    sys.stdout.write(completion_script(args.shell, build_parser()))
    return 0


COMMANDS = {"check": _check, "ciphers": _ciphers, "rules": _rules, "rule": _rule, "facts": _facts,
            "new-rule": _new_rule, "version": _version, "completion": _completion}


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit code (usage errors: one line, 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return COMMANDS[args.command](args)
    except Usage as exc:
        sys.stderr.write(f"emslint: error: {escape_unsafe(str(exc))}\n")
        return 2


def main() -> None:
    """Console entry point: never a traceback for the user (EMSLINT_DEBUG=1: one without messages)."""
    try:
        code = run()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("emslint: interrupted\n")
        raise SystemExit(130) from None
    except BrokenPipeError:  # `emslint check | head`: the reader left; end quietly, as a tool killed by SIGPIPE
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        raise SystemExit(141) from None
    except Exception as exc:
        from emslint import debug

        debug.report(exc)  # frames only: an exception message may quote a config value
        hint = "" if debug.enabled() else "; rerun with EMSLINT_DEBUG=1 for details"
        sys.stderr.write(f"emslint: internal error: {type(exc).__name__}{hint}\n")
        raise SystemExit(2) from None
    finally:
        profiling.report()
    raise SystemExit(code)


if __name__ == "__main__":
    main()
