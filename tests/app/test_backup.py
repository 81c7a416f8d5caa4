"""Backup under writes, restore into a fresh database, ``check-db`` (issue 18.5); an import that fails
half-way leaves nothing written (issue 18.6). On SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import threading
import uuid

import pytest
from sqlalchemy import create_engine, delete, func, select, text, update
from sqlalchemy.engine import make_url

from contest import create_app
from contest.commands import SubmitScores
from contest.config import TestConfig
from contest.extensions import db
from contest.models import (
    Certificate,
    EventResult,
    Nomination,
    NominationMember,
    NominationStep,
    Score,
    ScoreAudit,
    User,
)
from contest.services import certificates, judging
from contest.services.integrity import check_database
from tests.app.test_certificates import final  # noqa: F401  (fixture)
from tests.app.test_results import scored  # noqa: F401  (fixture)

pytestmark = pytest.mark.db


def problems() -> dict[str, list[str]]:
    return {c.name: c.problems for c in check_database()}


def restore(app, dump, tmp_path):
    """Restore ``dump`` into a fresh database; yields an app on it. PostgreSQL: a new database (pg_restore)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{dump}", {}, None
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = url.set(database=name)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target.set(drivername='postgresql').render_as_string(False)}",
                    str(dump)], check=True)
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    return target.render_as_string(False), options, (admin, name)


def test_backup_while_scores_are_written_restores_whole(app, world, final, tmp_path):  # noqa: F811
    city = world.users["city"]
    certificates.issue_for_event(city, final.event.id)
    chief_id, event_id = final.chief.id, final.event.id
    own = judging.sheet(final.chief, event_id)["scores"]
    before = db.session.scalar(select(func.count(ScoreAudit.id)))
    # the chief judge keeps correcting his own scores while the backup runs
    final.event.contest.status = __import__("contest.domain.contests", fromlist=["ContestStatus"]).ContestStatus.PUBLISHED
    db.session.commit()
    db.session.remove()
    stop, written = threading.Event(), threading.Semaphore(0)
    errors: list[object] = []

    def corrections() -> None:
        with app.app_context():
            chief = db.session.get(User, chief_id)
            versions = {(s["competitor_number"], s["criterion_id"]): (s["version"], s["value"]) for s in own}
            while not stop.is_set():
                for (number, criterion), (version, value) in list(versions.items())[:3]:
                    # re-confirmed at the same value: new versions and audit rows, the results stay right
                    answer = judging.submit_scores(chief, event_id, SubmitScores.from_json(event_id, {"idempotency_key": uuid.uuid4().hex, "scores": [
                        {"competitor_number": number, "criterion_id": criterion, "value": value, "version": version, "reason": "复核"}]}))
                    if answer.status != 200:
                        errors.append(answer.body)
                        return
                    versions[(number, criterion)] = (version + 1, value)
                    written.release()
            db.session.remove()

    writer = threading.Thread(target=corrections)
    writer.start()
    try:
        for _ in range(3):
            assert written.acquire(timeout=30), errors
        dump = tmp_path / "backup.dump"
        result = app.test_cli_runner().invoke(args=["backup", "-o", str(dump)])
        assert result.exit_code == 0, result.output
        assert written.acquire(timeout=30), errors  # writes went on during the backup
    finally:
        stop.set()
        writer.join(30)
    assert not errors, errors
    url, options, cleanup = restore(app, dump, tmp_path)
    try:
        restored = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
        with restored.app_context():
            found = problems()
            audits = db.session.scalar(select(func.count(ScoreAudit.id)))
            serials = db.session.scalar(select(func.count(Certificate.id)))
            output = restored.test_cli_runner().invoke(args=["check-db"]).output
            db.session.remove()
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()
    assert found == {"constraints": [], "audit": [], "certificates": [], "results": []}, found
    assert audits >= before + 3 and serials > 0  # the copy has the writes committed before it began
    assert "results：正常（已检查 1 项）" in output and "audit：正常" in output


def test_check_db_finds_each_kind_of_damage(app, world, final, runner):  # noqa: F811
    certificates.issue_for_event(world.users["city"], final.event.id)
    assert problems() == {"constraints": [], "audit": [], "certificates": [], "results": []}
    assert runner.invoke(args=["check-db"]).exit_code == 0
    db.session.execute(delete(ScoreAudit).where(ScoreAudit.id == db.session.scalar(select(func.max(ScoreAudit.id)))))
    db.session.execute(update(Score).where(Score.id == db.session.scalar(select(func.min(Score.id)))).values(value_x100=1))
    second = db.session.scalar(select(Certificate.id).where(Certificate.seq == 2))
    db.session.execute(update(Certificate).where(Certificate.id == second).values(seq=99))
    db.session.execute(update(EventResult).where(EventResult.rank == 1).values(award="特等奖"))
    db.session.commit()
    found = problems()
    assert len(found["audit"]) == 2  # the score that lost its last audit row, the score changed behind the audit's back
    assert any("but the last audit row says" in p for p in found["audit"])
    assert found["certificates"] and "not 1…" in found["certificates"][0]
    assert len(found["results"]) == 1 and "stored results differ from a fresh computation" in found["results"][0]
    assert found["constraints"] == []
    assert runner.invoke(args=["check-db"]).exit_code == 1
    if db.engine.dialect.name == "sqlite":  # PostgreSQL would refuse the orphan outright
        db.session.execute(text("PRAGMA foreign_keys=OFF"))
        db.session.execute(update(Score).where(Score.id == db.session.scalar(select(func.min(Score.id)))).values(criterion_id=99999))
        db.session.commit()
        assert any("missing criteria" in p for p in problems()["constraints"])


def test_an_import_that_fails_half_way_writes_nothing(app, world, monkeypatch):
    """A failure after the nominations and members were inserted (before their timeline steps) rolls all back."""
    from contest.models import Role
    from contest.services.nomination_import import import_nominations
    from tests.app.test_nomination_import import HEADER, xlsx
    from tests.contest_factories import make_contest
    from tests.factories import make_user

    contest = make_contest(world.users["city"], events=("电工",))
    made = [make_user(f"iw{i}", world.orgs["team_a"], {Role.WORKER}, world.users["worker"].password_hash, name=f"职工{i}") for i in range(20)]
    db.session.commit()
    upload = xlsx([HEADER, *[["电工", w.profile.resident_id, w.name, ""] for w in made]])
    counts = lambda: [db.session.scalar(select(func.count(m.id))) for m in (Nomination, NominationMember, NominationStep)]  # noqa: E731
    before = counts()
    real_execute = db.session.execute
    inserted = []

    def failing(statement, *args, **kwargs):
        if getattr(getattr(statement, "table", None), "name", None) == "nomination_steps":
            raise RuntimeError("the worker was killed")
        answer = real_execute(statement, *args, **kwargs)
        inserted.append(getattr(getattr(statement, "table", None), "name", None))
        return answer

    monkeypatch.setattr(db.session, "execute", failing)
    with pytest.raises(RuntimeError, match="killed"):
        import_nominations(world.users["city"], contest.id, upload, "报名.xlsx")
    monkeypatch.undo()
    assert "nomination_members" in inserted  # it really was half-way
    db.session.rollback()
    assert counts() == before
