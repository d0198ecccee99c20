import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from sitecensus.core.errors import NotAllowed
from sitecensus.stats import selectors

pytestmark = pytest.mark.django_db


def rows_of(stats, key):
    return {r[0]: r for r in stats.table(key).rows}


def test_national_sees_provinces_and_ministries_with_vertical_units_apart(demo_users):
    stats = selectors.statistics(demo_users["guoban"])
    region = rows_of(stats, "region")
    assert "河北省人民政府办公厅" in region
    # The tax system's county site is not counted in Hebei, but under its ministry.
    ministries = rows_of(stats, "ministry")
    assert ministries["国家税务总局办公厅"][1] == 1
    vertical = rows_of(stats, "vertical")
    assert vertical["税务系统"][1] == "国家税务总局办公厅" and vertical["税务系统"][2] == 1
    hebei = region["河北省人民政府办公厅"]
    from sitecensus.registry.models import Website

    assert hebei[1] == Website.objects.filter(unit__path__startswith=demo_users["hebei"].unit.path).count()
    assert stats.summary["sites"] == Website.objects.count()


def test_organizer_sees_its_subtree_by_the_next_level(demo_users):
    from sitecensus.registry.models import Website

    stats = selectors.statistics(demo_users["baoding"])
    region = rows_of(stats, "region")
    assert "涞水县人民政府办公室" in region and selectors.OWN_LEVEL in region
    assert "河北省人民政府办公厅" not in region
    baoding_path = demo_users["baoding"].unit.path
    assert stats.summary["sites"] == Website.objects.filter(unit__path__startswith=baoding_path).count()
    assert "ministry" not in [t.key for t in stats.tables]


def test_reporter_sees_only_its_own_unit(demo_users):
    from sitecensus.registry.models import Website

    user = demo_users["laishui_jyj"]
    stats = selectors.statistics(user)
    assert stats.summary["sites"] == Website.objects.filter(unit=user.unit).count() == 1
    assert list(rows_of(stats, "region")) == [user.unit.name]
    assert stats.summary["units"] == 1


def test_status_life_checks_problems_and_trend_tables(demo_users):
    stats = selectors.statistics(demo_users["guoban"])
    status = rows_of(stats, "status")
    assert sum(r[1] for r in status.values()) == stats.summary["sites"]
    life = rows_of(stats, "life")
    assert life["关停"][1] >= 1  # 三坡镇 closed in the demo
    checks = rows_of(stats, "checks")
    assert set(checks) == {"自查", "检查", "抽查"}
    trend = stats.table("trend")
    from sitecensus.registry.models import Website

    # Sites with a change request in review keep their approval date.
    assert trend.rows and sum(r[2] for r in trend.rows) == Website.objects.filter(approved_at__isnull=False).count()
    assert sum(r[3] for r in trend.rows) >= 1  # the closure
    for table in stats.tables:
        if table.chart:
            json.dumps(table.chart)  # every option is plain JSON


def test_queries_are_a_constant_number_of_aggregates(demo_users):
    from sitecensus.stats.services import refresh_tallies

    refresh_tallies(force=True)
    with CaptureQueriesContext(connection) as national:
        selectors.statistics(demo_users["guoban"])
    with CaptureQueriesContext(connection) as county:
        selectors.statistics(demo_users["laishui"])
    assert len(national.captured_queries) <= 12
    assert len(county.captured_queries) <= len(national.captured_queries)


@pytest.mark.parametrize("username", ["auditadmin", "sysadmin", "secadmin"])
def test_administrators_have_no_statistics(demo_users, username):
    with pytest.raises(NotAllowed):
        selectors.statistics(demo_users[username])


def test_page_renders_charts_and_tables(client, demo_users):
    client.force_login(demo_users["hebei"])
    page = client.get("/stats/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-chart="chart-region"' in body and 'id="chart-region"' in body
    assert "vendor/echarts/echarts.min.js" in body and "js/charts.js" in body
    assert "按下级地区（单位）统计" in body and "保定市人民政府办公室" in body


def test_every_table_exports_to_excel(client, demo_users):
    client.force_login(demo_users["guoban"])
    stats = selectors.statistics(demo_users["guoban"])
    for table in stats.tables:
        response = client.get(f"/stats/export/{table.key}.xlsx")
        assert response.status_code == 200, table.key
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = book.active
        assert [c.value for c in sheet[1]] == table.headers
        assert sheet.max_row == len(table.rows) + 1


def test_unknown_table_is_404_and_no_500(client, demo_users):
    client.force_login(demo_users["guoban"])
    assert client.get("/stats/export/nothing.xlsx").status_code == 404


def test_anonymous_and_admins_are_refused(client, demo_users):
    assert client.get("/stats/").status_code == 302
    client.force_login(demo_users["auditadmin"])
    assert client.get("/stats/").status_code == 403


@pytest.mark.parametrize("username", ["guoban", "hebei", "baoding", "laishui", "shuiwu", "jiaoyubu"])
def test_summary_tables_give_the_live_figures(demo_users, username):
    from sitecensus.stats.services import refresh_tallies

    refresh_tallies(force=True)
    user = demo_users[username]
    tallied, live = selectors.statistics(user), selectors.statistics(user, live=True)
    assert tallied.summary == live.summary
    for a, b in zip(tallied.tables, live.tables, strict=True):
        assert (a.key, a.rows) == (b.key, b.rows)


def test_summary_is_rebuilt_by_the_scheduler_never_by_a_page_view(demo_users, settings, client):
    from sitecensus.jobs.models import Job
    from sitecensus.registry.models import Website
    from sitecensus.stats.services import refresh_tallies, statistics_due

    settings.STATISTICS_MAX_AGE = 300
    refresh_tallies(force=True)
    before = selectors.statistics(demo_users["guoban"]).summary["sites"]
    Website.objects.filter(name="石亭镇人民政府网站").update(status="submitted")  # a draft moves on
    cached = selectors.statistics(demo_users["guoban"])
    assert cached.summary["sites"] == before and cached.summary["submitted"] == \
        selectors.statistics(demo_users["guoban"], live=True).summary["submitted"] - 1
    settings.STATISTICS_MAX_AGE = 0
    # Too old, yet the page still reads the tables as they are: no rebuild inside a request.
    client.force_login(demo_users["guoban"])
    assert client.get("/stats/").status_code == 200
    assert selectors.statistics(demo_users["guoban"]).summary == cached.summary
    # The scheduler finds them due and queues the statistics job.
    assert statistics_due()
    from sitecensus.scanner.management.commands.run_scheduler import Scheduler

    Scheduler(site_ids=lambda: []).tick()
    assert Job.objects.filter(kind="statistics_refresh", status="done").exists()
    fresh = selectors.statistics(demo_users["guoban"])
    assert fresh.summary == selectors.statistics(demo_users["guoban"], live=True).summary


def test_anonymous_get_of_public_and_statistics_pages_writes_nothing(client, demo_users, settings):
    """A page view never rebuilds tallies nor writes a session, captcha or anything else."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sitecensus.stats.services import refresh_tallies

    refresh_tallies(force=True)
    settings.STATISTICS_MAX_AGE = 0  # due: still no rebuild on a GET
    for path in ("/pucha/", "/stats/", "/pucha/sites/", "/pucha/notices/"):
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
        assert writes == [], (path, writes)


def test_public_pages_are_cached_for_anonymous_visitors(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_CACHE_SECONDS = 60
    first = client.get("/pucha/")
    second = client.get("/pucha/")
    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in first and second["X-Cache"] == "hit" and second.content == first.content
    cache.clear()


def test_refresh_command(demo_users):
    from django.core.management import call_command

    from sitecensus.stats.models import SiteTally, TallyState

    call_command("refresh_statistics")
    from sitecensus.registry.models import Website

    assert sum(SiteTally.objects.values_list("n", flat=True)) == Website.objects.count()
    assert TallyState.objects.get(pk=1).refreshed_at is not None


def test_logged_in_statistics_page_never_rebuilds_nor_writes(client, demo_users, settings):
    """Due or not, a logged-in view of /stats/ only reads (no tally rebuild, no write but the session)."""
    from sitecensus.stats.services import refresh_tallies

    refresh_tallies(force=True)
    settings.STATISTICS_MAX_AGE = 0
    for username in ("guoban", "hebei", "laishui"):
        client.force_login(demo_users[username])
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/stats/").status_code == 200
        writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
                  and "django_session" not in q["sql"]]
        assert writes == [], (username, writes)


def test_the_rebuild_job_warms_the_large_scopes_so_a_page_view_computes_nothing(client, demo_users):
    from django.core.cache import cache

    from sitecensus.jobs.services import enqueue

    cache.clear()
    job = enqueue("statistics_refresh", label="刷新统计汇总表", total=1)
    job.refresh_from_db()
    assert job.status == "done" and job.result["scopes_warmed"] >= 2
    for username in ("guoban", "hebei"):  # the national office and a provincial office
        client.force_login(demo_users[username])
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/stats/")
        assert page.status_code == 200 and 'data-testid="table-region"' in page.content.decode()
        assert not [q for q in queries if "stats_sitetally" in q["sql"] or "stats_unittally" in q["sql"]], username
        # The rendered tables are kept beside the figures for the next view.
        stats = selectors.statistics(demo_users[username])
        assert cache.get(f"{stats.cache_key}:html:{stats.as_of.timestamp()}") is not None


def test_after_a_rebuild_requests_meanwhile_get_the_previous_figures(demo_users):
    """One request computes a scope's new figures; others arriving meanwhile are served the
    previous rebuild's (with their own 数据时间) instead of computing the same scope again."""
    from django.core.cache import cache

    from sitecensus.registry.models import Website
    from sitecensus.stats.services import refresh_tallies

    cache.clear()
    user = demo_users["hebei"]
    first_at = refresh_tallies(force=True)
    old = selectors.statistics(user)
    Website.objects.filter(name="石亭镇人民政府网站").update(status="submitted")
    second_at = refresh_tallies(force=True)
    assert second_at > first_at
    key = selectors.cache_key(user)
    assert cache.add(f"{key}:lock", 1, 60)  # another request is computing the new figures
    meanwhile = selectors.statistics(user)
    assert meanwhile.as_of == first_at and meanwhile.summary == old.summary
    cache.delete(f"{key}:lock")
    fresh = selectors.statistics(user)
    assert fresh.as_of == second_at and fresh.summary["submitted"] == old.summary["submitted"] + 1


def test_during_the_rebuild_job_pages_serve_the_previous_figures_of_the_scopes_it_warms(demo_users, monkeypatch):
    """Between the new tallies becoming visible and the worker's warm-up of a scope, a page of that
    scope serves the previous figures (its own 数据时间) and computes nothing: the country and the
    provinces are computed once per rebuild, by the worker, not again by the first pages."""
    from django.core.cache import cache

    from sitecensus.jobs.services import enqueue
    from sitecensus.registry.models import Website
    from sitecensus.stats import jobs
    from sitecensus.stats.services import refresh_tallies

    cache.clear()
    first_at = refresh_tallies(force=True)
    users = [demo_users["guoban"], demo_users["hebei"]]
    before = {u.username: selectors.statistics(u).summary for u in users}
    Website.objects.filter(name="石亭镇人民政府网站").update(status="submitted")
    seen = {}
    real_warm = jobs.warm_cache

    def warm_after_a_page_view(scopes, held):
        assert selectors.services.tallies_time() > first_at  # the new tallies are visible
        for user in users:
            with CaptureQueriesContext(connection) as queries:
                stats = selectors.statistics(user)
            seen[user.username] = (stats.as_of, stats.summary, [q["sql"] for q in queries.captured_queries
                                                                if "stats_sitetally" in q["sql"]])
        return real_warm(scopes, held)

    monkeypatch.setattr(jobs, "warm_cache", warm_after_a_page_view)
    job = enqueue("statistics_refresh", label="刷新统计汇总表", total=1)
    job.refresh_from_db()
    assert job.status == "done", job.result
    for user in users:
        as_of, summary, tally_reads = seen[user.username]
        assert as_of == first_at and summary == before[user.username] and tally_reads == [], user.username
        fresh = selectors.statistics(user)  # after the warm-up: the new figures, from the cache
        assert fresh.as_of > first_at and fresh.summary["submitted"] == before[user.username]["submitted"] + 1
    assert not cache.get(f"{selectors.cache_key(users[0])}:lock")  # every lock freed


def test_the_week_index_counts_each_boundary_into_the_week_it_starts(demo_users):
    """WeekIndex (one expression for the trend's week CASE): a time at a week's first instant is
    in that week, an instant earlier in the week before, before the first week -1, no time -1."""
    from datetime import timedelta

    from django.db.models import Count

    from sitecensus.registry.models import Website

    weeks = selectors._week_starts(4)
    sites = list(Website.objects.order_by("id").values_list("id", flat=True)[:6])
    assert len(sites) == 6
    times = [weeks[0] - timedelta(microseconds=1), weeks[0], weeks[2] - timedelta(seconds=1), weeks[2],
             weeks[3] + timedelta(days=2), None]
    expected = [-1, 0, 1, 2, 3, -1]
    for pk, at in zip(sites, times):
        Website.objects.filter(pk=pk).update(submitted_at=at)
    got = dict(Website.objects.filter(pk__in=sites).annotate(wk=selectors.WeekIndex("submitted_at", weeks))
               .values_list("id", "wk"))
    assert [got[pk] for pk in sites] == expected
    # Grouped by it, as the trend table's queries are.
    grouped = dict(Website.objects.filter(pk__in=sites).order_by().annotate(
        wk=selectors.WeekIndex("submitted_at", weeks)).values("wk").annotate(n=Count("id")).values_list("wk", "n"))
    assert grouped == {-1: 2, 0: 1, 1: 1, 2: 1, 3: 1}


def test_a_scopes_trend_builds_no_case_branch_per_week(demo_users, monkeypatch):
    """The trend's weeks are one WeekIndex per column, not a Case of 26 When branches (each
    branch resolved, hashed and compiled twice per query: a third of a scope's CPU)."""
    from django.db.models import When

    built = []
    original = When.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(When, "__init__", counting)
    stats = selectors.statistics(demo_users["guoban"], live=True)  # computed, not from the cache
    assert stats.table("trend").rows
    assert len(built) < selectors.TREND_WEEKS


def _trend_queries(ctx) -> int:
    return sum(f"THEN {selectors.TREND_WEEKS - 1} WHEN" in q["sql"] for q in ctx.captured_queries)


def test_the_warm_up_counts_every_scopes_trend_in_two_queries_whatever_their_number(demo_users):
    """The rebuild's warm-up reads the trend of all its scopes (the country and each province) in
    two grouped queries, not two per scope, and each scope's trend is the one it computes alone."""
    from django.core.cache import cache

    from sitecensus.accounts.models import User
    from sitecensus.core import roles
    from sitecensus.orgs.models import Unit
    from sitecensus.portal.tests.test_query_budget import grow
    from sitecensus.stats.services import refresh_tallies

    def warm() -> tuple[int, int]:
        cache.clear()
        refresh_tallies(force=True)
        with CaptureQueriesContext(connection) as ctx:
            scopes = selectors.warm_cache()
        return scopes, _trend_queries(ctx)

    few, trend_queries = warm()
    assert trend_queries == 2
    grow(demo_users["guoban"], 3)  # three more offices one level down (scopes), each with recent sites
    more, trend_queries = warm()
    assert more == few + 3 and trend_queries == 2
    as_of = selectors.services.tallies_time()
    scopes = [User(role=roles.NATIONAL_ADMIN, unit=Unit.objects.get(depth=1))]
    scopes += [User(role=roles.ORGANIZER, unit=u) for u in Unit.objects.filter(depth=2, is_organizer=True)]
    seen_activity = 0
    for user in scopes:
        warmed = cache.get(selectors.cache_key(user))[1].table("trend").rows
        alone = selectors._statistics(user, unit=user.unit, live=False, as_of=as_of).table("trend").rows
        assert warmed == alone, user.unit.name
        seen_activity += bool(alone)
    assert seen_activity >= 4  # the country and the three new offices at least
