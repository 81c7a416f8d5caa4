"""The ranking's SQL helpers on either backend (database-marked, so CI runs them on PostgreSQL too): the marks'
loader (``results.grouped_marks``: the database groups the marks per entry and criterion, PostgreSQL
``string_agg``, SQLite ``group_concat``) gives exactly the scores table, grouped; the stored results
(``results._store_results``: one JSON document on PostgreSQL) read back as the ORM wrote them before."""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import select

from contest.commands import SubmitScores
from contest.extensions import db
from contest.models import Score
from contest.services import judging, results
from tests.app import test_results
from tests.judging_factories import running_event

pytestmark = pytest.mark.db

scored = test_results.scored  # the fixture: three judges' scores of tests/app/test_results.py, signed off


def test_grouped_marks_are_the_scores_table_grouped(world):
    run = running_event(world, extra_workers=3)
    event = run.event
    criteria = judging.sheet(run.chief, event.id)["criteria"]
    for j, judge in enumerate((run.chief, run.judge, run.other)):
        sheet = judging.sheet(judge, event.id)
        items = [{"competitor_number": e["competitor_number"], "criterion_id": c["id"],
                  "value": "1" if c["kind"] == "judgement" else f"{(e['competitor_number'] * 7 + k * 3 + j) % 10}.{j * 25}"}
                 for e in sheet["entries"] for k, c in enumerate(criteria)]
        answer = judging.submit_scores(judge, event.id, SubmitScores.from_json(event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items}))
        assert answer.status == 200, answer.body

    expected: dict[int, dict[int, list[Decimal]]] = defaultdict(dict)
    for nomination_id, criterion_id, x100 in db.session.execute(
        select(Score.nomination_id, Score.criterion_id, Score.value_x100).where(Score.event_id == event.id)
    ):
        expected[nomination_id].setdefault(criterion_id, []).append(Decimal(x100) / 100)
    grouped = results.grouped_marks(event.id)
    db.session.commit()
    assert grouped.keys() == expected.keys() and len(grouped) >= 4
    for entry_id, per_criterion in expected.items():
        assert {c: sorted(v) for c, v in grouped[entry_id].items()} == {c: sorted(v) for c, v in per_criterion.items()}
    assert any(len(v) >= 2 for per in grouped.values() for v in per.values())  # several judges per criterion


def test_stored_results_read_back_the_same_on_either_backend(world, scored):
    """``_store_results`` (one JSON document on PostgreSQL): the ranking of tests/app/test_results.py, read back through the ORM."""
    run, _plan = scored
    rows = results.compute_results(world.users["city"], run.event.id)
    assert [f"{r.total_x100 / 100:.2f}" for r in rows] == test_results.EXPECTED_TOTALS
    assert [r.rank for r in rows] == [1, 2, 3, 3, 5, 6, 7, 8, 9, 10]
    assert rows[2].decided_by == "实操" and rows[0].decided_by is None
    assert [r.award for r in rows] == ["一等奖", "二等奖", "二等奖", "二等奖", "三等奖", "三等奖", None, None, None, None]
    assert rows[0].titles == ["青年岗位能手"] and rows[-1].titles == []
    assert set(rows[0].components) == {str(c.id) for c in run.event.components}
    assert all(isinstance(v, str) for v in rows[0].components.values())
