from itertools import product

from hypothesis import given
from hypothesis import strategies as st

from contest.domain.orgtree import OrgLevel, child_levels, child_path, depth_of, make_path, may_hold, path_ids


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


# --- the path codec -------------------------------------------------------------------------------------------

IDS = st.lists(st.integers(min_value=1, max_value=10**12), max_size=8)


def test_paths_read_and_write_the_documented_shape():
    assert path_ids("/1/7/42/") == [1, 7, 42]
    assert make_path([1, 7, 42]) == "/1/7/42/"
    assert path_ids("/") == [] and make_path([]) == "/"
    assert child_path("/1/7/", 42) == "/1/7/42/" and child_path(None, 1) == "/1/"


@given(IDS)
def test_make_path_and_path_ids_round_trip(ids):
    path = make_path(ids)
    assert path_ids(path) == ids
    assert make_path(path_ids(path)) == path
    assert path.startswith("/") and path.endswith("/") and "//" not in path


@given(IDS)
def test_depth_counts_the_units_above(ids):
    """The root (the city) is at depth 0; the old ``path.count("/") - 2`` gives the same answer."""
    path = make_path(ids)
    assert depth_of(path) == len(ids) - 1 == path.count("/") - 2
    assert depth_of("/1/") == 0 and depth_of("/1/7/42/") == 2


@given(IDS, st.integers(min_value=1, max_value=10**6))
def test_a_childs_path_extends_its_parents(ids, child):
    parent = make_path(ids)
    path = child_path(parent, child)
    assert path.startswith(parent) and path_ids(path) == [*ids, child]
