"""Operators' migration command: `python -m db upgrade [REV]`, `downgrade REV`, `current`."""

import argparse
import os
import sys

from alembic import command
from dotenv import load_dotenv

from bot.config import DEFAULT_DATABASE_URL
from db.engine import create_db_engine
from db.migrate import alembic_config, downgrade, upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    up = sub.add_parser("upgrade", help="migrate to REV (default: the latest)")
    up.add_argument("revision", nargs="?", default="head")
    down = sub.add_parser("downgrade", help="migrate back to REV (base: an empty database)")
    down.add_argument("revision")
    sub.add_parser("current", help="show the revision the database is at")
    args = parser.parse_args(argv)

    load_dotenv()
    engine = create_db_engine(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    try:
        if args.action == "upgrade":
            upgrade(engine, args.revision)
        elif args.action == "downgrade":
            downgrade(engine, args.revision)
        else:
            with engine.connect() as connection:
                config = alembic_config(engine)
                config.attributes["connection"] = connection
                command.current(config, verbose=True)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
