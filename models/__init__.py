"""Database models (SQLAlchemy 2.0), migrations and repositories. Never imports ``bot`` or ``matching``."""
