"""Brackets through the services: generation from seeds, results, auto-advance, corrections that re-flow,
sign-off, placements → ranking → awards; and the pages and API for every role that uses them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError
from contest.extensions import db
from contest.models import EventResult, Match, MatchAudit
from contest.services import PermissionDenied, brackets, contests, results
from tests.bracket_factories import BracketScene, bracket_event


def ready(scene: BracketScene, judge=None):
    return [m for m in brackets.bracket_view(judge or scene.chief, scene.event.id).matches if m.state == "ready"]


def favourite_wins(m) -> brackets.Entry:
    """The better seed wins 21:15."""
    if m.home.seed < m.away.seed:
        return brackets.Entry("home", 21, 15)
    return brackets.Entry("away", 15, 21)


def play_all(scene: BracketScene, decide=favourite_wins) -> int:
    played = 0
    while matches := ready(scene):
        brackets.record_result(scene.chief, matches[0].id, decide(matches[0]))
        played += 1
    return played


def draw_up(world, scene: BracketScene, **options) -> brackets.BracketView:
    brackets.generate(world.users["city"], scene.event.id, brackets.Setup(**options))
    return brackets.bracket_view(world.users["city"], scene.event.id)


def match_by_key(scene: BracketScene, key: str):
    return next(m for m in brackets.bracket_view(scene.chief, scene.event.id).matches if m.key == key)


# ---------------------------------------------------------------------------------------------- formats end to end


def test_thirteen_entrant_single_elimination_gives_byes_to_seeds_1_to_3_and_plays_to_a_champion(world):
    scene = bracket_event(world, "single_elimination", 13)
    view = draw_up(world, scene, third_place=True)
    assert [s.seed for s in view.byes()] == [1, 2, 3]
    assert len([m for m in view.matches if m.part == "W"]) == 12  # n − 1 matches
    assert len(ready(scene)) == 5  # round 1: seeds 4–13
    assert play_all(scene) == 13  # 12 + the third-place match
    view = brackets.bracket_view(scene.chief, scene.event.id)
    champion = next(p for p in view.placements if p.place == 1)
    assert view.sides[champion.entrant_id].seed == 1
    assert [p.place for p in view.placements][:4] == [1, 2, 3, 4]
    assert [p.place for p in view.placements][4:8] == [5, 5, 5, 5]


def test_six_entrant_round_robin_every_pair_meets_once_with_standings(world):
    scene = bracket_event(world, "round_robin", 6)
    view = draw_up(world, scene)
    assert len(view.matches) == 15
    pairs = {frozenset((m.home.nomination_id, m.away.nomination_id)) for m in view.matches}
    assert len(pairs) == 15
    play_all(scene)
    view = brackets.bracket_view(scene.chief, scene.event.id)
    assert [(s.place, s.won, s.points) for s in view.standings] == [(1, 5, 15), (2, 4, 12), (3, 3, 9), (4, 2, 6), (5, 1, 3), (6, 0, 0)]
    assert [view.sides[s.entrant_id].seed for s in view.standings] == [1, 2, 3, 4, 5, 6]


@pytest.mark.db
def test_nine_entrant_four_round_swiss_pairs_each_round_when_the_last_one_finishes(world):
    scene = bracket_event(world, "swiss", 9)
    view = draw_up(world, scene, rounds=4)
    assert {m.round for m in view.matches} == {1}
    assert len([m for m in view.matches if m.state == "bye"]) == 1
    play_all(scene)
    view = brackets.bracket_view(scene.chief, scene.event.id)
    assert {m.round for m in view.matches} == {1, 2, 3, 4}
    byes = [m.home.nomination_id for m in view.matches if m.state == "bye"]
    assert len(byes) == 4 and len(set(byes)) == 4  # a bye at most once per entrant
    met = [frozenset((m.home.nomination_id, m.away.nomination_id)) for m in view.matches if m.state == "finished"]
    assert len(met) == len(set(met))  # no rematch
    assert len(view.placements) == 9
    assert sum(s.points for s in view.standings) == 16 + 4  # 16 games worth 1 point, 4 byes worth 1
    assert view.standings[0].buchholz >= 0


def test_eight_entrant_double_elimination_reaches_the_grand_final_and_its_reset(world):
    scene = bracket_event(world, "double_elimination", 8)
    draw_up(world, scene, grand_final_reset=True)

    def losers_bracket_winner_takes_the_first_grand_final(m):
        if m.key == "GF1":
            return brackets.Entry("away", 19, 21)
        return favourite_wins(m)

    play_all(scene, losers_bracket_winner_takes_the_first_grand_final)
    view = brackets.bracket_view(scene.chief, scene.event.id)
    gf1, gf2 = match_by_key(scene, "GF1"), match_by_key(scene, "GF2")
    assert gf1.home.seed == 1 and gf1.away.seed == 2
    assert gf2.state == "finished" and gf2.home.seed == 1  # the reset was played; seed 1 took it
    assert [(view.sides[p.entrant_id].seed, p.place) for p in view.placements][:4] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    losses = {}
    for m in view.matches:
        if m.state == "finished":
            loser = m.away if m.winner_id == m.home.nomination_id else m.home
            losses[loser.nomination_id] = losses.get(loser.nomination_id, 0) + 1
    champion = view.placements[0].entrant_id
    assert all(count == 2 for entrant, count in losses.items() if entrant != champion)
    assert len(losses) == 8


def test_the_reset_is_void_when_the_winners_bracket_champion_wins_the_grand_final(world):
    scene = bracket_event(world, "double_elimination", 4)
    draw_up(world, scene, grand_final_reset=True)
    play_all(scene)
    assert match_by_key(scene, "GF2").state == "void"
    assert brackets.bracket_view(scene.chief, scene.event.id).finished


# ---------------------------------------------------------------------------------------------- corrections


@pytest.mark.db
def test_a_corrected_early_result_reflows_after_confirmation_and_is_audited(world):
    scene = bracket_event(world, "single_elimination", 8)
    draw_up(world, scene)
    first = match_by_key(scene, "W1-1")
    brackets.record_result(scene.chief, first.id, favourite_wins(first))
    second = match_by_key(scene, "W1-2")
    brackets.record_result(scene.chief, second.id, favourite_wins(second))
    semi = match_by_key(scene, "W2-1")
    brackets.record_result(scene.chief, semi.id, favourite_wins(semi))
    assert semi.home.seed == 1

    upset = brackets.Entry("away", 18, 21, reason="记分员报错比分", version=1)
    with pytest.raises(brackets.NeedsConfirmation) as refused:
        brackets.record_result(scene.chief, first.id, upset)
    assert refused.value.affected == ["W2-1"]
    assert match_by_key(scene, "W2-1").state == "finished"  # nothing changed

    brackets.record_result(scene.chief, first.id, brackets.Entry("away", 18, 21, reason="记分员报错比分", version=1, confirm=True))
    semi = match_by_key(scene, "W2-1")
    assert semi.state == "ready" and semi.home.nomination_id == first.away.nomination_id  # the corrected winner plays on
    kinds = list(db.session.scalars(select(MatchAudit.kind).where(MatchAudit.event_id == scene.event.id).order_by(MatchAudit.id)))
    assert kinds == ["entry", "entry", "entry", "cleared", "correction"]
    cleared = db.session.scalar(select(MatchAudit).where(MatchAudit.kind == "cleared"))
    assert cleared.caused_by == "W1-1" and cleared.old["winner_id"] is not None and cleared.new is None


def test_a_score_only_correction_clears_nothing(world):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    play_all(scene)
    semi = match_by_key(scene, "W1-1")
    brackets.record_result(scene.chief, semi.id, brackets.Entry("home", 21, 19, reason="比分录错", version=1))
    assert brackets.bracket_view(scene.chief, scene.event.id).finished


def test_stale_versions_conflict_and_replays_change_nothing(world):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    m = ready(scene)[0]
    brackets.record_result(scene.chief, m.id, brackets.Entry("home", 21, 10, version=0))
    brackets.record_result(scene.chief, m.id, brackets.Entry("home", 21, 10, version=0))  # the same again: a replay
    assert db.session.scalar(select(func.count(MatchAudit.id))) == 1
    with pytest.raises(brackets.StaleMatch) as stale:
        brackets.record_result(scene.chief, m.id, brackets.Entry("away", 10, 21, version=0, reason="另一台平板"))
    assert stale.value.current["version"] == 1 and stale.value.current["home_score"] == 21


@pytest.mark.parametrize(("entry", "message"), [
    (brackets.Entry("draw", 10, 10), "A draw is not allowed in an elimination match."),
    (brackets.Entry("home", 10, 21), "The winner cannot have the lower score."),
    (brackets.Entry("draw", 0, 0, kind="walkover"), "A walk-over or a retirement has a winner."),
])
def test_inconsistent_results_are_refused(world, entry, message):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    with pytest.raises(DomainError) as refused:
        brackets.record_result(scene.chief, ready(scene)[0].id, entry)
    assert refused.value.message == message
    assert db.session.scalar(select(func.count(Match.id)).where(Match.has_result.is_(True))) == 0


def test_walkover_and_retirement_advance_the_winner(world):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    first, second = ready(scene)
    brackets.record_result(scene.chief, first.id, brackets.Entry("away", 5, 5, kind="walkover"))
    brackets.record_result(scene.chief, second.id, brackets.Entry("home", 3, 8, kind="retired"))
    final = match_by_key(scene, "W2-1")
    assert final.state == "ready" and final.home.nomination_id == first.away.nomination_id
    stored = db.session.get(Match, first.id)
    assert (stored.kind, stored.home_score, stored.away_score) == ("walkover", 0, 0)


def test_a_changed_result_needs_a_reason(world):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    m = ready(scene)[0]
    brackets.record_result(scene.chief, m.id, brackets.Entry("home", 21, 10))
    with pytest.raises(DomainError, match="reason"):
        brackets.record_result(scene.chief, m.id, brackets.Entry("home", 21, 12))


def test_a_judge_never_judges_a_match_of_his_own_enterprise(world):
    scene = bracket_event(world, "single_elimination", 4)  # entrants alternate 柯城电力 / 衢江机械
    draw_up(world, scene, avoid_same_unit=True)
    m = ready(scene)[0]  # every round-1 match has one entry of each enterprise
    with pytest.raises(PermissionDenied):
        brackets.record_result(scene.judge, m.id, favourite_wins(m))


def test_only_assigned_judges_record_results(world):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    with pytest.raises(PermissionDenied):
        brackets.record_result(world.users["city"], ready(scene)[0].id, brackets.Entry("home", 2, 1))


# ---------------------------------------------------------------------------------------------- generation


def rank_event_for(world, nomination_ids: list[int]) -> tuple[int, list[int]]:
    """A qualifying event of the same workers with a stored ranking in reverse order of ``nomination_ids``;
    returns its id and the bracket's nominations in the expected seed order."""
    from contest.models import Nomination
    from contest.services import registration
    from tests.contest_factories import make_contest

    city = world.users["city"]
    qualifying = make_contest(city, title="资格赛").events[0]
    expected = list(reversed(nomination_ids))
    for rank, nomination_id in enumerate(expected, start=1):
        members = [m.user_id for m in db.session.get(Nomination, nomination_id).members]
        entry = registration.nominate(city, qualifying.id, members)
        db.session.add(EventResult(event_id=qualifying.id, nomination_id=entry.id, rank=rank, total_x100=10000 - rank, components={}, titles=[]))
    db.session.commit()
    return qualifying.id, expected



def test_manual_seeds_must_be_a_permutation(world):
    scene = bracket_event(world, "single_elimination", 4)
    city = world.users["city"]
    numbers = sorted(scene.nominations)
    with pytest.raises(DomainError, match="missing"):
        brackets.generate(city, scene.event.id, brackets.Setup("manual", manual_seeds={numbers[0]: 1}))
    with pytest.raises(DomainError, match="each used once"):
        brackets.generate(city, scene.event.id, brackets.Setup("manual", manual_seeds={n: 1 for n in numbers}))
    seeds = {numbers[0]: 4, numbers[1]: 3, numbers[2]: 2, numbers[3]: 1}
    brackets.generate(city, scene.event.id, brackets.Setup("manual", manual_seeds=seeds))
    view = brackets.bracket_view(city, scene.event.id)
    assert {s.number: s.seed for s in view.sides.values()} == seeds


def test_seeds_from_the_ranking_of_a_qualifying_event(world):
    scene = bracket_event(world, "single_elimination", 4)
    qualifying, order = rank_event_for(world, [scene.nominations[n] for n in sorted(scene.nominations)])
    brackets.generate(world.users["city"], scene.event.id, brackets.Setup("ranking", ranked_event_id=qualifying))
    view = brackets.bracket_view(world.users["city"], scene.event.id)
    assert [view.sides[e.id].nomination_id for e in view.structure.entrants] == order


def test_a_bracket_cannot_be_drawn_up_again_once_results_exist(world):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    draw_up(world, scene, third_place=True)  # a draft may be replaced
    brackets.record_result(scene.chief, ready(scene)[0].id, brackets.Entry("home", 2, 1))
    with pytest.raises(DomainError, match="no longer"):
        brackets.generate(world.users["city"], scene.event.id, brackets.Setup())
    with pytest.raises(DomainError, match="no longer"):
        brackets.discard(world.users["city"], scene.event.id)


def test_only_the_host_draws_up_and_only_for_bracket_events(world):
    scene = bracket_event(world, "single_elimination", 4)
    with pytest.raises(PermissionDenied):
        brackets.generate(world.users["county_a"], scene.event.id, brackets.Setup())
    from tests.contest_factories import make_contest

    scored = make_contest(world.users["city"], title="电工比武").events[0]
    with pytest.raises(DomainError, match="marks"):
        brackets.generate(world.users["city"], scored.id, brackets.Setup())


# ---------------------------------------------------------------------------------------------- sign-off → results → awards


@pytest.mark.db
def test_placements_become_the_ranking_and_awards(world):
    scene = bracket_event(world, "single_elimination", 8)
    city = world.users["city"]
    contests.set_ranking_rules(city, scene.event.id, [], {
        **contests.DEFAULT_AWARD_SCHEME, "mode": "count",
        "tiers": [{"name": "一等奖", "value": "1"}, {"name": "二等奖", "value": "1"}, {"name": "三等奖", "value": "2"}]})
    draw_up(world, scene)
    with pytest.raises(DomainError, match="not finished"):
        brackets.sign_off(scene.chief, scene.event.id)
    play_all(scene)
    with pytest.raises(PermissionDenied):
        brackets.sign_off(scene.judge, scene.event.id)  # not the chief judge
    brackets.sign_off(scene.chief, scene.event.id)
    assert scene.event.contest.status == ContestStatus.SCORED  # its only event
    results.compute_results(city, scene.event.id)
    rows = list(db.session.scalars(select(EventResult).where(EventResult.event_id == scene.event.id).order_by(EventResult.rank, EventResult.id)))
    assert [(r.rank, r.award) for r in rows] == [(1, "一等奖"), (2, "二等奖"), (3, "三等奖"), (3, "三等奖"),
                                                 (5, None), (5, None), (5, None), (5, None)]
    assert [r.total_x100 for r in rows][:2] == [300, 200]  # matches won

    # after sign-off: ordinary judges are locked out, the chief judge corrects with a reason
    final = match_by_key(scene, "W3-1")
    with pytest.raises(DomainError, match="chief judge"):
        brackets.record_result(scene.judge, final.id, brackets.Entry("away", 15, 21, reason="x"))
    brackets.record_result(scene.chief, final.id, brackets.Entry("away", 15, 21, reason="裁判长复核录像", version=1))
    results.compute_results(city, scene.event.id)
    champion = db.session.scalar(select(EventResult).where(EventResult.event_id == scene.event.id, EventResult.rank == 1))
    assert champion.nomination_id == final.away.nomination_id


def test_round_robin_results_show_points(world):
    scene = bracket_event(world, "round_robin", 4)
    draw_up(world, scene)
    play_all(scene)
    brackets.sign_off(scene.chief, scene.event.id)
    results.compute_results(world.users["city"], scene.event.id)
    totals = list(db.session.scalars(select(EventResult.total_x100).where(EventResult.event_id == scene.event.id).order_by(EventResult.rank)))
    assert totals == [900, 600, 300, 0]


# ---------------------------------------------------------------------------------------------- pages and API


def login(client, username: str) -> None:
    from tests.conftest import PASSWORD

    client.get("/locale/zh_CN")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


def token_for(client, username: str) -> dict:
    from tests.conftest import PASSWORD

    token = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_the_host_draws_up_a_bracket_from_the_setup_page(world, client, login_as):
    scene = bracket_event(world, "single_elimination", 5)
    login_as("city")
    page = client.get(f"/brackets/events/{scene.event.id}/setup")
    assert page.status_code == 200 and "编排对阵表" in page.get_data(as_text=True)
    numbers = sorted(scene.nominations)
    refused = client.post(f"/brackets/events/{scene.event.id}/setup", data={"seeding": "manual", f"seed-{numbers[0]}": "x"})
    assert refused.status_code == 422 and "种子号须为整数" in refused.get_data(as_text=True)
    form = {"seeding": "manual", "third_place": "1", "avoid_same_unit": "1", **{f"seed-{n}": str(i) for i, n in enumerate(reversed(numbers), start=1)}}
    response = client.post(f"/brackets/events/{scene.event.id}/setup", data=form)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "单败淘汰赛" in page and "首轮轮空" in page and "季军赛" in page
    assert page.count('data-testid="bye"') == 3


def test_a_judge_records_and_corrects_on_the_match_page(world, client):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    login(client, "chief")
    first = match_by_key(scene, "W1-1")
    page = client.get(f"/brackets/matches/{first.id}")
    assert page.status_code == 200 and "胜方" in page.get_data(as_text=True)
    bad = client.post(f"/brackets/matches/{first.id}", data={"winner": "home", "home_score": "3", "away_score": "21"})
    assert bad.status_code == 422 and "胜方比分不能低于负方" in bad.get_data(as_text=True)
    saved = client.post(f"/brackets/matches/{first.id}", data={"winner": "home", "home_score": "21", "away_score": "3", "version": "0"})
    assert saved.status_code == 302 and f"recorded={first.id}" in saved.headers["Location"]
    other_semi = match_by_key(scene, "W1-2")
    brackets.record_result(scene.chief, other_semi.id, favourite_wins(other_semi))
    final = match_by_key(scene, "W2-1")
    brackets.record_result(scene.chief, final.id, brackets.Entry("home", 21, 5))
    asked = client.post(f"/brackets/matches/{first.id}", data={"winner": "away", "home_score": "3", "away_score": "21", "version": "1", "reason": "录错"})
    text = asked.get_data(as_text=True)
    assert asked.status_code == 409 and 'data-testid="affected"' in text and "W2-1" in text
    assert match_by_key(scene, "W2-1").state == "finished"
    done = client.post(f"/brackets/matches/{first.id}", data={"winner": "away", "home_score": "3", "away_score": "21", "version": "1",
                                                             "reason": "录错", "confirm": "1"})
    assert done.status_code == 302 and match_by_key(scene, "W2-1").state == "ready"
    audit = client.get(f"/brackets/events/{scene.event.id}/audit").get_data(as_text=True)
    assert "因 W1-1 更正而清除" in audit and "录错" in audit
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(client.get(f"/brackets/events/{scene.event.id}/audit.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "时间" and rows[0][1] == "场次" and len(rows) == 1 + 5  # three entries, the cleared final, the correction
    assert {r[2] for r in rows[1:]} == {"录入", "已更正", "已清除"} and any(r[7] == "W1-1" for r in rows[1:])


def test_the_bracket_page_is_public_once_published_with_names_masked(world, client):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    assert client.get(f"/brackets/events/{scene.event.id}").status_code == 302  # to the login page
    play_all(scene)
    brackets.sign_off(scene.chief, scene.event.id)
    results.compute_results(world.users["city"], scene.event.id)
    results.publish(world.users["city"], scene.event.contest_id, notice_days=5)
    page = client.get(f"/brackets/events/{scene.event.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "选*1" in text and "选手1" not in text
    assert "Enter result" not in text and "录入结果" not in text


@pytest.mark.db
def test_api_bracket_and_match_results(world, client):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    headers = token_for(client, "chief")
    bracket = client.get(f"/api/v1/events/{scene.event.id}/bracket", headers=headers).get_json()
    assert bracket["format"] == "single_elimination" and len(bracket["entrants"]) == 4
    first = bracket["rounds"][0]["matches"][0]
    assert first["state"] == "ready" and first["version"] == 0 and first["home"]["seed"] == 1

    url = f"/api/v1/matches/{first['id']}"
    ok = client.put(url, json={"winner": "home", "home_score": 21, "away_score": 9, "version": 0}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["version"] == 1
    replay = client.put(url, json={"winner": "home", "home_score": 21, "away_score": 9, "version": 0}, headers=headers)
    assert replay.status_code == 200 and replay.get_json()["version"] == 1
    stale = client.put(url, json={"winner": "away", "home_score": 9, "away_score": 21, "version": 0, "reason": "x"}, headers=headers)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale" and stale.get_json()["error"]["details"]["current"]["version"] == 1
    invalid = client.put(url, json={"winner": "nobody"}, headers=headers)
    assert invalid.status_code == 422 and invalid.get_json()["error"]["message"] == "请选择胜方。"
    other_semi = match_by_key(scene, "W1-2")
    brackets.record_result(scene.chief, other_semi.id, favourite_wins(other_semi))
    final = match_by_key(scene, "W2-1")
    brackets.record_result(scene.chief, final.id, brackets.Entry("home", 21, 5))
    ask = client.put(url, json={"winner": "away", "home_score": 9, "away_score": 21, "version": 1, "reason": "x"}, headers=headers)
    assert ask.status_code == 409 and ask.get_json()["error"]["details"]["affected"] == ["W2-1"]
    done = client.put(url, json={"winner": "away", "home_score": 9, "away_score": 21, "version": 1, "reason": "x", "confirm": True}, headers=headers)
    assert done.status_code == 200
    other = client.put(url, json={"winner": "home"}, headers=token_for(client, "judge"))
    assert other.status_code == 403  # in conflict with 柯城电力's entry
    assert client.get(f"/api/v1/events/{scene.event.id}/bracket", headers=token_for(client, "worker")).status_code == 403


def test_the_setup_page_offers_ranked_events_and_seeds_from_one(world, client, login_as):
    scene = bracket_event(world, "single_elimination", 4)
    qualifying, order = rank_event_for(world, [scene.nominations[n] for n in sorted(scene.nominations)])
    login_as("city")
    page = client.get(f"/brackets/events/{scene.event.id}/setup").get_data(as_text=True)
    assert f'<option value="{qualifying}"' in page and "资格赛 · 电工" in page
    response = client.post(f"/brackets/events/{scene.event.id}/setup", data={"seeding": "ranking", "ranked_event_id": str(qualifying)})
    assert response.status_code == 302
    view = brackets.bracket_view(world.users["city"], scene.event.id)
    assert [e.id for e in view.structure.entrants] == order
    assert "按 资格赛 · 电工 的排名确定种子" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_swiss_setup_stores_colours_and_the_tie_break_order(world, client, login_as):
    scene = bracket_event(world, "swiss", 6)
    login_as("city")
    page = client.get(f"/brackets/events/{scene.event.id}/setup").get_data(as_text=True)
    assert 'id="swiss-tie-breaks"' in page and 'name="colours"' in page
    form = {"seeding": "draw", "rounds": "3", "colours": "1", "tie_break1": "sonneborn_berger", "tie_break2": "median_buchholz"}
    response = client.post(f"/brackets/events/{scene.event.id}/setup", data=form)
    assert response.status_code == 302
    plan = brackets.plan_of(scene.event.id)
    assert plan.options["colours"] is True and plan.options["tie_breakers"] == ["sonneborn_berger", "median_buchholz"]
    structure = brackets.bk.structure_from_json(plan.structure)
    assert structure.colours and structure.tie_breakers == ("sonneborn_berger", "median_buchholz")
    page = client.get(f"/brackets/events/{scene.event.id}/setup").get_data(as_text=True)
    assert '<option value="sonneborn_berger" selected>' in page
    refused = client.post(f"/brackets/events/{scene.event.id}/setup", data={**form, "rounds": "6"})
    assert refused.status_code == 422
    refused = client.post(f"/brackets/events/{scene.event.id}/setup", data={**form, "tie_break3": "sonneborn_berger"})
    assert refused.status_code == 422
