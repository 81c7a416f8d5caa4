"""Every registered route against every role: 200 (or a success redirect) / 403 / redirect to login.

A route added without an entry in MATRIX fails ``test_every_route_has_a_matrix_entry``.
"""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest

from contest import create_app
from contest.config import TestConfig
from contest.extensions import db
from tests.factories import build_world

ROLES = ("anonymous", "admin", "city", "county_a", "ent_a", "team_a", "judge", "worker")
LOGGED_IN = frozenset(ROLES) - {"anonymous"}
PUBLIC = frozenset(ROLES)
ORGANISERS = frozenset({"admin", "city", "county_a", "ent_a", "team_a"})
ABOVE_ENT_A = frozenset({"admin", "city", "county_a"})
OVER_ENT_A = ABOVE_ENT_A | {"ent_a"}
OVER_TEAM_A = OVER_ENT_A | {"team_a"}

HOST = frozenset({"admin", "city"})  # the city contest's host organisers
ABOVE_TEAM_A_REVIEW = OVER_TEAM_A  # a nomination waiting at team_a: its organisers and every unit above
NOMINATION_VIEWERS = OVER_TEAM_A | {"worker"}
UNIT_WRITERS = frozenset({"admin", "ent_a", "team_a"})  # a team's self-assessment: its own and its enterprise's organisers


# endpoint: (method, path builder, roles allowed). "api" endpoints authenticate with a bearer token.
# ``w.c`` holds the contest fixture ids (see ``contest_ids``).
MATRIX = {
    "home.index": ("GET", lambda w: "/", LOGGED_IN),
    "home.set_locale": ("GET", lambda w: "/locale/en", PUBLIC),
    "auth.login": ("GET", lambda w: "/login", PUBLIC),
    "auth.logout": ("POST", lambda w: "/logout", LOGGED_IN),
    "auth.password": ("GET", lambda w: "/account/password", LOGGED_IN),
    "auth.account": ("GET", lambda w: "/account", LOGGED_IN),
    "orgs.index": ("GET", lambda w: "/orgs/", ORGANISERS),
    "orgs.detail": ("GET", lambda w: f"/orgs/{w.orgs['ent_a'].id}", OVER_ENT_A),
    "orgs.create": ("GET", lambda w: f"/orgs/{w.orgs['ent_a'].id}/children/new", OVER_ENT_A),
    "orgs.rename": ("GET", lambda w: f"/orgs/{w.orgs['ent_a'].id}/edit", ABOVE_ENT_A),
    "orgs.move": ("GET", lambda w: f"/orgs/{w.orgs['ent_a'].id}/move", ABOVE_ENT_A),
    "orgs.deactivate": ("POST", lambda w: f"/orgs/{w.orgs['team_a'].id}/deactivate", OVER_ENT_A),
    "orgs.activate": ("POST", lambda w: f"/orgs/{w.orgs['team_a'].id}/activate", OVER_ENT_A),
    "orgs.import_units": ("GET", lambda w: "/orgs/import", ORGANISERS),
    "orgs.import_template": ("GET", lambda w: "/orgs/import/template", ORGANISERS),
    "orgs.export": ("GET", lambda w: "/orgs/export", ORGANISERS),
    "people.index": ("GET", lambda w: "/people/", ORGANISERS),
    "people.export": ("GET", lambda w: "/people/export", ORGANISERS),
    "people.create": ("GET", lambda w: "/people/new", ORGANISERS),
    "people.detail": ("GET", lambda w: f"/people/{w.users['worker'].id}", OVER_TEAM_A),
    "people.edit": ("GET", lambda w: f"/people/{w.users['worker'].id}/edit", OVER_TEAM_A),
    "people.reset_password": ("POST", lambda w: f"/people/{w.users['worker'].id}/reset-password", OVER_TEAM_A),
    "people.deactivate": ("POST", lambda w: f"/people/{w.users['worker'].id}/deactivate", OVER_TEAM_A),
    "people.activate": ("POST", lambda w: f"/people/{w.users['worker'].id}/activate", OVER_TEAM_A),
    "people.import_people": ("GET", lambda w: "/people/import", ORGANISERS),
    "people.import_template": ("GET", lambda w: "/people/import/template", ORGANISERS),
    "contests.index": ("GET", lambda w: "/contests/", LOGGED_IN),
    "contests.create": ("GET", lambda w: "/contests/new", ORGANISERS),
    "contests.detail": ("GET", lambda w: f"/contests/{w.c['contest']}", LOGGED_IN),
    "contests.edit": ("GET", lambda w: f"/contests/{w.c['contest']}/edit", HOST),
    "contests.change_status": ("POST", lambda w: f"/contests/{w.c['contest']}/status", HOST),
    "contests.delete": ("POST", lambda w: f"/contests/{w.c['draft']}/delete", HOST),
    "contests.copy": ("POST", lambda w: f"/contests/{w.c['contest']}/copy", HOST),
    "contests.create_event": ("GET", lambda w: f"/contests/{w.c['contest']}/events/new", HOST),
    "contests.event": ("GET", lambda w: f"/events/{w.c['event']}", LOGGED_IN),
    "contests.edit_event": ("GET", lambda w: f"/events/{w.c['event']}/edit", HOST),
    "contests.delete_event": ("POST", lambda w: f"/events/{w.c['draft_event']}/delete", HOST),
    "contests.add_component": ("POST", lambda w: f"/events/{w.c['event']}/components", HOST),
    "contests.remove_component": ("POST", lambda w: f"/components/{w.c['component']}/delete", HOST),
    "contests.add_criterion": ("POST", lambda w: f"/components/{w.c['component']}/criteria", HOST),
    "contests.ranking_rules": ("POST", lambda w: f"/events/{w.c['event']}/ranking-rules", HOST),
    "contests.remove_criterion": ("POST", lambda w: f"/criteria/{w.c['criterion']}/delete", HOST),
    "registration.quotas": ("GET", lambda w: f"/events/{w.c['event']}/quotas", ORGANISERS),
    "registration.event_nominations": ("GET", lambda w: f"/events/{w.c['event']}/nominations", ORGANISERS),
    "registration.nominate": ("GET", lambda w: f"/events/{w.c['event']}/nominate", ORGANISERS),
    "registration.enrol": ("GET", lambda w: f"/events/{w.c['unit_event']}/enrol", ORGANISERS),
    "registration.award_places": ("GET", lambda w: f"/events/{w.c['unit_event']}/award-places", ORGANISERS),
    "registration.apply": ("POST", lambda w: f"/events/{w.c['event']}/apply", LOGGED_IN),
    "registration.nomination": ("GET", lambda w: f"/nominations/{w.c['nomination']}", NOMINATION_VIEWERS),
    "registration.approve": ("POST", lambda w: f"/nominations/{w.c['nomination']}/approve", ABOVE_TEAM_A_REVIEW),
    "registration.reject": ("POST", lambda w: f"/nominations/{w.c['nomination']}/reject", ABOVE_TEAM_A_REVIEW),
    "registration.withdraw": ("POST", lambda w: f"/nominations/{w.c['nomination']}/withdraw", NOMINATION_VIEWERS),
    "registration.waiting": ("GET", lambda w: "/nominations/waiting", ORGANISERS),
    "registration.my_entries": ("GET", lambda w: "/my/entries", LOGGED_IN),
    "registration.import_nominations": ("GET", lambda w: f"/contests/{w.c['contest']}/nominations/import", ORGANISERS),
    "registration.import_template": ("GET", lambda w: f"/contests/{w.c['contest']}/nominations/template", ORGANISERS),
    "registration.draw": ("GET", lambda w: f"/events/{w.c['event']}/draw", ORGANISERS),
    "registration.sign_in_pdf": ("GET", lambda w: f"/events/{w.c['event']}/sign-in.pdf", HOST),
    "registration.draw_xlsx": ("GET", lambda w: f"/events/{w.c['event']}/draw.xlsx", HOST),
    "judging.my_events": ("GET", lambda w: "/judging/", frozenset({"admin", "judge"})),
    "judging.tablet": ("GET", lambda w: f"/judging/events/{w.c['event']}", frozenset({"judge"})),
    "judging.judges": ("GET", lambda w: f"/events/{w.c['event']}/judges", HOST),
    "judging.make_chief": ("POST", lambda w: f"/events/{w.c['event']}/judges/{w.users['judge'].id}/chief", HOST),
    "judging.remove_judge": ("POST", lambda w: f"/events/{w.c['event']}/judges/{w.users['judge'].id}/remove", HOST),
    "judging.scores": ("GET", lambda w: f"/events/{w.c['event']}/scores", HOST | {"judge"}),
    "judging.sign_off": ("POST", lambda w: f"/events/{w.c['event']}/sign-off", frozenset({"judge"})),
    "judging.correct": ("POST", lambda w: f"/events/{w.c['event']}/corrections", frozenset({"admin", "judge"})),
    "judging.audit_log": ("GET", lambda w: f"/events/{w.c['event']}/audit", HOST | {"judge"}),
    "judging.audit_xlsx": ("GET", lambda w: f"/events/{w.c['event']}/audit.xlsx", HOST | {"judge"}),
    "api.score_sheet": ("GET", lambda w: f"/api/v1/events/{w.c['event']}/sheet", frozenset({"judge"})),
    "api.put_scores": ("PUT", lambda w: f"/api/v1/events/{w.c['event']}/scores", frozenset({"judge"})),
    "results.ranking": ("GET", lambda w: f"/events/{w.c['event']}/results", HOST | {"judge"}),
    "results.compute": ("POST", lambda w: f"/events/{w.c['event']}/results/compute", HOST),
    "results.publish": ("POST", lambda w: f"/contests/{w.c['contest']}/publish", HOST),
    "results.finalise": ("POST", lambda w: f"/contests/{w.c['contest']}/finalise", HOST),
    "results.resolve": ("POST", lambda w: f"/objections/{w.c['objection']}/resolve", HOST),
    "results.link_final": ("POST", lambda w: f"/events/{w.c['event']}/final", HOST),
    "results.promote": ("POST", lambda w: f"/events/{w.c['event']}/promote", HOST),
    "results.export_xlsx": ("GET", lambda w: f"/events/{w.c['event']}/results.xlsx", HOST | {"judge"}),
    "results.export_pdf": ("GET", lambda w: f"/events/{w.c['event']}/results.pdf", HOST | {"judge"}),
    "results.public_index": ("GET", lambda w: "/public/results/", PUBLIC),
    "results.public_ranking": ("GET", lambda w: f"/public/results/{w.c['final_event']}", PUBLIC),
    "results.object_to": ("POST", lambda w: f"/public/results/{w.c['final_event']}/objections", LOGGED_IN),
    "api.event_ranking": ("GET", lambda w: f"/api/v1/events/{w.c['event']}/ranking", HOST | {"judge"}),
    "certificates.mine": ("GET", lambda w: "/my/certificates", LOGGED_IN),
    "certificates.download": ("GET", lambda w: f"/certificates/{w.c['certificate']}.pdf", HOST | {"worker"}),
    "certificates.event_certificates": ("GET", lambda w: f"/events/{w.c['final_event']}/certificates", HOST),
    "certificates.issue": ("POST", lambda w: f"/events/{w.c['final_event']}/certificates/issue", HOST),
    "certificates.revoke": ("POST", lambda w: f"/certificates/{w.c['certificate']}/revoke", HOST),
    "certificates.reissue": ("POST", lambda w: f"/certificates/{w.c['certificate']}/reissue", HOST),
    "certificates.settings": ("POST", lambda w: f"/contests/{w.c['contest']}/certificate-settings", HOST),
    "certificates.merged": ("GET", lambda w: f"/events/{w.c['final_event']}/certificates.pdf", HOST),
    "certificates.archive": ("GET", lambda w: f"/events/{w.c['final_event']}/certificates.zip", HOST),
    "notifications.inbox": ("GET", lambda w: "/notifications", LOGGED_IN),
    "notifications.read_all": ("POST", lambda w: "/notifications/read", LOGGED_IN),
    "notifications.open_": ("POST", lambda w: f"/notifications/{w.c['notification']}/open", {"worker"}),
    "certificates.verify_form": ("GET", lambda w: "/verify/", PUBLIC),
    "certificates.verify": ("GET", lambda w: f"/verify/{w.c['certificate_code']}", PUBLIC),
    "api.certificate": ("GET", lambda w: f"/api/v1/certificates/{w.c['certificate_code']}", PUBLIC),
    "merit.periods": ("GET", lambda w: f"/contests/{w.c['published']}/periods", PUBLIC),
    "merit.export_xlsx": ("GET", lambda w: f"/contests/{w.c['published']}/periods.xlsx", PUBLIC),
    "merit.start_series": ("POST", lambda w: f"/contests/{w.c['contest']}/periods/start", HOST),
    "merit.add_next_period": ("POST", lambda w: f"/events/{w.c['event']}/periods/next", HOST),
    "merit.cumulative": ("GET", lambda w: f"/events/{w.c['cumulative']}/cumulative", HOST),
    "merit.confirm": ("POST", lambda w: f"/events/{w.c['cumulative']}/cumulative/confirm", HOST),
    "certificates.plaque": ("GET", lambda w: f"/certificates/{w.c['certificate']}/plaque.pdf", HOST | {"worker"}),
    "methods.setup": ("GET", lambda w: f"/events/{w.c['event']}/method", HOST),
    "indicators.builder": ("GET", lambda w: f"/events/{w.c['event']}/indicators", HOST),
    "indicators.add_section": ("POST", lambda w: f"/events/{w.c['event']}/indicators/sections", HOST),
    "indicators.move": ("POST", lambda w: f"/events/{w.c['event']}/indicators/s0/up", HOST),
    "indicators.remove": ("POST", lambda w: f"/events/{w.c['event']}/indicators/s0/remove", HOST),
    "indicators.copy": ("POST", lambda w: f"/events/{w.c['event']}/indicators/copy", HOST),
    "methods.entry": ("GET", lambda w: f"/events/{w.c['event']}/entry", frozenset({"judge"})),
    "brackets.view": ("GET", lambda w: f"/brackets/events/{w.c['bracket_event']}", HOST | {"judge"}),
    "brackets.setup": ("GET", lambda w: f"/brackets/events/{w.c['bracket_event']}/setup", HOST),
    "brackets.discard": ("POST", lambda w: f"/brackets/events/{w.c['bracket_event']}/discard", HOST),
    "brackets.match": ("GET", lambda w: f"/brackets/matches/{w.c['match']}", {"admin", "judge"}),
    "brackets.sign_off": ("POST", lambda w: f"/brackets/events/{w.c['bracket_event']}/sign-off", {"judge"}),
    "brackets.audit_log": ("GET", lambda w: f"/brackets/events/{w.c['bracket_event']}/audit", HOST | {"judge"}),
    "brackets.audit_xlsx": ("GET", lambda w: f"/brackets/events/{w.c['bracket_event']}/audit.xlsx", HOST | {"judge"}),
    "api.event_bracket": ("GET", lambda w: f"/api/v1/events/{w.c['bracket_event']}/bracket", HOST | {"judge"}),
    "api.put_match": ("PUT", lambda w: f"/api/v1/matches/{w.c['match']}", {"judge"}),
    "api.match": ("GET", lambda w: f"/api/v1/matches/{w.c['match']}", HOST | {"judge"}),
    "api.my_events": ("GET", lambda w: "/api/v1/me/events", LOGGED_IN),
    "api.sign_off": ("POST", lambda w: f"/api/v1/events/{w.c['event']}/sign-off", frozenset({"judge"})),
    "api.event_scores": ("GET", lambda w: f"/api/v1/events/{w.c['event']}/scores", HOST | {"judge"}),
    "api.event_completeness": ("GET", lambda w: f"/api/v1/events/{w.c['event']}/completeness", HOST | {"judge"}),
    "api.openapi": ("GET", lambda w: "/api/v1/openapi.json", PUBLIC),
    "api.docs": ("GET", lambda w: "/api/v1/docs", PUBLIC),
    "api.contests": ("GET", lambda w: "/api/v1/contests", LOGGED_IN),
    "api.contest": ("GET", lambda w: f"/api/v1/contests/{w.c['contest']}", LOGGED_IN),
    "api.create_token": ("POST", lambda w: "/api/v1/tokens", PUBLIC),
    "api.delete_token": ("DELETE", lambda w: "/api/v1/tokens", LOGGED_IN),
    "api.me": ("GET", lambda w: "/api/v1/me", LOGGED_IN),
    "api.organisations": ("GET", lambda w: "/api/v1/organisations", ORGANISERS),
    "ops.healthz": ("GET", lambda w: "/healthz", PUBLIC),
    "ops.readyz": ("GET", lambda w: "/readyz", PUBLIC),
    "ops.prometheus": ("GET", lambda w: "/metrics", PUBLIC),  # by client address, not by role (tests/app/test_ops.py)
    "offline.service_worker": ("GET", lambda w: "/sw.js", PUBLIC),
    "offline.device_token": ("POST", lambda w: "/device-token", frozenset({"admin", "judge"})),
    "dashboard.index": ("GET", lambda w: "/dashboard/", ORGANISERS),
    "dashboard.export": ("GET", lambda w: "/dashboard/export.xlsx", ORGANISERS),
    "dashboard.targets": ("GET", lambda w: "/dashboard/targets", ORGANISERS),
    "dashboard.safety_coverage": ("GET", lambda w: "/dashboard/safety-coverage", ORGANISERS),
    "dashboard.safety_coverage_export": ("GET", lambda w: "/dashboard/safety-coverage.xlsx", ORGANISERS),
    "dashboard.worker": ("GET", lambda w: "/my/", LOGGED_IN),
    "portal.index": ("GET", lambda w: "/portal/", PUBLIC),
    "portal.contest": ("GET", lambda w: f"/portal/contests/{w.c['contest']}", PUBLIC),
    "portal.announcements": ("GET", lambda w: "/portal/announcements/", PUBLIC),
    "portal.announcement": ("GET", lambda w: f"/portal/announcements/{w.c['announcement']}", PUBLIC),
    "portal.attachment": ("GET", lambda w: f"/portal/files/{w.c['attachment']}", PUBLIC),
    "portal.manage_announcements": ("GET", lambda w: "/announcements/manage", ORGANISERS),
    "portal.withdraw": ("POST", lambda w: f"/announcements/{w.c['announcement']}/withdraw", HOST),  # posted by the city
    "portal.rules_documents": ("GET", lambda w: f"/contests/{w.c['contest']}/rules-documents", HOST),
    "portal.remove_rules": ("POST", lambda w: f"/rules-documents/{w.c['rules_document']}/delete", HOST),
    # 运维一班's self-assessment: its own and its enterprise's organisers write; the units above read; the world's
    # judge (of 柯城电力) is assigned but in conflict with the team, so he is refused too.
    "assessments.mine": ("GET", lambda w: "/assessments/", ORGANISERS),
    "assessments.overview": ("GET", lambda w: f"/events/{w.c['unit_event']}/assessments", ORGANISERS),
    "assessments.show": ("GET", lambda w: f"/events/{w.c['unit_event']}/assessments/{w.c['unit_entry']}", OVER_TEAM_A),
    "assessments.evidence": ("GET", lambda w: f"/evidence/{w.c['evidence']}", OVER_TEAM_A),
    "assessments.upload": ("POST", lambda w: f"/events/{w.c['unit_event']}/assessments/{w.c['unit_entry']}/evidence", UNIT_WRITERS),
    "assessments.submit": ("POST", lambda w: f"/events/{w.c['unit_event']}/assessments/{w.c['unit_entry']}/submit", UNIT_WRITERS),
    "assessments.remove_evidence": ("POST", lambda w: f"/evidence/{w.c['evidence']}/delete", UNIT_WRITERS),
}


def contest_ids(world) -> dict[str, int]:
    """An open city contest with one event and a nomination waiting at team_a, and a city draft."""
    from contest.services import registration
    from tests.contest_factories import make_contest

    contest = make_contest(world.users["city"])
    event = contest.events[0]
    nomination = registration.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    draft = make_contest(world.users["city"], title="草稿", open_=False)
    from contest.services import contests as contest_service
    from contest.services.contests import EventInput

    cumulative = contest_service.create_event(world.users["city"], draft.id, EventInput("累计排名", kind="unit", method="period_total"))
    from contest.services import judging

    judging.assign_judge(world.users["city"], event.id, world.users["judge"].id, chief=True)
    # a published contest (for the public pages) with an objection
    from contest.clock import today
    from contest.domain.contests import ContestStatus
    from contest.extensions import db
    from contest.models import Objection, Publication, utcnow

    published = make_contest(world.users["city"], title="已公示")
    nomination = registration.nominate(world.users["city"], published.events[0].id, [world.users["worker"].id])
    published.status = ContestStatus.PUBLISHED
    db.session.add(Publication(contest_id=published.id, notice_until=utcnow().replace(year=today().year + 1)))
    objection = Objection(event_id=published.events[0].id, filed_by_id=world.users["worker"].id, text="异议")
    db.session.add(objection)
    db.session.commit()
    # a certificate of the worker's, in that contest
    from contest.models import Certificate

    certificate = Certificate(host_id=published.host_id, year=published.year, seq=1, serial="QZ-2026-000001", code="matrix-code-0001",
                              event_id=published.events[0].id, nomination_id=nomination.id, user_id=world.users["worker"].id,
                              kind="award", label="一等奖", holder_name="张小三", contest_title=published.title, event_name="电工",
                              issuer="衢州市总工会", issued_on=today())
    db.session.add(certificate)
    from sqlalchemy import select

    from contest.models import Attachment, Notification

    notification = Notification(user_id=world.users["worker"].id, kind="certificates_issued", params={"event": "电工", "contest": published.title})
    db.session.add(notification)
    db.session.commit()
    bracket_event, match = _bracket(world)
    component = event.components[1]
    from contest.services import portal

    announcement = portal.post_announcement(world.users["city"], "通知", "正文", [portal.Upload("通知.pdf", b"%PDF-1.4 matrix")])
    attachment = db.session.scalar(select(Attachment.id).where(Attachment.announcement_id == announcement.id))
    rules_document = portal.add_rules_document(world.users["city"], contest.id, portal.Upload("规程.pdf", b"%PDF-1.4 rules"))
    unit_event, unit_entry, evidence = _unit_entry(world)
    return {"unit_event": unit_event, "unit_entry": unit_entry, "evidence": evidence, "bracket_event": bracket_event, "match": match,"contest": contest.id, "event": event.id, "nomination": nomination.id, "draft": draft.id,
            "draft_event": draft.events[0].id, "component": component.id, "criterion": component.criteria[0].id,
            "final_event": published.events[0].id, "objection": objection.id, "certificate": certificate.id,
            "certificate_code": certificate.code, "notification": notification.id, "announcement": announcement.id,
            "attachment": attachment, "rules_document": rules_document.id, "published": published.id, "cumulative": cumulative.id}


def _bracket(world) -> tuple[int, int]:
    """A running city contest with a single-elimination event of two entries from 衢江机械 (so the world's
    judge, of 柯城电力, is not in conflict), its bracket drawn up; the world's judge is its chief judge."""
    from contest.domain.contests import ContestStatus
    from contest.models import Match
    from contest.services import brackets, contests, draws, judging, registration
    from contest.services.contests import EventInput
    from tests.contest_factories import make_contest

    city = world.users["city"]
    contest = make_contest(city, title="职工技能运动会", events=(), open_=False)
    event = contests.create_event(city, contest.id, EventInput("乒乓球", bracket_format="single_elimination"))
    contests.change_status(city, contest.id, ContestStatus.OPEN)
    from contest.models import Role
    from tests.factories import make_user

    welder = make_user("welder_b", world.orgs["team_b"], {Role.WORKER}, world.users["worker_b"].password_hash, "王五")
    for user in (world.users["worker_b"], welder):
        registration.nominate(city, event.id, [user.id])
    contests.change_status(city, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(city, event.id)
    contests.change_status(city, contest.id, ContestStatus.RUNNING)
    judging.assign_judge(city, event.id, world.users["judge"].id, chief=True)
    plan = brackets.generate(city, event.id, brackets.Setup())
    from sqlalchemy import select

    from contest.extensions import db

    match = db.session.scalar(select(Match.id).where(Match.bracket_id == plan.id))
    return event.id, match


def _unit_entry(world) -> tuple[int, int, int]:
    """A city 安康杯 contest with 运维一班 (team_a) entered and confirmed, one evidence file of its self-assessment;
    the world's judge (of 柯城电力, the team's enterprise) is assigned to the event."""
    from contest.domain.contests import ContestStatus
    from contest.services import assessments, contests, judging, registration
    from contest.services.contests import EventInput
    from tests.contest_factories import add_simple_rubric, make_contest

    city = world.users["city"]
    contest = make_contest(city, title="安康杯", events=(), open_=False)
    event = contests.create_event(city, contest.id, EventInput("优胜班组", kind="unit"))
    add_simple_rubric(city, event.id)
    contests.change_status(city, contest.id, ContestStatus.OPEN)
    entry = registration.nominate_unit(city, event.id, world.orgs["team_a"].id)
    judging.assign_judge(city, event.id, world.users["judge"].id)
    evidence = assessments.add_evidence(world.users["team_a"], entry.id, "台账.pdf", b"%PDF-1.4 matrix evidence")
    return event.id, entry.id, evidence.id


def test_every_route_has_a_matrix_entry_and_an_access_declaration():
    app = create_app(TestConfig)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - MATRIX.keys() == set(), "new routes need an entry in MATRIX"
    assert MATRIX.keys() - endpoints == set(), "MATRIX names routes that no longer exist"
    undeclared = [e for e in endpoints if not hasattr(app.view_functions[e], "access")]
    assert undeclared == [], "every view needs @public, @login_required, @roles_required or @token_required"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The world and the contest data, built once; every test works on a copy of this database file."""
    path = tmp_path_factory.mktemp("matrix") / "template.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        world = build_world("Passw0rd!")
        ids = SimpleNamespace(
            orgs={k: SimpleNamespace(id=v.id) for k, v in world.orgs.items()},
            users={k: SimpleNamespace(id=v.id, username=v.username) for k, v in world.users.items()},
            c=contest_ids(world),
        )
        db.session.remove()
        db.engine.dispose()
    return path, ids


@pytest.fixture
def matrix_client(template, tmp_path):
    path, ids = template
    copy = tmp_path / "db.sqlite3"
    shutil.copyfile(path, copy)
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}"})
    with app.app_context():
        yield app.test_client(), ids
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_access(endpoint, role, matrix_client):
    client, world = matrix_client
    method, path_for, allowed = MATRIX[endpoint]
    path = path_for(world)
    headers = {}
    api = path.startswith("/api/")
    if role != "anonymous":
        if api:
            token = client.post("/api/v1/tokens", json={"username": world.users[role].username, "password": "Passw0rd!"})
            headers["Authorization"] = f"Bearer {token.get_json()['token']}"
        else:
            response = client.post("/login", data={"username": world.users[role].username, "password": "Passw0rd!"})
            assert response.status_code == 302
    response = client.open(path, method=method, headers=headers, json={} if api and method in ("POST", "PUT") else None)
    status, location = response.status_code, response.headers.get("Location", "")
    if role in allowed:
        assert status in (200, 201, 204, 302, 409, 422), (status, location)  # 409: allowed, but not in this state
        if endpoint != "auth.logout":
            assert not location.startswith("/login"), "an allowed role was sent to the login page"
        if api and endpoint == "api.create_token":
            assert status == 422  # empty body: the error format, not an authentication failure
    elif role == "anonymous":
        if api:
            assert status == 401 and response.get_json()["error"]["code"] == "unauthorized"
        else:
            assert status == 302 and location.startswith("/login")
    else:
        assert status == 403, (status, location)
