from itertools import product

from contest.domain.orgtree import OrgLevel, child_levels, may_hold


def test_levels_hold_only_the_documented_children():
    allowed = {(p, c) for p, c in product(OrgLevel, OrgLevel) if may_hold(p, c)}
    assert allowed == {
        (OrgLevel.CITY, OrgLevel.COUNTY),
        (OrgLevel.CITY, OrgLevel.ENTERPRISE),
        (OrgLevel.COUNTY, OrgLevel.ENTERPRISE),
        (OrgLevel.ENTERPRISE, OrgLevel.TEAM),
    }


def test_a_child_is_always_strictly_below_its_parent():
    for parent in OrgLevel:
        assert all(child.rank > parent.rank for child in child_levels(parent))
    assert child_levels(OrgLevel.TEAM) == []
