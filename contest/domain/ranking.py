"""Ranking: standard competition ranking on the event total with ordered tie-breakers.

The rule (:func:`rank_entries`)
-------------------------------
1. Entries are ordered by their event total, higher first (totals are compared exactly as given,
   i.e. the rounded totals from :mod:`contest.domain.scoring`, so entries showing the same total tie).
2. Entries with equal totals are ordered by the event's tie-breakers, in the configured order; the
   first tie-breaker on which two entries differ decides between them. Each tie-breaker extracts a
   value (a component total, a criterion value, a completion time, ...) and says whether higher or
   lower is better.
3. Missing values: an entry for which a tie-breaker has no value (``None``; e.g. no completion time
   recorded) is placed after every entry, still tied with it, that has a value for that tie-breaker.
   Two entries that both lack the value stay tied on that tie-breaker and go on to the next one.
4. Entries equal on the total and on every tie-breaker share a rank. Ranks follow standard competition
   ranking ("1224"): an entry's rank is 1 + the number of entries strictly better than it, so a group
   of k tied entries at rank r is followed by rank r + k.
5. Within a tie group the input order is kept (callers usually pass entries by competitor number).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from contest.domain.errors import N_, DomainError

__all__ = [
    "TIE_BREAKERS",
    "Contender",
    "RankedEntry",
    "RankingInput",
    "TieBreaker",
    "higher_component",
    "higher_criterion",
    "rank_entries",
    "shorter_completion_time",
    "sort_key",
    "tie_breakers_from_spec",
]

TieValue = Decimal | int | None


@dataclass(frozen=True, slots=True)
class Contender:
    """What ranking needs to know about one entry.

    ``completion_time`` is a duration in seconds (Decimal or int), ``None`` when not recorded.
    ``attributes`` carries any other tie-break value (e.g. a penalty count) for custom tie-breakers.
    """

    entry_id: Hashable
    total: Decimal
    component_totals: Mapping[Hashable, Decimal] = field(default_factory=dict)
    criterion_values: Mapping[Hashable, Decimal] = field(default_factory=dict)
    completion_time: Decimal | int | None = None
    attributes: Mapping[str, TieValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TieBreaker:
    """One tie-breaker: ``key`` extracts a value (``None`` = missing), ``higher_is_better`` says the
    direction, ``name`` is shown to users (e.g. "practical score")."""

    name: str
    key: Callable[[Contender], TieValue]
    higher_is_better: bool = True


def higher_component(component_id: Hashable, name: str | None = None) -> TieBreaker:
    """Tie-breaker: the higher total on component ``component_id`` wins (missing = no value)."""
    return TieBreaker(
        name or str(component_id), lambda c: c.component_totals.get(component_id), True
    )


def higher_criterion(criterion_id: Hashable, name: str | None = None) -> TieBreaker:
    """Tie-breaker: the higher value on criterion ``criterion_id`` wins (missing = no value)."""
    return TieBreaker(
        name or str(criterion_id), lambda c: c.criterion_values.get(criterion_id), True
    )


def shorter_completion_time(_: object = None, name: str | None = None) -> TieBreaker:
    """Tie-breaker: the shorter completion time wins; an entry without a time ranks after those with
    one."""
    return TieBreaker(name or "completion time", lambda c: c.completion_time, False)


def attribute_value(
    attribute: Hashable, name: str | None = None, higher_is_better: bool = True
) -> TieBreaker:
    """Tie-breaker on ``Contender.attributes[attribute]`` in the given direction."""
    return TieBreaker(
        name or str(attribute), lambda c: c.attributes.get(attribute), higher_is_better
    )


#: Tie-breaker factories by name, as stored in an event's configuration: (name, parameter).
TIE_BREAKERS: dict[str, Callable[..., TieBreaker]] = {
    "higher_component": higher_component,
    "higher_criterion": higher_criterion,
    "shorter_completion_time": shorter_completion_time,
    "higher_attribute": lambda attribute, name=None: attribute_value(attribute, name, True),
    "lower_attribute": lambda attribute, name=None: attribute_value(attribute, name, False),
}


def tie_breakers_from_spec(
    spec: Iterable[tuple[str, Hashable] | tuple[str, Hashable, str]],
) -> tuple[TieBreaker, ...]:
    """Build tie-breakers from stored configuration, e.g.
    ``[("higher_component", "practical", "实操成绩"), ("shorter_completion_time", None)]``."""
    result = []
    for item in spec:
        kind, parameter, *rest = item
        factory = TIE_BREAKERS.get(kind)
        if factory is None:
            raise DomainError(N_("Unknown tie-breaker %(kind)s."), kind=kind)
        result.append(factory(parameter, rest[0] if rest else None))
    return tuple(result)


@dataclass(frozen=True, slots=True)
class RankedEntry:
    """One entry's place. ``tie_size`` is the number of entries sharing ``rank`` (1 = untied).
    ``decided_by`` names what separated this entry from the one ranked just above it: ``"total"``,
    a tie-breaker's name, or ``None`` (first place, or tied with the entry above)."""

    entry_id: Hashable
    rank: int
    total: Decimal
    tie_size: int
    decided_by: str | None
    contender: Contender


def sort_key(contender: Contender, tie_breakers: Sequence[TieBreaker]) -> tuple:
    """The full lexicographic key of the rule (smaller is better): ``(-total, k1, k2, ...)`` with
    ``k = (0, -v)`` for a present higher-is-better value, ``(0, v)`` for lower-is-better and
    ``(1, 0)`` for a missing value."""
    parts: list[object] = [-contender.total]
    for breaker in tie_breakers:
        value = breaker.key(contender)
        if value is None:
            parts.append((1, 0))
        else:
            parts.append((0, -value if breaker.higher_is_better else value))
    return tuple(parts)


def rank_entries(
    contenders: Iterable[Contender], tie_breakers: Sequence[TieBreaker] = ()
) -> tuple[RankedEntry, ...]:
    """Rank entries by the rule in the module docstring; returns them in rank order.

    Raises DomainError when an entry appears twice.
    """
    items = list(contenders)
    seen: set[Hashable] = set()
    for contender in items:
        if contender.entry_id in seen:
            raise DomainError(N_("Entry %(entry)s is ranked twice."), entry=contender.entry_id)
        seen.add(contender.entry_id)
    keyed = sorted(
        ((sort_key(c, tie_breakers), c) for c in items), key=lambda pair: pair[0]
    )  # stable: ties keep the input order

    ranks: list[int] = []
    decided: list[str | None] = []
    for position, (key, _) in enumerate(keyed):
        if position == 0:
            ranks.append(1)
            decided.append(None)
            continue
        previous = keyed[position - 1][0]
        if key == previous:
            ranks.append(ranks[-1])
            decided.append(None)
            continue
        ranks.append(position + 1)
        if key[0] != previous[0]:
            decided.append("total")
        else:
            index = next(i for i in range(1, len(key)) if key[i] != previous[i])
            decided.append(tie_breakers[index - 1].name)

    sizes: dict[int, int] = {}
    for rank in ranks:
        sizes[rank] = sizes.get(rank, 0) + 1
    return tuple(
        RankedEntry(c.entry_id, rank, c.total, sizes[rank], why, c)
        for (_, c), rank, why in zip(keyed, ranks, decided, strict=True)
    )


@dataclass(frozen=True, slots=True)
class RankingInput:
    """What a decision method hands to the results: its entries in rank order (``RankedEntry``, ranks by
    :func:`rank_entries` or by the method's own rule, e.g. a bracket's placements), the total shown with each
    entry in hundredths (``shown_x100``; ``None``: the ranked total itself), and whether the ranked totals
    are marks (``marks``: an award scheme's minimum score applies only to marks, never to places or points),
    and the entries ``excluded`` from every award whatever their total, with the reason (an indicator sheet's
    一票否决): they keep their rank and total (``domain.awards.assign_awards``)."""

    ranked: tuple[RankedEntry, ...]
    shown_x100: Mapping[Hashable, int] | None = None
    marks: bool = True
    excluded: Mapping[Hashable, str] = field(default_factory=dict)
