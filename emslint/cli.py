"""The `emslint` command. Heavy modules are imported inside commands, only when a run needs them."""

# No `from __future__ import annotations` here: typer would eval() every annotation string of every command
# on each start (~5 ms); evaluated once at import they cost nothing extra.

import os
import sys
from datetime import UTC
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from emslint import profiling

profiling.install()  # EMSLINT_PROFILE=1 only: stage timings on stderr at exit, imports included

import typer  # noqa: E402

from emslint import __version__  # noqa: E402

app = typer.Typer(
    name="emslint",
    help="Security linter for PTC ThingWorx Edge MicroServer (config.json) and Lua Script Resource (config.lua).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    sarif = "sarif"
    github = "github"


class FailOn(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"
    never = "never"


class LevelName(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class Profile(StrEnum):
    production = "production"
    development = "development"


class Build(StrEnum):
    default = "default"
    weak = "weak"


from emslint.errors import Usage  # noqa: E402  (shared with runner: `python -m emslint.cli` is __main__)


def _fail(message: str) -> None:
    sys.stderr.write(f"emslint: error: {message}\n")
    raise typer.Exit(2)


def _parse_now(text: str | None):
    if text is None:
        env = os.environ.get("EMSLINT_NOW")
        if not env:
            return None
        text = env
    from datetime import datetime

    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Usage(f"--now: not an ISO date or date-time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@app.command()
def check(
    paths: Annotated[list[str] | None, typer.Argument(help="Microserver folders, folders of them, or config files.")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(help="Lowest severity that fails the run [default: low].")] = None,
    require_level: Annotated[LevelName | None, typer.Option(help="Also fail when a deployment is below this level.")] = None,
    profile: Annotated[Profile | None, typer.Option(help="production (default) or development.")] = None,
    include_templates: Annotated[bool | None, typer.Option("--include-templates/--no-include-templates", help="Also lint config.json.minimal|complete|documented and config.lua.example.")] = None,
    now: Annotated[str | None, typer.Option(help="Pretend it is this ISO date (certificate expiry), for reproducible runs.")] = None,
    ems_version: Annotated[str | None, typer.Option(help="EMS release, e.g. 5.4.10 (obsolete keys, FIPS support).")] = None,
    platform_java: Annotated[int | None, typer.Option(help="Java major version of the ThingWorx platform (7 enables the kEDH checks).")] = None,
    build: Annotated[Build, typer.Option(help="OpenSSL build of the EMS: default, or weak (enable-weak-ssl-ciphers).")] = Build.default,
    openssl: Annotated[str | None, typer.Option(help="OpenSSL of the EMS: 1.0.2, 1.1.1 or 3.1 [default: from --ems-version].")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Settings file (pyproject.toml or .emslint.toml).")] = None,
    select: Annotated[list[str] | None, typer.Option(help="Only these rules (ids, names, prefixes, groups).")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these rules (ids, names, prefixes, groups).")] = None,
    baseline: Annotated[Path | None, typer.Option(help="Hide findings recorded in this baseline file.")] = None,
    write_baseline: Annotated[Path | None, typer.Option(help="Record the current findings as the baseline and exit 0.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Processes for many targets [default: the cores].")] = None,
    project: Annotated[bool, typer.Option("--project", help="Lint the whole tree under the current folder (pre-commit).")] = False,
    automation_id: Annotated[str | None, typer.Option(help="SARIF run.automationDetails.id, e.g. emslint/prod/.")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when findings fail the run.")] = False,
    color: Annotated[bool | None, typer.Option("--color/--no-color", help="Force colour on or off.")] = None,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="Progress bar on stderr (default: on a terminal, many targets, not in CI).")] = None,
) -> None:
    """Lint EMS/LSR deployments: schemas, security rules, certificates, keys, permissions and levels."""
    from emslint.runner import CheckRequest, run_check

    request = CheckRequest(
        paths=list(paths or []),
        output_format=output_format.value,
        output=output,
        fail_on=fail_on.value if fail_on else None,
        require_level=require_level.value if require_level else None,
        profile=profile.value if profile else None,
        include_templates=include_templates,
        ems_version=ems_version,
        platform_java=platform_java,
        cipher_build=build.value,
        openssl=openssl,
        config=config,
        select=select,
        ignore=ignore,
        baseline=baseline,
        write_baseline=write_baseline,
        jobs=jobs,
        project=project,
        automation_id=automation_id,
        exit_zero=exit_zero,
        color=color,
        progress=progress,
    )
    try:
        request.now = _parse_now(now)
        code = run_check(request)
    except Usage as exc:
        _fail(str(exc))
    raise typer.Exit(code)


@app.command()
def ciphers(
    cipher_string: Annotated[str, typer.Argument(help="An OpenSSL cipher list, e.g. 'ALL:!aNULL:!eNULL'.")],
    ems_version: Annotated[str | None, typer.Option(help="EMS release, e.g. 5.4.10: picks the OpenSSL model (<= 5.4.10: 1.0.2, 5.4.11/12: 1.1.1, >= 5.5.0: 3.1).")] = None,
    openssl: Annotated[str | None, typer.Option(help="OpenSSL model: 1.0.2, 1.1.1 or 3.1 (wins over --ems-version).")] = None,
    build: Annotated[Build, typer.Option(help="default, or weak (enable-weak-ssl-ciphers; 1.0.2 also enable-ssl2).")] = Build.default,
    legacy_provider: Annotated[bool, typer.Option("--legacy-provider", help="OpenSSL 3.x with the legacy provider loaded (SEED, IDEA, RC4).")] = False,
    fips: Annotated[bool, typer.Option("--fips", help="FIPS mode as the C SDK does it (OpenSSL 1.0.2 only): its fixed FIPS list replaces the string.")] = False,
    profile: Annotated[str | None, typer.Option(help="Compare with mozilla-intermediate or mozilla-modern (Mozilla Server Side TLS 5.7).")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Show the suites the EMS's OpenSSL (1.0.2, 1.1.1 or 3.1) offers for a cipher string, and why weak ones are weak."""
    from emslint.cli_ciphers import CipherOptions, run_ciphers

    options = CipherOptions(ems_version=ems_version, openssl=openssl, build=build.value,
                            legacy_provider=legacy_provider, fips=fips, profile=profile, fmt=output_format)
    raise typer.Exit(run_ciphers(cipher_string, options, sys.stdout, errors=sys.stderr))


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    config: Annotated[Path | None, typer.Option("--config", help="Settings file (for extra_rules).")] = None,
) -> None:
    """List every rule: id, name, severity, link, level cap, summary."""
    from emslint.runner import run_rules

    try:
        raise typer.Exit(run_rules(output_format, config))
    except Usage as exc:
        _fail(str(exc))


@app.command("rule")
def show_rule(
    rule: Annotated[str, typer.Argument(help="Rule id (EMS101) or name (platform-encryption-none).")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or markdown.")] = "text",
) -> None:
    """Print a rule's whole documentation."""
    from emslint.runner import run_rule

    try:
        raise typer.Exit(run_rule(rule, output_format))
    except Usage as exc:
        _fail(str(exc))


@app.command()
def facts(
    paths: Annotated[list[str] | None, typer.Argument(help="Microserver folders or config files.")] = None,
    now: Annotated[str | None, typer.Option(help="Pretend it is this ISO date.")] = None,
) -> None:
    """Print the facts document rules are evaluated over (for writing rules); secrets are masked."""
    from emslint.runner import run_facts

    try:
        raise typer.Exit(run_facts(list(paths or []), _parse_now(now)))
    except Usage as exc:
        _fail(str(exc))


@app.command()
def version() -> None:
    """Print the version."""
    sys.stdout.write(f"emslint {__version__}\n")


def main() -> None:
    """Console entry point: never a traceback for the user (EMSLINT_DEBUG=1: one without messages)."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("emslint: interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:
        from emslint import debug

        debug.report(exc)  # frames only: an exception message may quote a config value
        if not debug.enabled():
            sys.stderr.write(
                f"emslint: internal error: {type(exc).__name__}; rerun with EMSLINT_DEBUG=1 for details\n"
            )
        else:
            sys.stderr.write(f"emslint: internal error: {type(exc).__name__}\n")
        raise SystemExit(2) from None
    finally:
        profiling.report()


if __name__ == "__main__":
    main()
