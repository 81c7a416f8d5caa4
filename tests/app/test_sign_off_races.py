"""A sign-off cannot be raced (issue 18.1): two connections interleaved at the worst point, on SQLite and
PostgreSQL.

Each test pauses one transaction at a hook — a submission after it has read everything it decides on and
before it writes, or a sign-off after it has written the sign-off and before it commits — then starts the
other and waits until the database holds it on the lock (PostgreSQL: ``pg_stat_activity`` shows the
backend waiting for a lock; SQLite cannot be asked, so there the second transaction must still be unfinished
after a grace period while the first holds the write lock). Only then is the first released. Without the
shared lock the second transaction would finish while the first is paused, and the test fails.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import func, select, text

from contest.commands import SubmitScores
from contest.domain.errors import DomainError
from contest.extensions import db
from contest.models import Match, MatchAudit, Role, Score, ScoreAudit, SignOff, User
from contest.services import brackets
from contest.services import judging as service
from tests.bracket_factories import bracket_event
from tests.factories import make_user
from tests.judging_factories import running_event

pytestmark = pytest.mark.db

FIRST, SECOND = "first-transaction", "second-transaction"


class Interleaving:
    """Pause the thread named FIRST in a hooked function; note when SECOND is about to take its lock."""

    def __init__(self) -> None:
        self.paused = threading.Event()
        self.go = threading.Event()
        self.locking = threading.Event()
        self.pid: int | None = None
        self.outcomes: dict[str, object] = {}

    def pause_after(self, monkeypatch, module, name: str) -> None:
        real = getattr(module, name)

        def hooked(*args, **kwargs):
            result = real(*args, **kwargs)
            if threading.current_thread().name == FIRST:
                self.paused.set()
                assert self.go.wait(30), "never released"
            return result

        monkeypatch.setattr(module, name, hooked)

    def note_lock(self, monkeypatch, module, name: str) -> None:
        real = getattr(module, name)

        def hooked(*args, **kwargs):
            if threading.current_thread().name == SECOND:
                if db.session.get_bind().dialect.name == "postgresql":
                    self.pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
                self.locking.set()
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, hooked)

    def run(self, app, first, second) -> None:
        def runner(key, work):
            def target():
                with app.app_context():
                    try:
                        self.outcomes[key] = work()
                    except DomainError as exc:
                        self.outcomes[key] = exc
                    finally:
                        db.session.remove()
            return threading.Thread(target=target, name=key)

        one, two = runner(FIRST, first), runner(SECOND, second)
        one.start()
        assert self.paused.wait(30), "the first transaction never reached its pause"
        two.start()
        assert self.locking.wait(30), "the second transaction never reached its lock"
        try:
            self._wait_until_blocked(app, two)
        finally:
            self.go.set()
            one.join(30)
            two.join(30)
        assert not one.is_alive() and not two.is_alive()

    def _wait_until_blocked(self, app, second: threading.Thread) -> None:
        if self.pid is None:  # SQLite: the second connection waits in its busy handler for the write lock
            second.join(0.5)
            assert second.is_alive(), f"the second transaction was not held by the lock: {self.outcomes.get(SECOND)!r}"
            return
        for _ in range(3000):
            with db.engine.connect() as conn:
                waiting = conn.execute(text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": self.pid}).scalar()
            if waiting == "Lock":
                return
            assert second.is_alive(), f"the second transaction was not held by the lock: {self.outcomes.get(SECOND)!r}"
            time.sleep(0.01)
        raise AssertionError("the second transaction never waited for the lock")


def item(number, criterion, value, **extra):
    return {"competitor_number": number, "criterion_id": criterion, "value": value, **extra}


def fill_all(run) -> None:
    for judge in (run.chief, run.judge, run.other):
        sheet = service.sheet(judge, run.event.id)
        items = [item(e["competitor_number"], c["id"], "2" if c["kind"] == "judgement" else "50") for e in sheet["entries"] for c in sheet["criteria"]]
        assert service.submit_scores(judge, run.event.id, SubmitScores.from_json(run.event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items})).status == 200


def own_change(run, judge):
    """The judge changes his own first score (version 1, with a reason): allowed before sign-off only."""
    sheet = service.sheet(judge, run.event.id)
    score = sheet["scores"][0]
    return {"idempotency_key": uuid.uuid4().hex,
            "scores": [item(score["competitor_number"], score["criterion_id"], "1", version=1, reason="复核")]}


def test_a_sign_off_waits_for_a_submission_that_read_before_it(app, world, monkeypatch):
    run = running_event(world)
    fill_all(run)
    change = own_change(run, run.other)
    event_id, chief_id, judge_id = run.event.id, run.chief.id, run.other.id
    db.session.remove()
    race = Interleaving()
    race.pause_after(monkeypatch, service, "_process")  # read the event's state and the scores, not yet written
    race.note_lock(monkeypatch, service, "lock_event")
    race.run(app,
             lambda: service.submit_scores(db.session.get(User, judge_id), event_id, SubmitScores.from_json(event_id, change)),
             lambda: service.sign_off(db.session.get(User, chief_id), event_id).id)
    assert race.outcomes[FIRST].status == 200, race.outcomes[FIRST]
    assert isinstance(race.outcomes[SECOND], int), race.outcomes[SECOND]
    signed = db.session.scalar(select(SignOff.at).where(SignOff.event_id == event_id))
    changed = db.session.scalar(select(ScoreAudit.at).where(ScoreAudit.kind == "change"))
    assert changed <= signed  # the change landed before the sign-off, which saw it


def test_a_submission_that_reaches_the_lock_after_a_sign_off_sees_it(app, world, monkeypatch):
    run = running_event(world)
    fill_all(run)
    change = own_change(run, run.other)
    event_id, chief_id, judge_id = run.event.id, run.chief.id, run.other.id
    before = db.session.scalar(select(func.count(ScoreAudit.id)))
    db.session.remove()
    race = Interleaving()
    race.pause_after(monkeypatch, service, "mark_contest_scored_if_done")  # sign-off written, not committed
    race.note_lock(monkeypatch, service, "share_event_lock")
    race.run(app,
             lambda: service.sign_off(db.session.get(User, chief_id), event_id).id,
             lambda: service.submit_scores(db.session.get(User, judge_id), event_id, SubmitScores.from_json(event_id, change)))
    assert isinstance(race.outcomes[FIRST], int), race.outcomes[FIRST]
    refused = race.outcomes[SECOND]
    assert refused.status == 409 and refused.body["error"]["code"] == "locked", refused
    assert db.session.scalar(select(func.count(ScoreAudit.id))) == before
    assert db.session.scalar(select(func.count(Score.id)).where(Score.version > 1)) == 0


def finished_bracket(world):
    scene = bracket_event(world, "single_elimination", 4)
    brackets.generate(world.users["city"], scene.event.id, brackets.Setup())
    referee = make_user("referee", world.orgs["city"], {Role.JUDGE}, world.users["worker"].password_hash, name="裁判丙")
    db.session.commit()
    from contest.services import judging

    judging.assign_judge(world.users["city"], scene.event.id, referee.id)
    while matches := [m for m in brackets.bracket_view(scene.chief, scene.event.id).matches if m.state == "ready"]:
        home_better = matches[0].home.seed < matches[0].away.seed
        brackets.record_result(referee, matches[0].id, brackets.Entry("home" if home_better else "away", 21 if home_better else 15,
                                                                      15 if home_better else 21))
    final = db.session.scalar(select(Match).where(Match.event_id == scene.event.id, Match.key == "W2-1"))
    flip = "away" if final.winner_id == final.home_id else "home"
    swapped = brackets.Entry(flip, 21 if flip == "home" else 15, 15 if flip == "home" else 21, reason="录像复核", version=final.version)
    return scene, referee.id, final.id, swapped


def test_a_bracket_sign_off_waits_for_a_result_being_recorded(app, world, monkeypatch):
    scene, referee_id, final_id, correction = finished_bracket(world)
    event_id, chief_id = scene.event.id, scene.chief.id
    db.session.remove()
    race = Interleaving()
    race.pause_after(monkeypatch, brackets, "_check_judge")  # the bracket and the sign-off state read, nothing written
    race.note_lock(monkeypatch, brackets, "_lock_bracket")
    race.run(app,
             lambda: brackets.record_result(db.session.get(User, referee_id), final_id, correction).version,
             lambda: brackets.sign_off(db.session.get(User, chief_id), event_id).id)
    assert isinstance(race.outcomes[FIRST], int) and isinstance(race.outcomes[SECOND], int), race.outcomes
    signed = db.session.scalar(select(SignOff.at).where(SignOff.event_id == event_id))
    corrected = db.session.scalar(select(MatchAudit.at).where(MatchAudit.kind == "correction"))
    assert corrected <= signed


def test_a_result_that_reaches_the_lock_after_a_bracket_sign_off_sees_it(app, world, monkeypatch):
    scene, referee_id, final_id, correction = finished_bracket(world)
    event_id, chief_id = scene.event.id, scene.chief.id
    version = db.session.get(Match, final_id).version
    db.session.remove()
    race = Interleaving()
    race.pause_after(monkeypatch, brackets, "mark_contest_scored_if_done")
    race.note_lock(monkeypatch, brackets, "_lock_bracket")
    race.run(app,
             lambda: brackets.sign_off(db.session.get(User, chief_id), event_id).id,
             lambda: brackets.record_result(db.session.get(User, referee_id), final_id, correction).version)
    assert isinstance(race.outcomes[FIRST], int), race.outcomes
    refused = race.outcomes[SECOND]
    assert isinstance(refused, DomainError) and "chief judge" in refused.message, refused
    assert db.session.get(Match, final_id).version == version
