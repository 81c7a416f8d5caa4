import pytest

from contest.domain.judging import WriteRefused, check_write, in_conflict, unit_at

LEVELS = {1: "city", 2: "county", 3: "enterprise", 4: "team", 5: "team", 6: "enterprise", 7: "team", 8: "county", 9: "enterprise"}
#  city 1 → county 2 → enterprise 3 → teams 4, 5; county 2 → enterprise 6 → team 7; city 1 → county 8 → enterprise 9


def test_unit_at():
    assert unit_at([1, 2, 3, 4], LEVELS, "enterprise") == 3
    assert unit_at([1, 2], LEVELS, "enterprise") is None


@pytest.mark.parametrize(
    "judge, members, scope, expected",
    [
        ([1, 2, 3], [[1, 2, 3, 4]], "enterprise", True),  # judge at the enterprise, worker in its team
        ([1, 2, 3, 5], [[1, 2, 3, 4]], "enterprise", True),  # same enterprise, other team
        ([1, 2, 6, 7], [[1, 2, 3, 4]], "enterprise", False),  # same county, other enterprise
        ([1, 2, 6, 7], [[1, 2, 3, 4]], "county", True),
        ([1, 8, 9], [[1, 2, 3, 4]], "county", False),
        ([1], [[1, 2, 3, 4]], "county", False),  # a city judge has no enterprise or county
        ([1, 2], [[1, 2, 3, 4]], "enterprise", False),  # a county judge: only the county rule could apply
        ([1, 2], [[1, 2, 3, 4]], "county", True),
        ([1, 2, 3, 4], [[1, 8, 9], [1, 2, 3, 5]], "enterprise", True),  # any member of a team entry
    ],
)
def test_conflicts(judge, members, scope, expected):
    assert in_conflict(judge, members, LEVELS, scope) is expected


def base(**changes):
    args = dict(signed_off=False, is_chief=False, own_score=True, exists=False, current_version=None, given_version=None, reason="")
    args.update(changes)
    return args


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"signed_off": True}, "locked"),
        ({"signed_off": True, "is_chief": True, "own_score": False}, "reason"),
        ({"own_score": False}, "forbidden"),
        ({"exists": True, "current_version": 2, "given_version": 1, "reason": "x"}, "stale"),
        ({"exists": True, "current_version": 2, "given_version": None, "reason": "x"}, "stale"),
        ({"exists": True, "current_version": 2, "given_version": 2}, "reason"),
        ({"given_version": 3}, "stale"),
    ],
)
def test_refused_writes(changes, code):
    with pytest.raises(WriteRefused) as info:
        check_write(**base(**changes))
    assert info.value.code == code


def test_allowed_writes():
    check_write(**base())
    check_write(**base(exists=True, current_version=1, given_version=1, reason="看错了"))
    check_write(**base(signed_off=True, is_chief=True, own_score=False, exists=True, current_version=3, given_version=3, reason="复核更正"))
