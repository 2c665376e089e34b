"""Imports every model module, so ``Base.metadata`` knows every table (Alembic, tests)."""

from __future__ import annotations

from models import directory  # noqa: F401
from models import slack  # noqa: F401
from models import activity  # noqa: F401
from models import digest  # noqa: F401
from models import intros  # noqa: F401
from models import privacy  # noqa: F401
