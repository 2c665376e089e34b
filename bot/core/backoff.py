"""The one back-off rule for every retry in the app (digest ledger, Teams proactive sends): exponential with
"equal jitter", and ``Retry-After`` read the same way wherever a platform sends it.

Equal jitter waits between half and all of ``base * 2**(attempt-1)`` (capped): never less than half, so a
retry storm thins out, and random in the upper half, so retries of many recipients do not line up.
"""

from __future__ import annotations

import random


def backoff_seconds(attempt: int, rng: random.Random, *, base: float, cap: float) -> float:
    """The wait before retry number ``attempt`` (1 = the first retry)."""
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return ceiling / 2 + rng.random() * ceiling / 2


def retry_after_seconds(raw: object) -> float | None:
    """A ``Retry-After`` header in seconds (``"30"``, ``"1.5"``); None when absent, negative or a date."""
    if raw is None:
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        return None
    return value if value >= 0 else None
