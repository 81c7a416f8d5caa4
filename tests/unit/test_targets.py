"""Targets and progress (contest.domain.targets) and attachment checks (contest.domain.attachments)."""

import pytest

from contest.domain import targets as t
from contest.domain.attachments import DOCX, PDF, clean_filename, sniff
from contest.domain.errors import DomainError


def test_plan_defaults_apply_to_the_city_only():
    assert t.effective_targets({}, 0) == {"city_skills_contests": 50, "county_contests": 100, "entries": 50_000, "safety_coverage": 100}
    assert t.effective_targets({"entries": 800}, 1) == {"city_skills_contests": None, "county_contests": None, "entries": 800,
                                                        "safety_coverage": None}
    assert t.effective_targets({"entries": 0}, 0)["entries"] == 0  # a stored zero is a target, not "unset"


def test_straight_line_is_target_times_month_over_twelve_rounded_half_up():
    assert t.straight_line(50) == [4, 8, 13, 17, 21, 25, 29, 33, 38, 42, 46, 50]  # 4.1666 → 4, 12.5 → 13
    assert t.straight_line(None) == [None] * 12
    assert t.straight_line(50_000)[0] == 4167


def test_cumulative_progress_and_ratio():
    progress = t.month_progress({1: 3, 3: 2}, 24, up_to=4)
    assert [(p.done, p.due, p.ahead) for p in progress] == [(3, 2, True), (3, 4, False), (5, 6, False), (5, 8, False)]
    assert t.ratio(25, 50) == 50 and t.ratio(1, 3) == 33 and t.ratio(2, 3) == 67 and t.ratio(60, 50) == 120
    assert t.ratio(5, None) is None and t.ratio(5, 0) is None


@pytest.mark.parametrize("metric,value", [("entries", -1), ("entries", t.MAX_TARGET + 1), ("safety_coverage", 101), ("nonsense", 1)])
def test_bad_targets_are_refused(metric, value):
    with pytest.raises(DomainError):
        t.check_target(metric, value)


def test_attachments_are_typed_by_content_not_by_name():
    assert sniff(b"%PDF-1.7 ...", "x.docx", lambda d: None) == PDF
    assert sniff(b"PK\x03\x04...", "x.docx", lambda d: ["word/document.xml"]) == DOCX
    for data, name in ((b"PK\x03\x04...", "x.docx"), (b"MZ\x90", "x.pdf"), (b"\xff\xfe\x00bad", "x.txt")):
        with pytest.raises(DomainError):
            sniff(data, name, lambda d: ["evil.exe"])
    with pytest.raises(DomainError):
        sniff(b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf", lambda d: None)


def test_file_names_lose_paths_and_control_characters():
    assert clean_filename("C:\\Users\\x\\规程.pdf") == "规程.pdf"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("a\x00b\n.pdf") == "ab.pdf"
    assert clean_filename("") == "file"
