"""The entrant value: the shape of each kind, its name (masked or not) and whom its certificates name."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest.domain.contests import EventKind
from contest.domain.entrants import (
    Entrant,
    EntrantKind,
    Holder,
    InvalidEntrant,
    Member,
    Unit,
    check_shape,
    entrant_kind_of,
)

NAMES = st.text(alphabet="张李王赵一二三小明红", min_size=1, max_size=5)


def test_events_declare_their_kind_of_entrant():
    assert entrant_kind_of(EventKind.INDIVIDUAL) == EntrantKind.WORKER
    assert entrant_kind_of(EventKind.TEAM) == EntrantKind.TEAM
    assert entrant_kind_of(EventKind.UNIT) == EntrantKind.UNIT
    assert entrant_kind_of("team") == EntrantKind.TEAM


def test_a_worker_is_named_masked_on_public_pages():
    worker = Entrant.worker(7, "张小三")
    assert worker.name() == "张小三" and worker.name(masked=True) == "张*三"
    assert worker.member_ids == (7,) and worker.holders == (Holder("张小三", user_id=7),)
    assert worker.certificate_team == "" and worker.with_members() == "张小三"


def test_a_team_is_named_by_its_name_and_every_member_holds_a_certificate():
    team = Entrant.team("电力一队", [(1, "张三"), (2, "李四")])
    assert team.name() == team.name(masked=True) == "电力一队"
    assert team.with_members() == "电力一队（张三、李四）" and team.certificate_team == "电力一队"
    assert [h.user_id for h in team.holders] == [1, 2] and not any(h.is_unit for h in team.holders)


def test_a_unit_is_named_in_full_and_holds_its_own_certificate():
    unit = Entrant.of_unit(42, "柯城电力")
    assert unit.is_unit and unit.name(masked=True) == "柯城电力" and unit.member_ids == ()
    assert unit.holders == (Holder("柯城电力", org_id=42),) and unit.holders[0].is_unit
    assert unit.certificate_team == ""


@pytest.mark.parametrize("kind, members, team_name, unit", [
    (EntrantKind.WORKER, (), None, None),
    (EntrantKind.WORKER, (Member(1, "甲"), Member(2, "乙")), None, None),
    (EntrantKind.WORKER, (Member(1, "甲"),), "队", None),
    (EntrantKind.TEAM, (Member(1, "甲"),), None, None),
    (EntrantKind.TEAM, (), "队", None),
    (EntrantKind.TEAM, (Member(1, "甲"),), "队", Unit(3, "单位")),
    (EntrantKind.UNIT, (), None, None),
    (EntrantKind.UNIT, (Member(1, "甲"),), None, Unit(3, "单位")),
    (EntrantKind.UNIT, (), "队", Unit(3, "单位")),
])
def test_shapes_that_break_the_rules_are_refused(kind, members, team_name, unit):
    with pytest.raises(InvalidEntrant):
        Entrant(kind, members, team_name, unit)


@given(st.sampled_from(EntrantKind), st.integers(min_value=0, max_value=4), st.one_of(st.none(), NAMES), st.booleans())
def test_check_shape_is_the_documented_rule(kind, members, team_name, has_unit):
    expected = {
        EntrantKind.WORKER: members == 1 and team_name is None and not has_unit,
        EntrantKind.TEAM: members >= 1 and team_name is not None and not has_unit,
        EntrantKind.UNIT: members == 0 and team_name is None and has_unit,
    }[kind]
    try:
        check_shape(kind, members, team_name, has_unit)
        accepted = True
    except InvalidEntrant:
        accepted = False
    assert accepted == expected


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=999), NAMES), min_size=1, max_size=5), NAMES)
def test_holders_are_the_members_in_order(members, team_name):
    team = Entrant.team(team_name, members)
    assert [(h.user_id, h.name) for h in team.holders] == members
    assert all(h.org_id is None for h in team.holders)
