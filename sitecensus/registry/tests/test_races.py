"""One site, one record under races (PostgreSQL, real parallel connections): two
imports of the same URLs at once, an import against an online save, two confirms of
one unit's workbook — each exactly one record in 20 tries, the loser told in Chinese
where and why, never an IntegrityError. Each writer holds the site's keys from its
check to its commit (registry.services.records.hold_keys)."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from sitecensus.core.errors import CensusError
from sitecensus.registry import imports, services, siteclass
from sitecensus.registry.formspec.workbook import build_workbook
from sitecensus.registry.models import Website
from sitecensus.registry.testing import fill_workbook, sample_filing

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers: PostgreSQL")]
TRIES = 20


def race(*jobs):
    """Run the jobs at once, each on its own thread and database connection; their
    results (a return value or the exception raised)."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def loser_told(result) -> None:
    """The losing side: a typed error in Chinese naming the record that has the site,
    or a confirm that finds its sites already there (不变); never a database error."""
    if isinstance(result, BaseException):
        assert isinstance(result, CensusError), repr(result)
        assert "已由" in str(result) or "本单位已登记" in str(result), str(result)


def blank_for(unit) -> bytes:
    """A unit's template without its records already filed (only new rows typed in)."""
    return build_workbook(unit_code=imports.unit_code(unit), unit_name=unit.name)


def filings_for(unit, urls):
    return [sample_filing(name=f"{unit.name}站{i}", url=url, unit_name=unit.name,
                          site_class=siteclass.default_for(unit), columns=2) for i, url in enumerate(urls)]


def batch_of(actor, unit, blank, urls, name):
    data = fill_workbook(blank, filings_for(unit, urls))
    return imports.dry_run(actor=actor, uploads=[(name, SimpleUploadedFile(name, data))])


def keys_count(urls) -> list[int]:
    return [Website.objects.filter(url_key=services.normalize_url(u)).exclude(life__in=["closed", "merged"]).count()
            for u in urls]


@pytest.fixture
def people(live_demo):
    from sitecensus.accounts.models import User

    users = {u.username: u for u in User.objects.select_related("unit")}
    return users


def test_two_imports_of_the_same_urls_at_once_make_one_record_each(people):
    county, town, bureau = people["laishui"], people["laishui_lsz"].unit, people["laishui_jyj"].unit
    blanks = {town.pk: blank_for(town), bureau.pk: blank_for(bureau)}
    for n in range(TRIES):
        urls = [f"http://race{n}-{i}.laishui.gov.cn" for i in range(2)]
        # The other unit spells them differently: the same sites.
        spelled = [u.replace("http://", "HTTPS://") + "/index.html?from=timeline" for u in urls]
        a = batch_of(county, town, blanks[town.pk], urls, "a.xlsx")
        b = batch_of(county, bureau, blanks[bureau.pk], spelled, "b.xlsx")
        assert a.summary["totals"]["create"] == b.summary["totals"]["create"] == 2
        results = race(lambda: imports.commit(actor=county, batch=a), lambda: imports.commit(actor=county, batch=b))
        assert keys_count(urls) == [1, 1], (n, results)
        assert sum(isinstance(r, dict) for r in results) == 1, results
        for r in results:
            loser_told(r)


def test_an_import_against_an_online_save_makes_one_record(people, monkeypatch):
    county, clerk = people["laishui"], people["laishui_jyj"]
    town = people["laishui_lsz"].unit
    blank = blank_for(town)
    # Half the tries start the online save when the import has checked everything and is about to
    # write (the narrowest window); the others start both at once.
    at_write = threading.Event()
    hold = services.hold_keys

    def hold_and_tell(keys):
        at_write.set()
        hold(keys)

    monkeypatch.setattr(services, "hold_keys", hold_and_tell)
    lost = []
    for n in range(TRIES):
        url = f"http://online{n}.laishui.gov.cn"
        batch = batch_of(county, town, blank, [url], "t.xlsx")
        [filing] = filings_for(clerk.unit, [url.upper() + ":80/default.aspx"])
        at_write.clear()

        def online(wait=n % 2 == 0):
            if wait:
                at_write.wait(60)
            return services.save_draft(actor=clerk, unit=clerk.unit, filing=filing)

        results = race(lambda: imports.commit(actor=county, batch=batch), online)
        assert keys_count([url]) == [1], (n, results)
        assert sum(not isinstance(r, BaseException) for r in results) == 1, results
        for r in results:
            loser_told(r)
        lost.append("import" if isinstance(results[0], BaseException) else "online")
    print("losers:", lost)


def test_two_confirms_of_one_units_workbook_make_one_record(people):
    county, town = people["laishui"], people["laishui_lsz"].unit
    blank = blank_for(town)
    for n in range(TRIES):
        urls = [f"http://twice{n}-{i}.laishui.gov.cn" for i in range(2)]
        first, second = (batch_of(county, town, blank, urls, f"{k}.xlsx") for k in "ab")
        results = race(lambda: imports.commit(actor=county, batch=first),
                       lambda: imports.commit(actor=county, batch=second))
        assert keys_count(urls) == [1, 1], (n, results)
        for r in results:
            loser_told(r)
        # The later confirm finds the sites already there: nothing new, nothing refused.
        assert sorted(r["created"] for r in results if isinstance(r, dict)) in ([0, 2], [2]), results
        # And one batch confirmed twice at once: one import, the other told.
        again = batch_of(county, town, blank, [f"http://same-batch{n}.laishui.gov.cn"], "c.xlsx")
        results = race(lambda: imports.commit(actor=county, batch=again),
                       lambda: imports.commit(actor=county, batch=again))
        assert keys_count([f"http://same-batch{n}.laishui.gov.cn"]) == [1]
        refused = [r for r in results if isinstance(r, BaseException)]
        assert len(refused) == 1 and isinstance(refused[0], CensusError) and "该批次" in str(refused[0]), results
