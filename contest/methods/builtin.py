"""The decision methods that ship with the app, registered in one place (in this order: the event form
lists their choices in it, and ``rubric`` is the default)."""

from __future__ import annotations

from contest.methods import METHODS, register
from contest.methods.bracket import BRACKET
from contest.methods.indicators import INDICATORS
from contest.methods.period_total import PERIOD_TOTAL
from contest.methods.rubric import RUBRIC

BUILTIN = (RUBRIC, BRACKET, INDICATORS, PERIOD_TOTAL)

for _method in BUILTIN:
    if _method.name not in METHODS:
        register(_method)
