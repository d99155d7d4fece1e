"""Entry point placeholder; commands are added in cli modules."""

import typer

app = typer.Typer(no_args_is_help=True)
