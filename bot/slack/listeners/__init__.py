"""Listener groups: every module here that has ``register(app)`` is registered (a new flow adds a module).

Modules register in name order; Bolt runs the first listener whose matcher fits, so keep matchers specific
(an action id, a callback id) rather than catch-alls.
"""

from __future__ import annotations

import importlib
import pkgutil

from slack_bolt import App


def register_all(app: App) -> list[str]:
    """Register every listener module; returns their names (for the startup log)."""
    names = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)
            names.append(info.name)
    return names
