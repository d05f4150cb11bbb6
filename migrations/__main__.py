"""``python -m khaosat.migrations --url URL COMMAND ...``: alembic's command line on khaosat's revisions.

For whoever changes models.py: ``upgrade head`` on a scratch database, then ``revision
--autogenerate --rev-id NNNN -m "..."`` writes the next revision; ``check`` says whether
models.py and the revisions agree.
"""

from __future__ import annotations

from alembic.config import CommandLine

from ..models import make_engine
from .run import alembic_config


def main(argv: list[str] | None = None) -> None:
    cli = CommandLine(prog="python -m khaosat.migrations")
    cli.parser.add_argument("--url", required=True, help="the database, as database.url in config.toml")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    engine = make_engine(options.url)
    try:
        with engine.begin() as connection:
            cli.run_cmd(alembic_config(connection), options)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
