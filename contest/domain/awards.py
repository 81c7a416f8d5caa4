"""Awards: award tiers (一等奖, 二等奖, 三等奖 ...) and honorary titles from a ranking.

Places per tier
---------------
``N`` is the number of ranked entrants (every entry in the ranking, including those below the
minimum score). Each tier has either a fixed ``count`` of places or a ``percent`` of ``N`` (its share,
``percent x N / 100``, an exact rational number). Tiers are consecutive slices in order: with 10/20/30 %
the first 10 % of places are 一等奖, the next 20 % 二等奖, the next 30 % 三等奖. The cut-off of tier k is
the cumulative number of places ``C_k`` of tiers 1..k (capped at N); position p (1-based, in rank order)
lies inside tier k's slice when ``C_(k-1) < p <= C_k``. How ``C_k`` is rounded is the scheme's
``rounding`` (:data:`ROUNDING_RULES`):

* ``cumulative`` (default; "round the running total", the cumulative-rounding method used to apportion
  integers so that rounded parts add up to the rounded whole — contest rules state award shares as a cap,
  e.g. 一、二、三等奖 10 %/20 %/30 %, 获奖总数不超过 60 %): ``C_k`` is the cumulative share of tiers 1..k
  rounded half-up, and each tier's places are the differences ``C_k - C_(k-1)``. The total number of award
  places is therefore the scheme's total share rounded half-up — never more (N = 5 with 10/20/30 % gives
  1/1/1, not 1/1/2).
  **Small-field rule** (only in this mode): when the total ``T = C_last`` is too small for rounding to
  give the first tiers a place, places go to the higher tiers first: ``C_k`` is raised to
  ``min(j_k, T)``, where ``j_k`` is the number of tiers among 1..k with a non-zero share. The total stays
  ``T``; a winner is never given only a lower tier while a higher tier stays empty. With 10/20/30 %:
  N = 2 gives 1/0/0 (the winner receives 一等奖, T = round(1.2) = 1), N = 3 gives 1/1/0, N = 4 gives 1/1/0,
  N = 5 gives 1/1/1.
* ``half_up``, ``floor``, ``ceil``: the older per-tier methods, each tier's share rounded separately
  (``C_k`` is the sum of the rounded quotas). These can award more than the total share (N = 5 with
  10/20/30 % and ``half_up`` gives 1/1/2 = 80 %); they are kept for events configured with them.

Ties at a tier boundary (:data:`BOUNDARY_POLICIES`)
---------------------------------------------------
A tie group (entries sharing a rank r, k of them) occupies positions r .. r+k-1. It *straddles* the
boundary of tier k when ``r <= C_k < r+k-1``. Tied entries always receive the same tier.

* ``tied_take_higher`` (default): tiers are filled in order; tier k receives every not-yet-awarded
  tie group whose first position r satisfies ``r <= C_k``. A straddling group therefore receives
  tier k in full, and the following tiers lose the extra places it took: the cut-offs ``C_k`` stay
  fixed, so tier k+1 gets only the positions up to ``C_(k+1)`` that remain. The total number of award
  places can exceed ``C_last`` only by a group straddling the last boundary (k-1 extra places at most).
* ``tied_take_lower``: tier k receives every not-yet-awarded tie group whose last position satisfies
  ``r+k-1 <= C_k``. A straddling group falls to the next tier (and again at that tier's boundary);
  at the last boundary the lower tier is "no award". Award places never exceed any ``C_k``.

Minimum score
-------------
With ``min_score`` set, an entry whose total is below it (``total < min_score``) receives no award.
The places such entries would have taken are left unused: they do not cascade to lower-ranked entries
(who, ranking being by total first, are below the minimum as well) and quotas are still computed on
all N entrants.

Award places handed down (名额下达)
---------------------------------
The host may give each child unit (each county of a city contest) a number of places per tier
(``places_by_group``: group → tier name → places; each entry belongs to one group, ``group_of``). When any
places are given, :func:`assign_awards_by_group` replaces the rules above (percentages, rounding and the tie
policy then only describe the scheme; a count tier's count bounds what the host may hand down,
:func:`check_award_places`). Exactly:

* Each group is awarded on its own, tiers in order. An entry is *eligible* when it is not excluded and its
  total is not below ``min_score``; ineligible entries never take a place (their places pass to the next
  eligible entries of the group).
* Within a group the eligible entries are taken in rank order in tie groups (entries of the group sharing a
  rank). Tier k gives the next tie groups its tier while the whole tie group fits in the group's places left
  for tier k; a tie group that does not fit receives none of tier k (the places left stay unused: a
  lower-ranked entry never receives a higher tier than an entry ranked above it in its group), and is
  considered for tier k+1 with that tier's places.
* So a group never receives more of a tier than its places, and tied entries of a group receive the same tier.
  A group with no places for a tier, and an entry without a group, receive none of it.
* Notes: a tie that does not fit (``group_tie``), a group with fewer eligible entries than places
  (``group_short``), entries of units given no places (``no_places``).

Honorary titles
---------------
Titles stack on awards. A :class:`TitleRule` is a name and a predicate over a :class:`TitleContext`
(rank, total, awarded tier, caller-supplied attributes such as ``age``). Predicates compose
(:func:`all_of`); :data:`TITLE_PREDICATES` lists the building blocks. Conveniences:
:func:`top_ranks_title` (e.g. 技术能手 for ranks <= N, so every entry tied at rank N is included) and
:func:`youth_title` (e.g. 青年岗位能手 for award winners aged <= 35 at the contest date; the caller
computes the age from the resident ID and passes it as the ``age`` attribute).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from contest.domain.errors import N_, DomainError
from contest.domain.ranking import RankedEntry

__all__ = [
    "BOUNDARY_POLICIES",
    "ROUNDINGS",
    "ROUNDING_RULES",
    "TITLE_PREDICATES",
    "AwardOutcome",
    "AwardResult",
    "AwardScheme",
    "Note",
    "Tier",
    "TitleContext",
    "TitleRule",
    "all_of",
    "assign_awards",
    "assign_awards_by_group",
    "check_award_places",
    "attribute_at_most",
    "attribute_equals",
    "has_award",
    "rank_at_most",
    "tier_quotas",
    "tier_in",
    "top_ranks_title",
    "youth_title",
]

#: Per-tier rounding of percent quotas, by name.
ROUNDINGS: dict[str, str] = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}
CUMULATIVE = "cumulative"
#: Every rounding rule a scheme may name (see the module docstring); ``cumulative`` is the default.
ROUNDING_RULES: tuple[str, ...] = (CUMULATIVE, *ROUNDINGS)

BoundaryPolicy = Callable[[int, int, int], bool]
"""``policy(first_position, last_position, cut_off)``: does this tie group belong inside the cut-off?"""

#: Boundary policies by name (see the module docstring).
BOUNDARY_POLICIES: dict[str, BoundaryPolicy] = {
    "tied_take_higher": lambda first, last, cut: first <= cut,
    "tied_take_lower": lambda first, last, cut: last <= cut,
}


@dataclass(frozen=True, slots=True)
class Tier:
    """An award tier: exactly one of ``percent`` (0-100, Decimal or int) or ``count`` (>= 0)."""

    name: str
    percent: Decimal | int | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class TitleContext:
    """What a title predicate may look at for one entry."""

    entry_id: Hashable
    rank: int
    total: Decimal
    tier: str | None
    attributes: Mapping[str, object]


TitlePredicate = Callable[[TitleContext], bool]


@dataclass(frozen=True, slots=True)
class TitleRule:
    """An honorary title given to every entry for which ``predicate`` holds."""

    name: str
    predicate: TitlePredicate


def rank_at_most(n: int) -> TitlePredicate:
    """Rank <= n (competition ranks: every entry tied at rank n is included)."""
    return lambda ctx: ctx.rank <= n


def has_award() -> TitlePredicate:
    """The entry received an award tier (after the minimum-score rule)."""
    return lambda ctx: ctx.tier is not None


def tier_in(*names: str) -> TitlePredicate:
    """The entry received one of the named tiers."""
    wanted = frozenset(names)
    return lambda ctx: ctx.tier in wanted


def attribute_at_most(attribute: str, limit: object) -> TitlePredicate:
    """``attributes[attribute] <= limit``; false when the attribute is missing or ``None``."""
    def predicate(ctx: TitleContext) -> bool:
        value = ctx.attributes.get(attribute)
        return value is not None and value <= limit  # type: ignore[operator]
    return predicate


def attribute_at_least(attribute: str, limit: object) -> TitlePredicate:
    """``attributes[attribute] >= limit``; false when the attribute is missing or ``None``."""
    def predicate(ctx: TitleContext) -> bool:
        value = ctx.attributes.get(attribute)
        return value is not None and value >= limit  # type: ignore[operator]
    return predicate


def attribute_equals(attribute: str, expected: object) -> TitlePredicate:
    """``attributes[attribute] == expected``; false when missing."""
    return lambda ctx: attribute in ctx.attributes and ctx.attributes[attribute] == expected


def all_of(*predicates: TitlePredicate) -> TitlePredicate:
    """All predicates hold."""
    return lambda ctx: all(p(ctx) for p in predicates)


#: Title predicate factories by name, for stored configuration.
TITLE_PREDICATES: dict[str, Callable[..., TitlePredicate]] = {
    "rank_at_most": rank_at_most,
    "has_award": has_award,
    "tier_in": tier_in,
    "attribute_at_most": attribute_at_most,
    "attribute_at_least": attribute_at_least,
    "attribute_equals": attribute_equals,
}


def top_ranks_title(name: str, n: int, requires_award: bool = True) -> TitleRule:
    """Title for ranks 1..n, ties at rank n included; by default only for award winners."""
    if requires_award:
        return TitleRule(name, all_of(rank_at_most(n), has_award()))
    return TitleRule(name, rank_at_most(n))


def youth_title(name: str = "青年岗位能手", max_age: int = 35) -> TitleRule:
    """Title for award winners whose ``age`` attribute (age at the contest date) is <= max_age."""
    return TitleRule(name, all_of(has_award(), attribute_at_most("age", max_age)))


@dataclass(frozen=True)
class AwardScheme:
    """An event's award configuration; validated on construction (raises DomainError)."""

    tiers: tuple[Tier, ...]
    rounding: str = CUMULATIVE
    boundary_policy: str = "tied_take_higher"
    min_score: Decimal | None = None
    titles: tuple[TitleRule, ...] = ()

    def __post_init__(self) -> None:
        names = [t.name for t in self.tiers]
        if len(set(names)) != len(names):
            raise DomainError(N_("Award tier names must be unique."))
        percent_sum = Decimal(0)
        for tier in self.tiers:
            if (tier.percent is None) == (tier.count is None):
                raise DomainError(
                    N_("Award tier %(tier)s needs either a percentage or a count."), tier=tier.name
                )
            if tier.percent is not None:
                if not isinstance(tier.percent, Decimal | int) or not 0 <= tier.percent <= 100:
                    raise DomainError(
                        N_("The percentage of %(tier)s must be between 0 and 100."), tier=tier.name
                    )
                percent_sum += tier.percent
            elif isinstance(tier.count, bool) or not isinstance(tier.count, int) or tier.count < 0:
                raise DomainError(
                    N_("The count of %(tier)s must be a whole number of at least 0."),
                    tier=tier.name,
                )
        if percent_sum > 100:
            raise DomainError(N_("Award percentages add up to more than 100."))
        if self.rounding not in ROUNDING_RULES:
            raise DomainError(N_("Unknown rounding rule %(rule)s."), rule=self.rounding)
        if self.boundary_policy not in BOUNDARY_POLICIES:
            raise DomainError(N_("Unknown tie policy %(policy)s."), policy=self.boundary_policy)


@dataclass(frozen=True, slots=True)
class AwardOutcome:
    """One entry's award tier (or ``None``) and honorary titles."""

    entry_id: Hashable
    rank: int
    total: Decimal
    tier: str | None
    titles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    """An explanation for the UI: an English msgid with %(name)s placeholders and its params.

    Codes: ``boundary_tie`` (a tie group straddles a tier boundary), ``below_min_score``, ``small_field``
    (the small-field rule moved places to higher tiers).
    """

    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params


@dataclass(frozen=True)
class AwardResult:
    """Outcomes in rank order, the computed quota and the awarded count per tier, and notes."""

    outcomes: tuple[AwardOutcome, ...]
    quotas: Mapping[str, int]
    counts: Mapping[str, int]
    notes: tuple[Note, ...]

    def by_entry(self) -> dict[Hashable, AwardOutcome]:
        return {o.entry_id: o for o in self.outcomes}


def tier_quotas(scheme: AwardScheme, entrants: int) -> dict[str, int]:
    """Places per tier for ``entrants`` ranked entrants (before ties and the minimum score)."""
    return {tier.name: quota for tier, quota in zip(scheme.tiers, _quotas(scheme, entrants)[0], strict=True)}


def _quotas(scheme: AwardScheme, entrants: int) -> tuple[list[int], bool]:
    """The quotas in tier order, and whether the small-field rule changed them (cumulative mode only)."""
    shares = [
        Fraction(tier.count) if tier.count is not None else Fraction(Decimal(tier.percent)) * entrants / 100
        for tier in scheme.tiers
    ]
    if scheme.rounding != CUMULATIVE:
        mode = ROUNDINGS[scheme.rounding]
        return [
            tier.count if tier.count is not None
            else int((Decimal(tier.percent) * entrants / 100).to_integral_value(rounding=mode))
            for tier in scheme.tiers
        ], False
    cuts: list[int] = []
    running = Fraction(0)
    for share in shares:
        running += share
        cuts.append(min(entrants, math.floor(running + Fraction(1, 2))))
    total = cuts[-1] if cuts else 0
    raised, with_share = [], 0
    for share, cut in zip(shares, cuts, strict=True):
        with_share += share > 0
        raised.append(max(cut, min(with_share, total)))
    quotas = [b - a for a, b in zip([0, *raised], raised, strict=False)]
    return quotas, raised != cuts


def assign_awards(
    ranking: Sequence[RankedEntry],
    scheme: AwardScheme,
    attributes: Mapping[Hashable, Mapping[str, object]] | None = None,
    excluded: Mapping[Hashable, str] | None = None,
    places_by_group: Mapping[Hashable, Mapping[str, int]] | None = None,
    group_of: Mapping[Hashable, Hashable] | None = None,
    group_names: Mapping[Hashable, str] | None = None,
) -> AwardResult:
    """Give each ranked entry its award tier and titles by the rules in the module docstring.

    ``ranking`` is the output of :func:`contest.domain.ranking.rank_entries` (any order; it is
    sorted by rank). ``attributes`` maps entry ids to data for title predicates (e.g. ``{"age": 29}``).
    Raises DomainError when the ranks are not standard competition ranks ordered by total.

    ``excluded`` (entry id → reason; e.g. a unit vetoed under 一票否决): an excluded entry receives no award
    tier and no title whatever its total; it keeps its rank and total in the outcomes. The awards are assigned,
    by the same rules, to the other entries as if the excluded ones were not ranked (ranks counted among the
    eligible entries only): so a place an excluded entry would have taken goes to the next eligible entry,
    quotas by proportion count the eligible entries, and a minimum score still applies.

    With award places handed down (``places_by_group`` not empty) the tiers are given per group by
    :func:`assign_awards_by_group` (excluded entries pass their place on within their group); without, nothing
    changes.
    """
    excluded = excluded or {}
    entries = sorted(ranking, key=lambda r: r.rank)
    if places_by_group:
        result = assign_awards_by_group(entries, scheme, places_by_group, group_of or {}, attributes,
                                        excluded=excluded.keys(), group_names=group_names)
        return _with_excluded_note(result, entries, excluded)
    if not any(r.entry_id in excluded for r in entries):
        return _assign(entries, scheme, attributes or {})
    eligible = [r for r in entries if r.entry_id not in excluded]
    sizes = Counter(r.rank for r in eligible)
    reranked, original = [], {}
    for position, entry in enumerate(eligible):
        rank = reranked[-1].rank if position and entry.rank == eligible[position - 1].rank else position + 1
        reranked.append(replace(entry, rank=rank, tie_size=sizes[entry.rank]))
        original[entry.entry_id] = entry.rank
    result = _assign(reranked, scheme, attributes or {})
    given = {o.entry_id: replace(o, rank=original[o.entry_id]) for o in result.outcomes}
    outcomes = tuple(given.get(r.entry_id) or AwardOutcome(r.entry_id, r.rank, r.total, None, ()) for r in entries)
    return _with_excluded_note(AwardResult(outcomes, result.quotas, result.counts, result.notes), entries, excluded)


def _assign(entries: list[RankedEntry], scheme: AwardScheme, attributes: Mapping[Hashable, Mapping[str, object]]) -> AwardResult:
    """The tiers by the scheme's quotas over ``entries`` (sorted by rank), every entry eligible."""
    groups = _tie_groups(entries)
    n = len(entries)
    quota_list, small_field = _quotas(scheme, n)
    quotas = {tier.name: q for tier, q in zip(scheme.tiers, quota_list, strict=True)}
    policy = BOUNDARY_POLICIES[scheme.boundary_policy]

    # Fill tiers in order against fixed cumulative cut-offs C_k.
    tier_of_group: list[int | None] = [None] * len(groups)
    straddles: dict[int, tuple[int, int]] = {}  # group index -> (first tier boundary it straddles, C_k)
    cut = 0
    g = 0
    for k, tier in enumerate(scheme.tiers):
        cut = min(n, cut + quotas[tier.name])
        while g < len(groups) and policy(groups[g][0], groups[g][1], cut):
            tier_of_group[g] = k
            g += 1
        for index in (g - 1, g):  # only these two groups can straddle C_k
            if 0 <= index < len(groups) and index not in straddles:
                first, last, _ = groups[index]
                if first <= cut < last:
                    straddles[index] = (k, cut)

    notes = [
        _boundary_note(scheme, groups[index], k, tier_of_group[index], cut)
        for index, (k, cut) in straddles.items()
    ]

    if small_field:
        notes.append(Note(
            "small_field",
            N_("With %(count)d entrants the award places (%(total)d) go to the higher awards first: %(quotas)s."),
            {"count": n, "total": sum(quota_list),
             "quotas": "、".join(f"{t.name} {q}" for t, q in zip(scheme.tiers, quota_list, strict=True))},
        ))

    below: list[RankedEntry] = []
    outcomes: list[AwardOutcome] = []
    for (_, _, members), k in zip(groups, tier_of_group, strict=True):
        for entry in members:
            tier_name = None if k is None else scheme.tiers[k].name
            if tier_name is not None and scheme.min_score is not None and entry.total < scheme.min_score:
                tier_name = None
                below.append(entry)
            context = TitleContext(
                entry.entry_id, entry.rank, entry.total, tier_name, attributes.get(entry.entry_id, {})
            )
            titles = tuple(rule.name for rule in scheme.titles if rule.predicate(context))
            outcomes.append(AwardOutcome(entry.entry_id, entry.rank, entry.total, tier_name, titles))
    if below:
        notes.append(Note(
            "below_min_score",
            N_("Entries within the award places but below the minimum score of %(min)s receive "
               "no award (%(count)d entries); their places are not passed on."),
            {"count": len(below), "min": scheme.min_score},
        ))

    counts = {tier.name: 0 for tier in scheme.tiers}
    for outcome in outcomes:
        if outcome.tier is not None:
            counts[outcome.tier] += 1
    return AwardResult(tuple(outcomes), quotas, counts, tuple(notes))


def _with_excluded_note(result: AwardResult, entries: Sequence[RankedEntry], excluded: Mapping[Hashable, str]) -> AwardResult:
    """``result`` with the note naming how many entries were excluded and why (unchanged when none was)."""
    out = [r for r in entries if r.entry_id in excluded]
    if not out:
        return result
    note = Note("excluded", N_("%(count)d entries receive no award whatever their total (%(reasons)s)."),
                {"count": len(out), "reasons": "；".join(dict.fromkeys(excluded[r.entry_id] for r in out))})
    return AwardResult(result.outcomes, result.quotas, result.counts, (*result.notes, note))


def _tie_groups(entries: list[RankedEntry]) -> list[tuple[int, int, list[RankedEntry]]]:
    """Group sorted entries by rank into (first position, last position, members); check the ranks."""
    groups: list[tuple[int, int, list[RankedEntry]]] = []
    for position, entry in enumerate(entries, start=1):
        if groups and entry.rank == groups[-1][2][0].rank:
            first, _, members = groups[-1]
            if entry.total != members[0].total:
                raise DomainError(N_("Tied entries must have the same total."))
            members.append(entry)
            groups[-1] = (first, position, members)
            continue
        if entry.rank != position:
            raise DomainError(N_("Ranks must be standard competition ranks (1, 2, 2, 4 ...)."))
        if groups and entry.total > groups[-1][2][0].total:
            raise DomainError(N_("A lower rank cannot have a higher total."))
        groups.append((position, position, [entry]))
    return groups


def _boundary_note(
    scheme: AwardScheme,
    group: tuple[int, int, list[RankedEntry]],
    k: int,
    awarded: int | None,
    cut: int,
) -> Note:
    first, last, members = group
    params: dict[str, object] = {
        "count": len(members),
        "rank": first,
        "tier": scheme.tiers[k].name,
        "places": cut - first + 1,
    }
    if awarded is None:
        return Note(
            "boundary_tie",
            N_("%(count)d entries tied at rank %(rank)d at the %(tier)s boundary "
               "(places left: %(places)d): none receives an award."),
            params,
        )
    params["award"] = scheme.tiers[awarded].name
    params["over"] = last - cut
    if awarded == k and k == len(scheme.tiers) - 1:
        return Note(
            "boundary_tie",
            N_("%(count)d entries tied at rank %(rank)d at the %(tier)s boundary "
               "(places left: %(places)d): all receive %(award)s (%(over)d above the quota)."),
            params,
        )
    if awarded == k:
        return Note(
            "boundary_tie",
            N_("%(count)d entries tied at rank %(rank)d at the %(tier)s boundary "
               "(places left: %(places)d): all receive %(award)s; places for the following "
               "tiers reduced by %(over)d."),
            params,
        )
    return Note(
        "boundary_tie",
        N_("%(count)d entries tied at rank %(rank)d at the %(tier)s boundary "
           "(places left: %(places)d): all receive %(award)s."),
        params,
    )


def check_award_places(scheme: AwardScheme, places_by_group: Mapping[Hashable, Mapping[str, int]]) -> None:
    """Places handed down must name the scheme's tiers, be whole numbers of at least 0, and, for a tier
    given by count, add up to no more than its count (a tier by percentage has no fixed total)."""
    tiers = {tier.name: tier for tier in scheme.tiers}
    totals = {name: 0 for name in tiers}
    for places in places_by_group.values():
        for name, value in places.items():
            if name not in tiers:
                raise DomainError(N_("There is no award %(tier)s in this event."), tier=name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise DomainError(N_("Places must be whole numbers of at least 0."))
            totals[name] += value
    for name, total in totals.items():
        count = tiers[name].count
        if count is not None and total > count:
            raise DomainError(N_("The places for %(tier)s add up to %(total)d, more than the %(count)d it has."),
                              tier=name, total=total, count=count)


def assign_awards_by_group(
    ranking: Sequence[RankedEntry],
    scheme: AwardScheme,
    places_by_group: Mapping[Hashable, Mapping[str, int]],
    group_of: Mapping[Hashable, Hashable],
    attributes: Mapping[Hashable, Mapping[str, object]] | None = None,
    excluded: Collection[Hashable] = (),
    group_names: Mapping[Hashable, str] | None = None,
) -> AwardResult:
    """Give tiers per group up to the places handed down, by the rules of "Award places handed down" in the
    module docstring; titles as in :func:`assign_awards`. ``excluded``: entry ids that receive no award
    whatever their total (they keep their rank)."""
    attributes = attributes or {}
    names = group_names or {}
    entries = sorted(ranking, key=lambda r: r.rank)
    _tie_groups(entries)  # checks the ranks
    excluded = frozenset(excluded)

    def eligible(entry: RankedEntry) -> bool:
        return entry.entry_id not in excluded and (scheme.min_score is None or entry.total >= scheme.min_score)

    members: dict[Hashable, list[RankedEntry]] = {}
    for entry in entries:
        members.setdefault(group_of.get(entry.entry_id), []).append(entry)
    tier_of: dict[Hashable, str] = {}
    notes: list[Note] = []
    for group, its in members.items():
        places = places_by_group.get(group) if group is not None else None
        if not places:
            continue
        ties: list[list[RankedEntry]] = []
        for entry in filter(eligible, its):
            if ties and ties[-1][0].rank == entry.rank:
                ties[-1].append(entry)
            else:
                ties.append([entry])
        name = names.get(group, str(group))
        g = 0
        for tier in scheme.tiers:
            left = places.get(tier.name, 0)
            while g < len(ties) and len(ties[g]) <= left:
                for entry in ties[g]:
                    tier_of[entry.entry_id] = tier.name
                left -= len(ties[g])
                g += 1
            if g < len(ties) and 0 < left:
                notes.append(Note("group_tie", N_(
                    "%(group)s: %(count)d entries tied at rank %(rank)d do not fit in the %(places)d place(s) "
                    "left for %(tier)s; none of them receives it."),
                    {"group": name, "count": len(ties[g]), "rank": ties[g][0].rank, "places": left, "tier": tier.name}))
        given = sum(places.get(tier.name, 0) for tier in scheme.tiers)
        count = sum(len(t) for t in ties)
        if count < given:
            notes.append(Note("group_short", N_(
                "%(group)s was given %(places)d award place(s) but has only %(count)d eligible entries."),
                {"group": name, "places": given, "count": count}))
    without = sorted({names.get(g, "—" if g is None else str(g)) for g, its in members.items()
                      if (g is None or not places_by_group.get(g)) and any(map(eligible, its))})
    if without:
        notes.append(Note("no_places", N_("Units given no award places receive no award: %(units)s."),
                          {"units": "、".join(without)}))

    outcomes = []
    for entry in entries:
        tier_name = tier_of.get(entry.entry_id)
        context = TitleContext(entry.entry_id, entry.rank, entry.total, tier_name, attributes.get(entry.entry_id, {}))
        titles = () if entry.entry_id in excluded else tuple(rule.name for rule in scheme.titles if rule.predicate(context))
        outcomes.append(AwardOutcome(entry.entry_id, entry.rank, entry.total, tier_name, titles))
    quotas = {tier.name: sum(p.get(tier.name, 0) for p in places_by_group.values()) for tier in scheme.tiers}
    counts = {tier.name: sum(1 for o in outcomes if o.tier == tier.name) for tier in scheme.tiers}
    return AwardResult(tuple(outcomes), quotas, counts, tuple(notes))


def award_column_order(labels: Collection[str], schemes: Collection[Sequence[str]]) -> list[str]:
    """The awards of several events side by side (the dashboard's award columns), in place order.

    Each scheme is one event's tier names in order (一等奖, 二等奖, 三等奖). Schemes with more tiers come first
    (equal lengths: by their names); each lists its tiers in order, skipping those already listed and those no
    result holds. A label found in no scheme (the scheme changed after the results were computed) comes last, by
    name. So 一等奖, 二等奖, 三等奖 come before the single tier of a unit event (优胜企业)."""
    wanted, out = set(labels), []
    for tiers in sorted({tuple(s) for s in schemes}, key=lambda tiers: (-len(tiers), tiers)):
        out += [name for name in dict.fromkeys(tiers) if name in wanted and name not in out]
    return out + sorted(wanted - set(out))
