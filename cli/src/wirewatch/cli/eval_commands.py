"""``wirewatch eval ...``: offline quality measurements on labelled data, with the same code the services run.

Each measurement lives in its own module and registers its command here with one line, so that the group has one
place to read and no measurement module needs to know about the others.
"""

from __future__ import annotations

import typer

eval_app = typer.Typer(no_args_is_help=True, help="Measure quality offline on labelled data (prints JSON and a table).")

from .geo_eval import geo  # noqa: E402 - registered after the group exists

eval_app.command("geo")(geo)

from .extraction_eval import extraction  # noqa: E402 - registered after the group exists

eval_app.command("extraction")(extraction)

from .cluster_commands import eval_cluster  # noqa: E402 - registered after the group exists

eval_app.command("cluster")(eval_cluster)
