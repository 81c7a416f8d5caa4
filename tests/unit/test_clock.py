"""The one clock: Asia/Shanghai, whatever the server's time zone."""

from datetime import UTC, date, datetime

import pytest

from contest import clock


class _FixedDatetime(datetime):
    instant = datetime(2026, 11, 29, 20, 30, tzinfo=UTC)  # 04:30 on 30 November in Shanghai

    @classmethod
    def now(cls, tz=None):
        return cls.instant.astimezone(tz) if tz else cls.instant.replace(tzinfo=None)


@pytest.fixture
def late_evening_utc(monkeypatch):
    monkeypatch.setattr(clock, "datetime", _FixedDatetime)


def test_today_is_the_shanghai_date_while_utc_is_still_yesterday(late_evening_utc):
    assert clock.today() == date(2026, 11, 30)
    assert clock.now() == datetime(2026, 11, 30, 4, 30)
    with clock.frozen_today(date(2024, 5, 20)):
        assert clock.today() == date(2024, 5, 20)


def test_stored_utc_instants_are_shown_in_local_time():
    stored = datetime(2026, 11, 29, 20, 30)  # naive UTC, as the models store it
    assert clock.local(stored) == datetime(2026, 11, 30, 4, 30)
    assert clock.local(stored.replace(tzinfo=UTC)) == datetime(2026, 11, 30, 4, 30)
    assert clock.format_local(stored) == "2026-11-30 04:30"
    assert clock.format_local(stored, seconds=True) == "2026-11-30 04:30:00"
    assert clock.format_local(None) == "" and clock.local(None) is None
    assert clock.to_utc(datetime(2026, 11, 30, 4, 30)) == stored
