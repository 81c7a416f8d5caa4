"""Decision methods (评价方式): how an event is decided, chosen per event from one registry.

What lives here: the registry (``METHODS``, ``register``, ``method_of``) and the base class
(``contest.methods.base.Method``); one module per method — ``rubric`` (judges' marks on criteria),
``bracket`` (head-to-head matches), ``indicators`` (a 安康杯/立功竞赛 indicator sheet scored by inspectors) and
``period_total`` (a 立功竞赛's cumulative ranking over its period events) — each a thin adapter over its services
(``services.judging``, ``services.brackets``, ``services.indicator_sheets``, ``services.periods``); ``builtin``
registers the methods that ship with the app; ``views`` holds the two generic pages (a method's set-up and its
judges' entry page) for methods without pages of their own.

Each method supplies its set-up form, its judges' entry page, its API shape, its completeness check, its
sign-off condition and its ranking input (``domain.ranking.RankingInput``) to ``services.results``. The rest of
the app asks the event (``event.method``) and never which method it holds.

Imports: this module (the registry) and ``base`` import nothing but the domain (the models for type hints only);
the method modules import services, never the api or a blueprint's views. Imported by: the models
(``Event.method``) and services import the registry and ``base``; the method modules are imported only by
``builtin`` (and tests registering their own method).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from contest.methods.base import Method, Progress

__all__ = ["METHODS", "Method", "Progress", "choices", "method_for_choice", "method_named", "method_of", "register",
           "registered", "unregister"]

#: Every decision method by name (the value stored in ``events.method``), in registration order.
METHODS: dict[str, Method] = {}

#: The method of an event that names none and that no method claims (events from before the registry).
DEFAULT = "rubric"


def register(method: Method) -> Method:
    """Add a decision method to the registry (refused when its name or one of its choices is taken)."""
    if method.name in METHODS:
        raise ValueError(f"decision method {method.name!r} is already registered")
    taken = {value for m in METHODS.values() for value, _ in m.choices()}
    clash = taken & {value for value, _ in method.choices()}
    if clash:
        raise ValueError(f"decision method {method.name!r} offers choices already taken: {sorted(clash)}")
    METHODS[method.name] = method
    return method


def unregister(name: str) -> None:
    METHODS.pop(name, None)


@contextmanager
def registered(method: Method) -> Iterator[Method]:
    """``register`` for the duration of a block (tests)."""
    register(method)
    try:
        yield method
    finally:
        unregister(method.name)


def method_named(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise LookupError(f"no decision method {name!r} is registered") from None


def method_of(event) -> Method:
    """The method of ``event``: the one it names; else the first that claims it from its older columns
    (``Method.claims``: a bracket format means ``bracket``); else ``rubric``."""
    if event.method_name:
        return method_named(event.method_name)
    for method in METHODS.values():
        if method.claims(event):
            return method
    return method_named(DEFAULT)


def choices() -> list[tuple[str, str]]:
    """The event form's "decided by" list: every method's choices, in registration order."""
    return [choice for method in METHODS.values() for choice in method.choices()]


def method_for_choice(value: str | None) -> Method | None:
    """The method offering ``value`` in the "decided by" list (``""``/``None``: the default), or None."""
    value = value or ""
    for method in METHODS.values():
        if any(value == v for v, _ in method.choices()):
            return method
    return None
