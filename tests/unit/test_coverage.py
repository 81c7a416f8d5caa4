"""安康杯 coverage rules (contest.domain.coverage): rows, enrolment counted once, percentages rounded down,
averages half up, figures from the latest submission, totals that are sums."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from contest.domain import coverage as c

ROWS = [c.RowUnit(1, "柯城区", "county", True), c.RowUnit(2, "衢江区", "county", True)]


def test_percent_is_rounded_down_and_none_without_a_whole():
    assert c.percent(0, 0) is None and c.percent(3, 0) is None
    assert c.percent(3, 4) == 75 and c.percent(2, 3) == 66 and c.percent(1, 3) == 33
    assert c.percent(199, 200) == 99 and c.percent(200, 200) == 100  # 99.5 % is not 100 %
    assert c.percent(Decimal("7"), Decimal("8")) == 87


def test_average_is_two_decimals_half_up():
    assert c.average(0, 0) is None
    assert c.average(9000 + 8501, 2) == Decimal("87.51")  # 87.505 → 87.51
    assert c.average(9750, 1) == Decimal("97.50")
    assert c.average(10000 + 9999 + 9999, 3) == Decimal("99.99")  # 99.993…


def test_row_of_follows_the_path_below_the_viewed_unit():
    assert c.row_of("/1/7/42/", "/1/", {7, 8}) == 7
    assert c.row_of("/1/7/42/99/", "/1/7/", {42}) == 42
    assert c.row_of("/1/", "/1/", {7}) is None and c.row_of("/1/", "/1/", {7}, own_row=1) == 1
    assert c.row_of("/2/7/", "/1/", {7}) is None  # outside the subtree
    assert c.row_of("/1/9/", "/1/", {7}) is None  # no such row


def test_a_table_counts_enrolment_once_and_sums_scores_figures_and_vetoes():
    units = [c.TreeUnit(11, "enterprise", 1), c.TreeUnit(12, "enterprise", 1), c.TreeUnit(13, "team", 1),
             c.TreeUnit(21, "enterprise", 2), c.TreeUnit(22, "team", 2)]
    entries = [
        c.UnitEntry(11, 9700, vetoed=True, figures={"hazards_found": "10", "hazards_corrected": "3"}),
        c.UnitEntry(11, 8000, figures={"hazards_found": "4", "hazards_corrected": "4", "proposals_made": "6", "proposals_adopted": "2"}),
        c.UnitEntry(13, None, figures={"proposals_made": "", "proposals_adopted": "x"}),  # not reported
        c.UnitEntry(21),
        c.UnitEntry(99, 5000, vetoed=True),  # not in the tree (inactive or elsewhere): ignored
    ]
    table = c.build_table(ROWS, units, entries, "合计")
    a, b = table.rows
    assert (a.enterprises, a.enterprises_enrolled, a.teams, a.teams_enrolled) == (2, 1, 1, 1)
    assert a.enterprise_coverage == 50 and a.team_coverage == 100
    assert a.scored == 2 and a.average_score == Decimal("88.50") and a.vetoes == 1  # the vetoed total counts
    # 柯城电力 reported twice: its latest submission counts, once
    assert (a.hazards_found, a.hazards_corrected, a.correction_rate) == (4, 4, 100)
    assert (a.proposals_made, a.proposals_adopted, a.adoption_rate) == (6, 2, 33)
    assert (b.enterprises, b.enterprises_enrolled, b.teams_enrolled, b.team_coverage) == (1, 1, 0, 0)
    assert b.average_score is None and b.correction_rate is None and b.vetoes == 0
    t = table.totals
    assert t.id is None and t.name == "合计"
    assert (t.enterprises, t.enterprises_enrolled, t.enterprise_coverage, t.teams, t.teams_enrolled) == (3, 2, 66, 2, 1)
    assert t.average_score == Decimal("88.50") and t.vetoes == 1


def test_no_rows_no_units():
    table = c.build_table([], [], [c.UnitEntry(1, 100)])
    assert table.rows == [] and table.totals.enterprise_coverage is None and table.totals.average_score is None


# Property tests: a random tree of units in three rows, random entries (some for units outside the tree).
unit_ids = st.integers(min_value=1, max_value=40)
trees = st.dictionaries(unit_ids, st.tuples(st.sampled_from(["enterprise", "team"]), st.sampled_from([1, 2, 3])), max_size=25)
figures = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    key: st.integers(min_value=0, max_value=50).map(str) for key in c.SUMMED}))
entries_st = st.lists(st.builds(c.UnitEntry, st.integers(min_value=1, max_value=45),
                                st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)), st.booleans(), figures), max_size=40)
THREE = [c.RowUnit(1, "一", "county"), c.RowUnit(2, "二", "county"), c.RowUnit(3, "三", "enterprise")]


def _table(tree, entries):
    units = [c.TreeUnit(uid, level, row) for uid, (level, row) in tree.items()]
    return c.build_table(THREE, units, entries)


@given(trees, entries_st)
def test_coverage_is_never_above_100_per_cent(tree, entries):
    table = _table(tree, entries)
    for row in [*table.rows, table.totals]:
        assert row.enterprises_enrolled <= row.enterprises and row.teams_enrolled <= row.teams
        for value in (row.enterprise_coverage, row.team_coverage):
            assert value is None or 0 <= value <= 100
        assert (row.enterprise_coverage == 100) == (row.enterprises > 0 and row.enterprises_enrolled == row.enterprises)


@given(trees, entries_st)
def test_the_totals_are_the_sums_of_the_rows(tree, entries):
    table = _table(tree, entries)
    for name in c.ADDED:
        assert getattr(table.totals, name) == sum(getattr(r, name) for r in table.rows)
    assert table.totals.enterprises == sum(1 for level, _row in tree.values() if level == "enterprise")
    scored = [e.total_x100 for e in entries if e.unit_id in tree and e.total_x100 is not None]
    assert table.totals.scored == len(scored)
    assert table.totals.average_score == (c.average(sum(scored), len(scored)) if scored else None)


@given(trees, entries_st, st.randoms(use_true_random=False))
def test_an_enterprise_is_counted_once_whatever_its_entries(tree, entries, rnd):
    table = _table(tree, entries)
    enrolled = {e.unit_id for e in entries if e.unit_id in tree}
    assert table.totals.enterprises_enrolled == sum(1 for uid in enrolled if tree[uid][0] == "enterprise")
    assert table.totals.teams_enrolled == sum(1 for uid in enrolled if tree[uid][0] == "team")
    # entering every unit again (another contest, no result, no figures) changes nothing
    again = entries + [c.UnitEntry(uid) for uid in rnd.sample(sorted(enrolled), len(enrolled))]
    assert _table(tree, again) == table
