"""Pure domain rules: no Flask, no SQLAlchemy. Plain functions and frozen dataclasses."""
