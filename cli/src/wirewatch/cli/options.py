"""What every api-facing command shares: its common options, exit codes and how it reports a failure.

Exit codes: 0 done, 1 failed (bad input, an error answer from the api), 2 wrong usage, 3 NATS or the api could not
be reached.
"""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer
from rich.console import Console

from .api_client import ApiError

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3

ApiUrl = Annotated[str, typer.Option("--api-url", envvar="WIREWATCH_API_URL", help="Base URL of the api.")]
Token = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="WIREWATCH_API_TOKEN",
        help="Bearer token (for writes, and for reads where the api protects them).",
        show_default=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    """Say what went wrong on stderr and exit with ``code``."""
    Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def fail_api(exc: ApiError) -> NoReturn:
    """An api error: 1 when the api answered with an error, 3 when it could not be reached."""
    fail(str(exc), EXIT_FAILED if exc.status_code is not None else EXIT_UNAVAILABLE)


def usage(message: str) -> NoReturn:
    fail(message, EXIT_USAGE)
