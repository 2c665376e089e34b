"""Imports every model module, so ``Base.metadata`` knows every table (Alembic, tests)."""

from __future__ import annotations

from models import (
    activity,  # noqa: F401
    digest,  # noqa: F401
    directory,  # noqa: F401
    intros,  # noqa: F401
    members,  # noqa: F401
    privacy,  # noqa: F401
    signals,  # noqa: F401
    slack,  # noqa: F401
)
