"""``qingshan``: the command line. Each domain contributes its own Typer app or commands in
``qingshan/<domain>/cli.py``; they are mounted here from :data:`SUBCOMMANDS`."""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

import qingshan.platform.models  # noqa: F401  (every model mapped, audit listener registered)
from qingshan.errors import QingshanError

app = typer.Typer(
    name="qingshan",
    help="青山 Qingshan — eco-environmental governance platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)

#: (module, attribute, name or None). A Typer app is mounted as a group under ``name``; with
#: name None the module's ``register(app)`` adds plain commands.
SUBCOMMANDS: list[tuple[str, str, str | None]] = [
    ("qingshan.db.cli", "app", "db"),
    ("qingshan.qc.cli", "app", "qc"),
    ("qingshan.platform.cli", "register", None),
    ("qingshan.ingest.cli", "register", None),
    ("qingshan.hj212.cli", "register", None),
    ("qingshan.ingest.cli", "app", "import"),
    ("qingshan.standards.cli", "register", None),
    ("qingshan.sim.cli", "app", "sim"),
]


#: (module, function, module of the group's Typer app, name): commands shown in another
#: domain's group. ``qingshan qc score`` scores QC against the demo's ground truth, which lives
#: in ``sim`` (above ``qc``).
GROUPED: list[tuple[str, str, str, str]] = [
    ("qingshan.sim.cli", "score", "qingshan.qc.cli", "score"),
]


def _mount() -> None:
    for module, func, group, name in GROUPED:
        group_app = importlib.import_module(group).app
        group_app.command(name)(getattr(importlib.import_module(module), func))
    for module, attr, name in SUBCOMMANDS:
        obj = getattr(importlib.import_module(module), attr)
        if name is None:
            obj(app)
        else:
            app.add_typer(obj, name=name)


_mount()


def main() -> None:
    """Entry point: domain errors print as one clear line and exit 1."""
    try:
        app(standalone_mode=False)
    except QingshanError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        sys.exit(1)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:  # click usage errors carry their own exit codes
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
