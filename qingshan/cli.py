"""``qingshan``: the command line. Each domain contributes its own Typer app or commands in
``qingshan/<domain>/cli.py``; they are mounted here from :data:`SUBCOMMANDS`."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text
from sqlalchemy.exc import DBAPIError
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from qingshan.config import get_settings
from qingshan.db.errors import not_ready_error
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
    ("qingshan.audit.cli", "app", "audit"),
    ("qingshan.cases.cli", "app", "cases"),
    ("qingshan.enforcement.cli", "spot_app", "spot-check"),
    ("qingshan.enforcement.cli", "credit_app", "credit"),
    ("qingshan.targets.cli", "app", "targets"),
    ("qingshan.forecast.cli", "app", "forecast"),
    ("qingshan.carbon.cli", "app", "carbon"),
    ("qingshan.scale.cli", "app", "batch"),
    ("qingshan.vehicles.cli", "app", "vehicles"),
]


#: (module, function, module of the group's Typer app, name): commands shown in another
#: domain's group. ``qingshan qc score`` scores QC against the demo's ground truth, which lives
#: in ``sim`` (above ``qc``).
GROUPED: list[tuple[str, str, str, str]] = [
    ("qingshan.sim.cli", "score", "qingshan.qc.cli", "score"),
    ("qingshan.platform.vehicles_cli", "screen", "qingshan.vehicles.cli", "screen"),
    ("qingshan.platform.vehicles_cli", "score", "qingshan.vehicles.cli", "score"),
]


def _mount() -> None:
    for module, func, group, command in GROUPED:
        group_app = importlib.import_module(group).app
        group_app.command(command)(getattr(importlib.import_module(module), func))
    for module, attr, name in SUBCOMMANDS:
        obj = getattr(importlib.import_module(module), attr)
        if name is None:
            obj(app)
        else:
            app.add_typer(obj, name=name)


_mount()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point. A user's mistake prints one line on stderr, never a traceback: usage errors
    (unknown command or option, missing or bad argument) exit 2, domain errors
    (:class:`~qingshan.errors.QingshanError`, a database without its tables) exit 1. A real bug
    still shows its traceback."""
    try:
        rv = app(args=argv, prog_name="qingshan", standalone_mode=False)
    except NoArgsIsHelpError as exc:  # the help is printed already
        sys.exit(exc.exit_code)
    except UsageError as exc:
        hint = f" (try '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        _fail(exc.format_message() + hint, exc.exit_code)
    except ClickException as exc:  # e.g. a file that cannot be opened
        _fail(exc.format_message(), exc.exit_code)
    except QingshanError as exc:
        _fail(str(exc), 1)
    except DBAPIError as exc:  # a session made outside session_scope
        not_ready = not_ready_error(exc, get_settings().db_url)
        if not_ready is None:
            raise
        _fail(str(not_ready), 1)
    except typer.Abort:
        _fail("aborted", 1)
    # standalone_mode=False returns the code of a `raise typer.Exit(code)` (commands return None)
    if isinstance(rv, int) and not isinstance(rv, bool) and rv:
        sys.exit(rv)


def _fail(message: str, code: int) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit with ``code``."""
    one_line = " ".join(message.split())
    err.print(Text.assemble(("error: ", "bold red"), one_line), soft_wrap=True, highlight=False)
    sys.exit(code)


if __name__ == "__main__":
    main()
