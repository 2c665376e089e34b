"""Autogenerate an Alembic migration: ``python scripts/new_migration.py REV_ID "message" [--parent REV]``.

Each feature area keeps its own branch off ``0001_directory`` (``--parent``), and ``migrate`` upgrades to
every head, so parallel work never fights over one linear chain.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402

from models.db import alembic_config, make_engine, migrate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rev_id")
    parser.add_argument("message")
    parser.add_argument("--parent", default=None, help="revision to branch from (default: current heads)")
    args = parser.parse_args()
    engine = make_engine("sqlite://")
    migrate(engine)  # the schema as the existing migrations leave it
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        current = MigrationContext.configure(conn).get_current_heads()
        head = args.parent or (current[0] if len(current) == 1 else None)
        command.revision(
            cfg,
            message=args.message,
            autogenerate=True,
            rev_id=args.rev_id,
            head=head or "heads",
            splice=bool(args.parent),
        )


if __name__ == "__main__":
    main()
