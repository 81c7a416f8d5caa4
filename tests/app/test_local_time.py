"""One clock (Asia/Shanghai) for what is shown, exported and compared: messages, file names, PDF footers."""

from datetime import UTC, datetime

import pytest

from contest import clock
from contest.domain.errors import DomainError
from contest.services import results
from contest.web import download_name
from tests.app.test_results import scored  # noqa: F401  (fixture)


class _LateEveningUtc(datetime):
    """23:30 UTC on 29 November: already 07:30 on 30 November in Shanghai."""

    @classmethod
    def now(cls, tz=None):
        instant = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
        return instant.astimezone(tz) if tz else instant.replace(tzinfo=None)


def test_file_names_carry_the_local_date(monkeypatch):
    monkeypatch.setattr(clock, "datetime", _LateEveningUtc)
    assert download_name("成绩", "2026年大赛", ext="pdf") == "成绩-2026年大赛-2026-11-30.pdf"


def test_the_notice_period_message_is_in_local_time(world, scored):  # noqa: F811
    run, _plan = scored
    city = world.users["city"]
    results.compute_results(city, run.event.id)
    publication = results.publish(city, run.event.contest.id)
    with pytest.raises(DomainError) as refused:
        results.finalise(city, run.event.contest.id)
    assert "UTC" not in str(refused.value)
    assert refused.value.params["until"] == clock.format_local(publication.notice_until)
