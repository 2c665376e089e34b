"""Errors the core raises on purpose. Adapters show ``UserFacingError`` text to the member as is."""

from __future__ import annotations


class UserFacingError(Exception):
    """Something the member can fix or should know about; its message is safe to show in chat.

    Anything else that escapes the core is a bug: adapters log it and show a fixed apology instead.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
