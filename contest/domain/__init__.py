"""Pure domain rules: no Flask, no SQLAlchemy. Plain functions and frozen dataclasses.

Imports: nothing from ``contest`` but ``contest.domain`` itself (and the standard library). Imported by: every other
layer.
"""
