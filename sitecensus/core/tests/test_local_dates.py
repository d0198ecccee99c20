"""A stored time (`…_at`, aware, kept in UTC) becomes a day in the census's time zone
(`timezone.localdate`), never by `.date()`: from 00:00 to 08:00 in Beijing its UTC day is the day
before — a notice published at 01:00 was dated the previous day, and a 找错 message answered early
in the morning was counted a day early."""

import re
from datetime import date, datetime, timezone as dt_timezone
from pathlib import Path
from types import SimpleNamespace

from sitecensus.public.jiucuo import is_late
from sitecensus.spotcheck.presentation import issuer_and_date

ROOT = Path(__file__).resolve().parents[2]
UTC_DAY = re.compile(r"\b\w+_at\.date\(\)")


def utc(*args):
    return datetime(*args, tzinfo=dt_timezone.utc)


def test_no_stored_time_is_cut_to_its_utc_day():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in ROOT.rglob("*.py")
                 if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if UTC_DAY.search(line)]
    assert not offenders, "use timezone.localdate(…):\n" + "\n".join(offenders)
    assert UTC_DAY.search("day = notice.published_at.date()")


def test_a_notice_published_at_one_in_the_morning_is_dated_that_day(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    notice = SimpleNamespace(published_at=utc(2026, 12, 7, 17, 30), batch=SimpleNamespace(
        organizer=SimpleNamespace(name="国务院办公厅")))
    assert issuer_and_date(notice, date(2026, 1, 1)) == ("国务院办公厅", date(2026, 12, 8))


def test_a_message_answered_early_in_the_morning_counts_that_day(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # received 1 March 07:00 Beijing (28 February in UTC), answered 31 March 07:00: within the month
    assert not is_late(utc(2026, 2, 28, 23), utc(2026, 3, 30, 23))
    # received 31 March 22:00, answered 1 May 01:00 Beijing (30 April in UTC): after the month (30 April)
    assert is_late(utc(2026, 3, 31, 14), utc(2026, 4, 30, 17))
