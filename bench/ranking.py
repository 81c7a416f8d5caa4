"""Benchmark: ranking and awards of one event with 10,000 entries × 5 judges × 10 criteria, from the scores
in the database to the stored results (issue 5: under 1 s).

    python bench/ranking.py [--entries 10000] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Setup (not timed) inserts the entries and 500,000 scores directly; the timed part is
``contest.services.results.rank_and_store`` (``_rank`` with the garbage collector paused, as ``compute_results``
runs it): load the scores, aggregate (domain.scoring), rank with tie-breakers
(domain.ranking), assign awards and titles (domain.awards, ages from resident IDs), replace the stored rows.

Issue 18.9: the same run also times a plain SQL aggregate of the same scores (per criterion mean → component
sums → weighted total → ``rank()``, every row fetched), alternating with ``_rank`` round by round, and prints
the ratio per round: on a shared machine the absolute figures move, the ratio much less. Target: ≤ 3×.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete as sa_delete  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from bench.support import throwaway_app  # noqa: E402
from contest.domain.identity import generate_resident_id  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.models import (  # noqa: E402
    Component,
    Contest,
    Criterion,
    Event,
    Gender,
    JudgeAssignment,
    Nomination,
    NominationMember,
    Role,
    Score,
    SignOff,
    SkillLevel,
    User,
    UserRole,
    WorkerProfile,
)

JUDGES, CRITERIA = 5, 10


def build(entries: int) -> Event:
    from datetime import date, timedelta

    from contest.domain.contests import ContestStatus
    from contest.services import contests
    from tests.factories import build_world

    world = build_world("Passw0rd!")
    city = world.users["city"]
    contest = Contest(title="基准", year=2026, kind="skills", host_id=world.orgs["city"].id, status=ContestStatus.RUNNING,
                      contest_date=date(2026, 6, 1))
    event = Event(contest=contest, name="电工", position=1)
    for c in range(2):
        component = Component(event=event, name=f"模块{c}", weight=30 if c == 0 else 70, position=c)
        component.criteria = [Criterion(name=f"项{c}-{k}", max_x100=1000, position=k) for k in range(CRITERIA // 2)]
    db.session.add(contest)
    db.session.commit()
    rng = random.Random(3)
    pw = city.password_hash
    team = world.orgs["team_a"].id
    users = [{"username": f"b{i}", "password_hash": pw, "name": f"职工{i}", "org_id": team, "active": True,
              "must_change_password": False, "created_at": date(2026, 1, 1)} for i in range(entries + JUDGES)]
    ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), users))
    workers, judges = ids[:entries], ids[entries:]
    db.session.execute(insert(UserRole), [{"user_id": i, "role": Role.WORKER} for i in workers] + [{"user_id": i, "role": Role.JUDGE} for i in judges])
    seen: set[str] = set()
    profiles = []
    for i in workers:
        while True:
            rid = generate_resident_id(rng, "330802", date(1970, 1, 1) + timedelta(days=rng.randrange(12000)), "M")
            if rid not in seen:
                seen.add(rid)
                break
        profiles.append({"user_id": i, "gender": Gender.MALE, "resident_id": rid, "occupation": "电工", "skill_level": SkillLevel.LEVEL3})
    db.session.execute(insert(WorkerProfile), profiles)
    nomination_ids = list(db.session.scalars(insert(Nomination).returning(Nomination.id, sort_by_parameter_order=True), [
        {"event_id": event.id, "org_id": team, "chain": "/1/", "level": 1, "status": "confirmed", "competitor_number": n + 1,
         "created_at": date(2026, 1, 1)} for n in range(entries)]))
    db.session.execute(insert(NominationMember), [{"nomination_id": n, "event_id": event.id, "user_id": w, "live": True, "position": 0}
                                                  for n, w in zip(nomination_ids, workers, strict=True)])
    db.session.execute(insert(JudgeAssignment), [{"event_id": event.id, "judge_id": j, "is_chief": k == 0} for k, j in enumerate(judges)])
    criteria = [k.id for c in event.components for k in c.criteria]
    batch = []
    for n in nomination_ids:
        for j in judges:
            for k in criteria:
                batch.append({"event_id": event.id, "judge_id": j, "nomination_id": n, "criterion_id": k,
                              "value_x100": rng.randrange(300, 1001, 5), "version": 1})
        if len(batch) >= 50_000:
            db.session.execute(insert(Score), batch)
            batch = []
    if batch:
        db.session.execute(insert(Score), batch)
    db.session.add(SignOff(event_id=event.id, chief_id=judges[0]))
    db.session.commit()
    contests.set_ranking_rules(city, event.id, [f"component:{event.components[1].id}"], {
        **contests.DEFAULT_AWARD_SCHEME, "top_title": {"name": "技术能手", "ranks": "10"}, "youth_title": {"name": "青年岗位能手", "max_age": "35"}})
    return event


AGGREGATE = """
WITH per_criterion AS (
    SELECT s.nomination_id, c.component_id, s.criterion_id, avg(s.value_x100) AS v
    FROM scores s JOIN criteria c ON c.id = s.criterion_id
    WHERE s.event_id = :event GROUP BY s.nomination_id, c.component_id, s.criterion_id),
per_component AS (SELECT nomination_id, component_id, sum(v) AS t FROM per_criterion GROUP BY nomination_id, component_id),
totals AS (SELECT p.nomination_id, sum(p.t * k.weight) AS total FROM per_component p JOIN components k ON k.id = p.component_id
           GROUP BY p.nomination_id)
SELECT nomination_id, total, rank() OVER (ORDER BY total DESC) FROM totals
"""


def plain_aggregate(event_id: int) -> int:
    """The reference: the same scores aggregated and ranked by the database alone, every row fetched."""
    rows = db.session.execute(text(AGGREGATE), {"event": event_id}).all()
    db.session.commit()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also print where one _rank spends its time (cProfile)")
    args = parser.parse_args()
    with throwaway_app(args.database_url):
        t0 = time.perf_counter()
        event = build(args.entries)
        print(f"setup: {args.entries} entries × {JUDGES} judges × {CRITERIA} criteria = {args.entries * JUDGES * CRITERIA} scores in {time.perf_counter() - t0:.1f} s (not timed)")
        from contest.services.results import rank_and_store

        timings, references = [], []
        for _ in range(args.rounds):
            t1 = time.perf_counter()
            assert plain_aggregate(event.id) == args.entries
            references.append(time.perf_counter() - t1)
            db.session.expire_all()
            t1 = time.perf_counter()
            count = rank_and_store(db.session.get(Event, event.id))
            db.session.commit()
            timings.append(time.perf_counter() - t1)
        assert count == args.entries
        ratios = [t / r for t, r in zip(timings, references, strict=True)]
        print(f"backend: {db.engine.url.get_backend_name()}")
        print("database → ranked, awarded, stored: " + ", ".join(f"{t:.2f} s" for t in timings) + f" (best {min(timings):.2f} s)")
        print("plain SQL aggregate, same rounds:    " + ", ".join(f"{t:.2f} s" for t in references) + f" (best {min(references):.2f} s)")
        print("ratio per round: " + ", ".join(f"{r:.2f}×" for r in ratios) + f" (median {sorted(ratios)[len(ratios) // 2]:.2f}×)")
        print("target: < 1 s —", "met" if min(timings) < 1 else "NOT met",
              "; ratio ≤ 3× —", "met" if sorted(ratios)[len(ratios) // 2] <= 3 else "NOT met")
        if args.profile:
            where_the_time_goes(event.id)


def phases(event_id: int, rounds: int = 3) -> None:
    """Each step of ``_rank`` timed alone, best of ``rounds`` (the same calls ``_rank`` makes, in its order, with the
    collector paused as ``results.rank_and_store`` does; the stored rows are written in a transaction that is
    rolled back), next to the plain SQL aggregate."""
    from contest.domain import awards, ranking, scoring
    from contest.models import EventResult
    from contest.services import judging, results
    from contest.services.contests import award_scheme_of

    best: dict[str, float] = {}

    def timed(name, fn):
        t = time.perf_counter()
        value = fn()
        best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
        return value

    def one_round() -> None:
        db.session.expire_all()
        event = db.session.get(Event, event_id)
        timed("plain SQL aggregate (reference)", lambda: plain_aggregate(event_id))
        event = db.session.get(Event, event_id)
        rubric = judging.rubric_of(event)
        grouped = timed("grouped_marks (database + Python)", lambda: results.grouped_marks(event_id))
        totals = timed("domain.scoring.compute_grouped_results", lambda: scoring.compute_grouped_results(rubric, grouped))
        contenders = timed("contenders in entry order", lambda: [
            ranking.Contender(e, r.total, r.component_totals, r.criterion_values) for e, r in sorted(totals.items())])
        ranked = timed("domain.ranking.rank_entries", lambda: ranking.rank_entries(
            contenders, ranking.tie_breakers_from_spec([tuple(t) for t in event.tie_breakers or []])))
        scheme = award_scheme_of(event)
        attributes = timed("_attributes (ages)", lambda: results._attributes(event))
        outcome = timed("domain.awards.assign_awards", lambda: awards.assign_awards(ranked, scheme, attributes))
        outcomes = outcome.by_entry()
        timed("delete the stored rows", lambda: db.session.execute(sa_delete(EventResult).where(EventResult.event_id == event_id)))
        now = results.utcnow()
        rows = timed("rows for storing", lambda: [
            {"event_id": event_id, "nomination_id": r.entry_id, "rank": r.rank, "total_x100": results._x100(r.total),
             "components": {str(k): str(v) for k, v in r.contender.component_totals.items()},
             "award": outcomes[r.entry_id].tier, "titles": list(outcomes[r.entry_id].titles), "decided_by": r.decided_by,
             "computed_at": now} for r in ranked])
        timed("_store_results", lambda: results._store_results(rows))
        db.session.rollback()

    for _ in range(rounds):
        with results.paused_gc():  # as ``results.rank_and_store`` runs ``_rank``
            one_round()
    reference = best.pop("plain SQL aggregate (reference)")
    print(f"\nsteps of _rank, best of {rounds} (× the plain SQL aggregate, {reference:.3f} s):")
    for name, seconds in best.items():
        print(f"  {name:<42}{seconds:.3f} s  {seconds / reference:.2f}×")
    print(f"  {'sum':<42}{sum(best.values()):.3f} s  {sum(best.values()) / reference:.2f}×")


def where_the_time_goes(event_id: int) -> None:
    """Each step of ``_rank`` timed alone, then one ``_rank`` under cProfile."""
    import cProfile
    import io
    import pstats

    from contest.services import results

    phases(event_id)
    db.session.expire_all()
    profile = cProfile.Profile()
    profile.enable()
    results.rank_and_store(db.session.get(Event, event_id))
    db.session.commit()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


if __name__ == "__main__":
    main()
