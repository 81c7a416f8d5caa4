"""Self-assessments of unit entries (issue 14 part 3): figures saved whole and exactly, evidence checked by content
and size and stored by digest, submission, the lock once inspection starts, who may read and write, the pages and
the evidence download."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from sqlalchemy import select

from contest.assessments.demo import demo_figures, seed_self_assessments, tiny_png
from contest.commands import SubmitScores
from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError, FieldError, InvalidItems, Locked
from contest.domain.figures import FIGURE_KEYS, AssessmentState
from contest.domain.orgtree import OrgLevel
from contest.extensions import db
from contest.models import AuditLog, EvidenceFile, Nomination, Role, SelfAssessment, SignOff
from contest.services import NotFound, PermissionDenied, assessments, contests, draws, filestore, judging, registration
from contest.services.contests import EventInput
from tests.contest_factories import add_simple_rubric, make_contest
from tests.factories import make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50
FULL = {"workers": "120", "training_sessions": "12", "training_hours": "960.50", "hazards_found": "8", "hazards_corrected": "7",
        "proposals_made": "15", "proposals_adopted": "6", "health_checks": "118", "incidents": "0", "fatal_accidents": "0",
        "violations": "1"}


def unit_event(world, host="city"):
    organiser = world.users[host]
    contest = make_contest(organiser, title="2026年衢州市安康杯竞赛", open_=False, events=())
    event = contests.create_event(organiser, contest.id, EventInput("优胜企业", kind="unit"))
    add_simple_rubric(organiser, event.id)
    contests.change_status(organiser, contest.id, ContestStatus.OPEN)
    return event


@pytest.fixture
def entries(world):
    """A city 安康杯 event with 柯城电力 (ent_a) and 运维一班 (team_a) entered and confirmed."""
    event = unit_event(world)
    ent = registration.nominate_unit(world.users["city"], event.id, world.orgs["ent_a"].id)
    team = registration.nominate_unit(world.users["city"], event.id, world.orgs["team_a"].id)
    return event, ent, team


def _complete(world, nomination):
    actor = world.users["ent_a"]
    assessments.save_figures(actor, nomination.id, FULL)
    assessments.add_evidence(actor, nomination.id, "安全培训记录.pdf", PDF, figure="training_hours")
    return assessments.submit(actor, nomination.id)


# ---------------------------------------------------------------------------------------------- service


def test_figures_are_saved_exactly_submitted_and_read_back_as_decimals(world, entries):
    event, ent, _team = entries
    assessment = _complete(world, ent)
    assert assessment.status == "submitted" and assessment.submitted_by_id == world.users["ent_a"].id
    assert assessment.figures["training_hours"] == "960.5" and assessment.figures["workers"] == "120"
    figures = assessments.figures_of(event.id)
    assert list(figures) == [ent.id]  # the team has no submitted assessment
    assert figures[ent.id]["training_hours"] == Decimal("960.5") and figures[ent.id]["incidents"] == Decimal(0)
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.target_id == ent.id, AuditLog.action.like("assessment.%"))))
    assert actions == {"assessment.figures", "assessment.evidence", "assessment.submit"}


def test_a_change_after_submission_returns_it_to_a_draft(world, entries):
    event, ent, _team = entries
    _complete(world, ent)
    assessments.save_figures(world.users["ent_a"], ent.id, {**FULL, "workers": "121"})
    assert _row(ent).status == "draft"
    assert assessments.figures_of(event.id) == {}


def _row(nomination) -> SelfAssessment:
    return db.session.scalar(select(SelfAssessment).where(SelfAssessment.nomination_id == nomination.id))


def test_bad_numbers_are_refused_beside_their_fields_and_nothing_is_written(world, entries):
    _event, ent, _team = entries
    with pytest.raises(InvalidItems) as refused:
        assessments.save_figures(world.users["ent_a"], ent.id, {**FULL, "workers": "一百", "incidents": "1.5", "training_hours": "-3"})
    assert {d["field"] for d in refused.value.details} == {"workers", "incidents", "training_hours"}
    assert _row(ent) is None


def test_a_contradicting_pair_is_refused_naming_the_figure(world, entries):
    _event, ent, _team = entries
    with pytest.raises(FieldError) as refused:
        assessments.save_figures(world.users["ent_a"], ent.id, {**FULL, "hazards_corrected": "9"})
    assert refused.value.field == "hazards_corrected" and "Hazards corrected" in str(refused.value)
    assert _row(ent) is None


def test_evidence_is_checked_by_content_and_size(world, entries):
    _event, ent, _team = entries
    actor = world.users["ent_a"]
    with pytest.raises(InvalidItems) as refused:  # an executable renamed .pdf
        assessments.add_evidence_files(actor, ent.id, [assessments.Upload("检查记录.pdf", PDF), assessments.Upload("setup.pdf", EXE)])
    assert [d["name"] for d in refused.value.details] == ["setup.pdf"] and "PDF, JPG or PNG" in str(refused.value.details[0]["message"])
    assert _row(ent) is None  # the good file was not kept either
    with pytest.raises(InvalidItems) as too_large:
        assessments.add_evidence(actor, ent.id, "扫描件.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert "10 MB" in str(too_large.value.details[0]["message"]) and "10 MB" in str(too_large.value)
    with pytest.raises(FieldError):
        assessments.add_evidence(actor, ent.id, "a.pdf", PDF, figure="no_such_figure")
    png = assessments.add_evidence(actor, ent.id, "../../现场照片.png", PNG)
    assert png.content_type == "image/png" and png.filename == "现场照片.png" and png.figure is None
    assert filestore.path_of(png.sha256).read_bytes() == PNG


def test_submission_needs_every_required_figure_and_a_file(world, entries):
    event, ent, _team = entries
    actor = world.users["ent_a"]
    assessments.save_figures(actor, ent.id, {**FULL, "violations": "", "health_checks": " "})
    with pytest.raises(InvalidItems) as missing:
        assessments.submit(actor, ent.id)
    assert [d["field"] for d in missing.value.details] == ["health_checks", "violations"]
    assessments.save_figures(actor, ent.id, FULL)
    with pytest.raises(FieldError, match="at least one evidence file"):
        assessments.submit(actor, ent.id)
    # The event's sheet may ask for fewer figures.
    event.method_options = {"figures": ["workers", "training_hours"]}
    db.session.commit()
    assert assessments.required_figures(event) == ("workers", "training_hours")


def test_removing_evidence(world, entries):
    _event, ent, _team = entries
    row = assessments.add_evidence(world.users["ent_a"], ent.id, "a.pdf", PDF)
    with pytest.raises(PermissionDenied):
        assessments.remove_evidence(world.users["county_a"], row.id)
    assessments.remove_evidence(world.users["ent_a"], row.id)
    assert db.session.get(EvidenceFile, row.id) is None
    with pytest.raises(NotFound):
        assessments.remove_evidence(world.users["ent_a"], row.id)


def test_the_assessment_is_locked_once_inspection_starts(world, entries):
    event, ent, _team = entries
    _complete(world, ent)
    assert not assessments.inspection_started(event)
    db.session.add(SignOff(event_id=event.id, chief_id=world.users["judge"].id))
    db.session.commit()
    assert assessments.inspection_started(event)
    actor = world.users["ent_a"]
    for attempt in (lambda: assessments.save_figures(actor, ent.id, FULL), lambda: assessments.add_evidence(actor, ent.id, "b.pdf", PDF),
                    lambda: assessments.submit(actor, ent.id),
                    lambda: assessments.remove_evidence(actor, _row(ent).evidence[0].id)):
        with pytest.raises(Locked, match="locked"):
            attempt()
    page = assessments.assessment_page(actor, event.id, ent.id)
    assert page.locked and not page.may_edit and page.state == AssessmentState.LOCKED and page.submitted
    assert assessments.figures_of(event.id)[ent.id]["workers"] == Decimal(120)  # what was submitted stays readable


def test_a_first_score_locks_it_too(world, entries):
    event, ent, _team = entries
    city = world.users["city"]
    contests.change_status(city, event.contest_id, ContestStatus.CLOSED)
    draws.hold_draw(city, event.id)
    contests.change_status(city, event.contest_id, ContestStatus.RUNNING)
    inspector = make_user("inspector_b", world.orgs["county_b"], {Role.JUDGE}, world.users["judge"].password_hash)
    db.session.commit()
    judging.assign_judge(city, event.id, inspector.id, chief=True)
    assessments.save_figures(world.users["ent_a"], ent.id, FULL)  # running, but nothing scored yet
    sheet = judging.sheet(inspector, event.id)
    item = {"competitor_number": sheet["entries"][0]["competitor_number"], "criterion_id": sheet["criteria"][0]["id"], "value": "50"}
    assert judging.submit_scores(inspector, event.id, SubmitScores.from_json(event.id, {"idempotency_key": "first-score-key", "scores": [item]})).status == 200
    with pytest.raises(Locked):
        assessments.save_figures(world.users["ent_a"], ent.id, FULL)


def test_withdrawn_entries_and_worker_entries_have_no_assessment(world, entries):
    event, ent, _team = entries
    skills = make_contest(world.users["city"], title="技能赛")
    worker_entry = registration.nominate(world.users["city"], skills.events[0].id, [world.users["worker"].id])
    with pytest.raises(NotFound):
        assessments.assessment_page(world.users["city"], skills.events[0].id, worker_entry.id)
    with pytest.raises(NotFound):  # the entry belongs to another event
        assessments.assessment_page(world.users["city"], skills.events[0].id, ent.id)
    registration.withdraw(world.users["ent_a"], ent.id)
    with pytest.raises(DomainError, match="withdrawn"):
        assessments.save_figures(world.users["ent_a"], ent.id, FULL)


# ---------------------------------------------------------------------------------------------- access


def _people(world):
    pw = world.users["judge"].password_hash
    people = {
        "ent_b": make_user("org_ent_b", world.orgs["ent_b"], {Role.ORGANISER}, pw),  # a stranger organiser
        "inspector": make_user("inspector", world.orgs["county_b"], {Role.JUDGE}, pw),  # assigned, no conflict
        "stranger_judge": make_user("stranger_judge", world.orgs["county_b"], {Role.JUDGE}, pw),  # not assigned
    }
    db.session.commit()
    return people


def test_who_reads_and_who_writes(world, entries):
    event, ent, team = entries
    people = _people(world)
    judging.assign_judge(world.users["city"], event.id, people["inspector"].id)
    judging.assign_judge(world.users["city"], event.id, world.users["judge"].id)  # of 柯城电力: in conflict with both entries
    row = assessments.add_evidence(world.users["ent_a"], team.id, "a.pdf", PDF)
    u = {**world.users, **people}
    readers = {"admin", "city", "county_a", "ent_a", "team_a", "inspector"}
    writers = {"admin", "ent_a", "team_a"}  # the team's own organisers and its enterprise's
    for key, user in u.items():
        may_read = key in readers
        if may_read:
            assert assessments.assessment_page(user, event.id, team.id).nomination.id == team.id, key
            assert assessments.evidence_file(user, row.id)[0].id == row.id, key
        else:
            with pytest.raises(PermissionDenied):
                assessments.assessment_page(user, event.id, team.id)
            with pytest.raises(PermissionDenied):
                assessments.evidence_file(user, row.id)
        if key in writers:
            assessments.save_figures(user, team.id, {"workers": "12"})
        else:
            with pytest.raises(PermissionDenied):
                assessments.save_figures(user, team.id, {"workers": "not a number"})  # 403 before the values are read
        page_may_edit = may_read and assessments.assessment_page(user, event.id, team.id).may_edit
        assert page_may_edit == (key in writers), key
    # The enterprise's own entry: its team's organiser neither reads nor writes it.
    with pytest.raises(PermissionDenied):
        assessments.assessment_page(world.users["team_a"], event.id, ent.id)
    with pytest.raises(PermissionDenied):
        assessments.add_evidence(world.users["team_a"], ent.id, "a.pdf", PDF)


# ---------------------------------------------------------------------------------------------- pages


def test_the_unit_fills_in_uploads_and_submits_through_the_pages(world, entries, client, login_as):
    event, ent, _team = entries
    login_as("ent_a")
    url = f"/events/{event.id}/assessments/{ent.id}"
    assert "安全培训学时" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={**FULL, "workers": "abc", "hazards_found": "1.5"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "职工人数必须是数字" in body and "隐患发现数必须是整数" in body
    assert 'id="workers-error"' in body and 'id="hazards_found-error"' in body
    response = client.post(url, data={**FULL, "proposals_adopted": "20"})
    assert response.status_code == 422 and 'id="proposals_adopted-error"' in response.get_data(as_text=True)
    assert client.post(url, data=FULL).status_code == 302
    upload = client.post(f"{url}/evidence", data={"figure": "training_hours", "files": [(_file(EXE), "培训.pdf"), (_file(PDF), "台账.pdf")]},
                         content_type="multipart/form-data")
    assert upload.status_code == 422 and "培训.pdf" in upload.get_data(as_text=True)
    upload = client.post(f"{url}/evidence", data={"figure": "", "files": [(_file(PDF), "安全台账.pdf"), (_file(PNG), "照片.png")]},
                         content_type="multipart/form-data")
    assert upload.status_code == 302
    assert client.post(f"{url}/submit").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="assessment-state">已提交' in page and "安全台账.pdf" in page
    mine = client.get("/assessments/").get_data(as_text=True)
    assert "柯城电力" in mine and "已提交" in mine and "运维一班" in mine


def _file(data: bytes):
    return io.BytesIO(data)


def test_the_evidence_download(world, entries, client, login_as):
    _event, ent, _team = entries
    row = assessments.add_evidence(world.users["ent_a"], ent.id, "安全 培训记录.pdf", PDF)
    login_as("county_a")
    response = client.get(f"/evidence/{row.id}")
    assert response.status_code == 200 and response.data == PDF and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"filename*=UTF-8''{quote('安全 培训记录.pdf')}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]
    client.post("/logout")
    login_as("worker")
    assert client.get(f"/evidence/{row.id}").status_code == 403
    assert client.get("/evidence/999999").status_code == 404


def test_the_overview_is_filtered_and_scoped(world, entries, client, login_as):
    event, ent, team = entries
    registration.nominate_unit(world.users["city"], event.id, world.orgs["ent_b"].id)
    _complete(world, ent)
    login_as("city")
    page = client.get(f"/events/{event.id}/assessments").get_data(as_text=True)
    assert all(name in page for name in ("柯城电力", "运维一班", "衢江机械"))
    page = client.get(f"/events/{event.id}/assessments?state=submitted").get_data(as_text=True)
    assert 'data-unit="柯城电力"' in page and 'data-unit="衢江机械"' not in page
    page = client.get(f"/events/{event.id}/assessments?q=衢江").get_data(as_text=True)
    assert 'data-unit="衢江机械"' in page and 'data-unit="柯城电力"' not in page
    client.post("/logout")
    login_as("county_a")
    page = client.get(f"/events/{event.id}/assessments").get_data(as_text=True)
    assert 'data-unit="柯城电力"' in page and 'data-unit="衢江机械"' not in page  # only 柯城区's units
    assert "120" in page  # key figures shown


def test_every_figure_has_a_field(world, entries, client, login_as):
    event, ent, _team = entries
    login_as("team_a")  # a team organiser may not open the enterprise's assessment
    assert client.get(f"/events/{event.id}/assessments/{ent.id}").status_code == 403
    client.post("/logout")
    login_as("ent_a")
    page = client.get(f"/events/{event.id}/assessments/{ent.id}").get_data(as_text=True)
    assert all(f'name="{key}"' in page for key in FIGURE_KEYS)


# ---------------------------------------------------------------------------------------------- demo


def test_the_demo_submits_every_confirmed_unit_with_evidence_and_one_fatal_accident(world):
    event = unit_event(world)
    city = world.users["city"]
    for key in ("ent_a", "team_a", "ent_b", "team_b"):
        registration.nominate_unit(city, event.id, world.orgs[key].id)
    pw = world.users["judge"].password_hash
    organisers = {world.orgs["ent_a"].id: world.users["ent_a"], world.orgs["team_a"].id: world.users["team_a"],
                  world.orgs["ent_b"].id: make_user("org_ent_b", world.orgs["ent_b"], {Role.ORGANISER}, pw)}
    db.session.commit()

    def actor_for_unit(unit):  # 焊接班 has no organiser of its own: its enterprise's writes for it
        return organisers.get(unit.id) or organisers[unit.parent_id]

    assert seed_self_assessments(event, actor_for_unit) == 4
    figures = assessments.figures_of(event.id)
    assert len(figures) == 4
    assert sorted(f["fatal_accidents"] for f in figures.values()) == [0, 0, 0, 1]
    fatal = next(n for n, f in figures.items() if f["fatal_accidents"])
    assert db.session.get(Nomination, fatal).unit_id == world.orgs["ent_a"].id  # the first enterprise entered
    assert len({f["workers"] for f in figures.values()}) == 4  # varied
    rows = list(db.session.scalars(select(EvidenceFile)))
    assert {r.content_type for r in rows} == {"application/pdf", "image/png"} and 4 <= len(rows) <= 8
    for row in rows:
        data = filestore.path_of(row.sha256).read_bytes()
        assert data.startswith(b"%PDF-") if row.content_type == "application/pdf" else data.startswith(b"\x89PNG")
    assert demo_figures(3, OrgLevel.TEAM) == demo_figures(3, OrgLevel.TEAM)  # deterministic
    assert tiny_png((1, 2, 3)) == tiny_png((1, 2, 3))
