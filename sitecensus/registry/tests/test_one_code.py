"""One site, one code: the same URL filed twice is caught before a second code,
and the workbook carries the site's identity."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from sitecensus.core.errors import Duplicate
from sitecensus.orgs.models import Unit
from sitecensus.registry import imports, selectors, services
from sitecensus.registry.formspec.uploads import read_upload
from sitecensus.registry.models import Website
from sitecensus.registry.testing import fill_workbook, sample_filing

pytestmark = pytest.mark.django_db


def approve_all(users, site):
    for name in ("laishui", "baoding", "hebei"):
        site = services.approve(actor=users[name], website=site)
    return site


def filed(users, username, url, name="网站"):
    actor = users[username]
    filing = sample_filing(name=f"{actor.unit.name}{name}", url=url, unit_name=actor.unit.name)
    site = services.save_draft(actor=actor, unit=actor.unit, filing=filing)
    return services.submit(actor=actor, website=site)


def legacy_copy(site, url, other_domains=()):
    """A record of the same site saved before one open record held each key (data
    already in the database): written past the services, then its keys kept as they do."""
    site.homepage_url = url
    site.url_key = services.normalize_url(url)
    site.data = {**site.data, "homepage_url": url, "other_domains": list(other_domains)}
    site.save()
    site.versions.filter(state="pending").update(data=site.data)
    services.sync_domains(site)
    return site


def test_same_url_filed_twice_is_refused_whatever_the_first_ones_status(demo_users, client):
    u = demo_users
    first = filed(u, "laishui_lsz", "http://same.laishui.gov.cn")  # in review, no code yet
    # The same site typed differently by another unit: refused at once, naming the record that has it.
    with pytest.raises(Duplicate, match="已由“涞水镇人民政府”登记为“涞水镇人民政府网站”的首页网址（审核中）"):
        filed(u, "laishui_jyj", "HTTPS://Same.Laishui.gov.cn:443/index.html?from=groupmessage")
    assert Website.objects.filter(url_key="http://same.laishui.gov.cn").count() == 1
    # Records of one site filed before this rule held: every reviewer sees them …
    second = legacy_copy(filed(u, "laishui_jyj", "http://other.laishui.gov.cn"), "HTTP://Same.Laishui.gov.cn:80/")
    queue = {s.pk: s.url_clash for s in selectors.review_queue(u["laishui"])}
    assert queue[first.pk] and queue[second.pk]
    client.force_login(u["laishui"])
    assert 'data-testid="url-clash"' in client.get(f"/sites/{second.pk}/").content.decode()
    first = approve_all(u, first)
    assert first.site_code
    services.approve(actor=u["laishui"], website=second)
    services.approve(actor=u["baoding"], website=second)
    # … and final approval never gives a second code.
    with pytest.raises(Duplicate, match=f"网站标识码 {first.site_code}"):
        services.approve(actor=u["hebei"], website=second)
    second.refresh_from_db()
    assert second.site_code is None and second.status == "submitted"
    # A third filing of it is refused at once, online …
    town = Unit.objects.get(name="赵各庄镇人民政府")
    with pytest.raises(Duplicate, match="同一网站只能登记一次"):
        services.do_save_draft(actor=u["laishui"], unit=town, via="import",
                            filing=sample_filing(name="x", url="https://same.laishui.gov.cn/", unit_name=town.name))
    # … and at the web check and the dry run, located at the row's 首页网址.
    data = fill_workbook(imports.workbook_for(town), [sample_filing(name="同站", url="http://same.laishui.gov.cn",
                                                                    unit_name=town.name)])
    batch = imports.dry_run(actor=u["laishui"], uploads=[("赵.xlsx", SimpleUploadedFile("赵.xlsx", data))])
    entry = batch.summary["files"][0]
    assert entry["invalid"] == 1 and "第 3 行，B 列（首页网址）" in entry["errors"][0]
    assert f"网站标识码 {first.site_code}" in entry["errors"][0]
    checked = client.post("/sites/check/", {"files": [SimpleUploadedFile("赵.xlsx", data)]}).context["summary"]
    assert checked["files"][0]["errors"] == entry["errors"]
    # And the database itself refuses a second code for the same open URL.
    with pytest.raises(IntegrityError), transaction.atomic():
        Website.objects.filter(pk=second.pk).update(site_code="1306239999", url_key=first.url_key)


HIDDEN_SPELLINGS = ["http://WWW.Coded.Laishui.gov.cn./", "https://www.coded.laishui.gov.cn:443/index.jsp",
                    "http://www.coded.laishui.gov.cn/Default.aspx?utm_source=wx&from=timeline#top",
                    "www.coded.laishui.gov.cn//", "ｈｔｔｐ://ｗｗｗ.coded.laishui.gov.cn/index.shtml?spm=1.2"]


def test_no_spelling_of_a_coded_homepage_gets_a_second_code(demo_users, client):
    u = demo_users
    coded = approve_all(u, filed(u, "laishui_lsz", "http://www.coded.laishui.gov.cn"))
    idn = approve_all(u, filed(u, "laishui_jyj", "http://涞水教育.laishui.gov.cn"))
    town = Unit.objects.get(name="赵各庄镇人民政府")
    spellings = HIDDEN_SPELLINGS + ["http://XN--WCVN6M94AI48B.laishui.gov.cn/index.html"]
    for url in spellings:  # online, and as an other domain of a new site
        with pytest.raises(Duplicate, match="网站标识码"):
            services.do_save_draft(actor=u["laishui"], unit=town, via="import",
                                filing=sample_filing(name="x", url=url, unit_name=town.name))
        with pytest.raises(Duplicate, match="网站标识码"):
            services.do_save_draft(actor=u["laishui"], unit=town, via="import", filing=with_domains(
                sample_filing(name="x", url="http://zgz.laishui.gov.cn", unit_name=town.name), url))
    # The dry run of a workbook with each spelling (a homepage URL cell needs its http:// or https://).
    blank = imports.workbook_for(town)
    for url in [u for u in spellings if "://" in u]:
        data = fill_workbook(blank, [sample_filing(name="站", url=url, unit_name=town.name)])
        batch = imports.dry_run(actor=u["laishui"], uploads=[("赵.xlsx", SimpleUploadedFile("赵.xlsx", data))])
        [row] = batch.summary["files"][0]["rows"]
        assert row["outcome"] == "error" and "第 3 行，B 列（首页网址）" in row["reason"], row
        assert coded.site_code in row["reason"] or idn.site_code in row["reason"], row
    assert Website.objects.filter(site_code__isnull=False).filter(
        url_key__in=[coded.url_key, idn.url_key]).count() == 2


def test_www_and_the_bare_domain_are_a_possible_duplicate_not_a_refusal(demo_users, client):
    u = demo_users
    first = filed(u, "laishui_lsz", "http://www.twin.laishui.gov.cn")
    second = filed(u, "laishui_jyj", "http://twin.laishui.gov.cn/")  # saved: maybe another site
    assert [t.site.pk for t in services.possible_duplicates(second.data, exclude_pk=second.pk)] == [first.pk]
    client.force_login(u["laishui"])
    page = client.get(f"/sites/{second.pk}/").content.decode()
    assert 'data-testid="possible-duplicate"' in page and "只差“www.”" in page
    queue = client.get("/sites/review/").content.decode()
    assert queue.count('data-testid="possible-duplicate"') == 2


def test_workbook_carries_the_code_so_a_new_homepage_url_is_a_change(demo_users):
    u = demo_users
    site = approve_all(u, filed(u, "laishui_lsz", "http://old.lsz.laishui.gov.cn"))
    town = site.unit
    before = Website.objects.filter(unit=town).count()
    data = imports.workbook_for(town)
    parsed = read_upload(data, filename="t.xlsx")[0]
    mine = [s for s in parsed.sites if s.values.get("site_code") == site.site_code]
    assert len(mine) == 1 and mine[0].values.get("site_id") is None
    # The clerk changes the homepage URL (and the column rows' site URL with it).
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    for ws in (book["基本信息表"], book["栏目信息表"]):
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, str) and "old.lsz.laishui.gov.cn" in cell.value:
                    cell.value = cell.value.replace("old.lsz", "new2.lsz")
    out = io.BytesIO()
    book.save(out)
    batch = imports.dry_run(actor=u["laishui"], uploads=[("t.xlsx", SimpleUploadedFile("t.xlsx", out.getvalue()))])
    assert (batch.summary["totals"]["change"], batch.summary["totals"]["create"]) == (1, 0)
    imports.commit(actor=u["laishui"], batch=batch)
    assert Website.objects.filter(unit=town).count() == before
    site.refresh_from_db()
    assert site.status == "submitted" and site.homepage_url.startswith("http://old.lsz")  # until approved
    # An unchanged re-import of the same workbook changes nothing (no empty change request).
    again = imports.dry_run(actor=u["laishui"], uploads=[("t.xlsx", SimpleUploadedFile("t.xlsx", data))])
    assert again.summary["totals"]["change"] == 0


def with_domains(filing, *domains):
    filing.basic["other_domains"] = list(domains)
    return filing


def test_other_domains_are_the_same_site_everywhere(demo_users, client, capsys, tmp_path):
    """其他域名 count as the site: a homepage URL or other domain registered to another
    open site (as its homepage or one of its other domains) is flagged by forms check,
    the web check, the dry run, the online save and to reviewers; no second code."""
    from sitecensus.registry.formspec.check import check_main

    u = demo_users
    clerk = u["laishui_lsz"]
    coded = services.save_draft(actor=clerk, unit=clerk.unit, filing=with_domains(sample_filing(
        name="涞水镇门户", url="http://portal.lsz.laishui.gov.cn", unit_name=clerk.unit.name), "alias.lsz.laishui.gov.cn"))
    coded = approve_all(u, services.submit(actor=clerk, website=coded))
    town = Unit.objects.get(name="赵各庄镇人民政府")
    # Online save: its other domain as a homepage, its homepage as an other domain.
    with pytest.raises(Duplicate, match=f"已由“{clerk.unit.name}”登记为.*的其他域名（网站标识码 {coded.site_code}）") as e:
        services.do_save_draft(actor=u["laishui"], unit=town, via="import",
                            filing=sample_filing(name="x", url="https://ALIAS.lsz.laishui.gov.cn/", unit_name=town.name))
    assert e.value.field == "homepage_url"
    with pytest.raises(Duplicate, match="的首页网址（网站标识码") as e:
        services.do_save_draft(actor=u["laishui"], unit=town, via="import", filing=with_domains(
            sample_filing(name="x", url="http://zgz.laishui.gov.cn", unit_name=town.name), "portal.lsz.laishui.gov.cn"))
    assert e.value.field == "other_domains"
    # A change request of another approved site that adds it as an other domain.
    other = approve_all(u, filed(u, "laishui_jyj", "http://jyj2.laishui.gov.cn"))
    changed = sample_filing(name=other.name, url="http://jyj2.laishui.gov.cn", unit_name=other.unit.name)
    with pytest.raises(Duplicate, match="其他域名“alias.lsz.laishui.gov.cn”已由") as e:
        services.request_change(actor=u["laishui_jyj"], website=other,
                                filing=with_domains(changed, "alias.lsz.laishui.gov.cn"))
    assert e.value.field == "other_domains"
    # The web check and the dry run, located at the row's 其他域名 (column C).
    data = fill_workbook(imports.workbook_for(town), [with_domains(
        sample_filing(name="赵各庄", url="http://zgz.laishui.gov.cn", unit_name=town.name), "alias.lsz.laishui.gov.cn")])
    batch = imports.dry_run(actor=u["laishui"], uploads=[("赵.xlsx", SimpleUploadedFile("赵.xlsx", data))])
    entry = batch.summary["files"][0]
    assert entry["invalid"] == 1 and "第 3 行，C 列（其他域名）" in entry["errors"][0]
    assert f"网站标识码 {coded.site_code}" in entry["errors"][0]
    client.force_login(u["laishui"])
    checked = client.post("/sites/check/", {"files": [SimpleUploadedFile("赵.xlsx", data)]}).context["summary"]
    assert checked["files"][0]["errors"] == entry["errors"]
    # forms check (offline, no database): two rows of one workbook that are the same site.
    data = fill_workbook(imports.workbook_for(town), [
        sample_filing(name="甲", url="http://jia.laishui.gov.cn", unit_name=town.name),
        with_domains(sample_filing(name="乙", url="http://yi.laishui.gov.cn", unit_name=town.name),
                     "https://jia.laishui.gov.cn")])
    path = tmp_path / "two.xlsx"
    path.write_bytes(data)
    assert check_main([str(path)]) == 1
    assert "第 4 行 / C 列（其他域名） / “https://jia.laishui.gov.cn”与第 3 行网站的首页网址相同" in capsys.readouterr().out


def test_a_shared_domain_is_refused_online_and_legacy_ones_never_get_a_second_code(demo_users, client):
    u = demo_users
    first = filed(u, "laishui_jyj", "http://shared.laishui.gov.cn")
    clerk = u["laishui_lsz"]
    client.force_login(clerk)
    # Online, a clash with a site not yet coded is refused too, naming the field and the record.
    from .test_views import filing_post

    response = client.post("/sites/new/", filing_post(**{"basic-other_domains": "shared.laishui.gov.cn",
                                                         "then": "submit"}), follow=True)
    assert "其他域名“shared.laishui.gov.cn”已由" in response.content.decode()
    assert not Website.objects.filter(name="龙门乡人民政府网站").exists()
    # Data saved before the rule: shown to reviewers, no second code.
    second = legacy_copy(filed(u, "laishui_lsz", "http://lmx.laishui.gov.cn", name="龙门"), "http://lmx.laishui.gov.cn",
                         ["shared.laishui.gov.cn"])
    assert list(second.domains.values_list("key", "field")) == [
        ("lmx.laishui.gov.cn", "homepage_url"), ("shared.laishui.gov.cn", "other_domains")]
    queue = {s.pk: s.url_clash for s in selectors.review_queue(u["laishui"])}
    assert queue[first.pk] and queue[second.pk]
    client.force_login(u["laishui"])
    assert "其他域名“shared.laishui.gov.cn”" in client.get(f"/sites/{second.pk}/").content.decode()
    approve_all(u, first)
    services.approve(actor=u["laishui"], website=second)
    services.approve(actor=u["baoding"], website=second)
    result = services.bulk(actor=u["hebei"], websites=[Website.objects.get(pk=second.pk)], action="approve")
    assert not result.done and "同一网站只能登记一次" in result.refused[0][1]
    second.refresh_from_db()
    assert second.site_code is None and second.status == "submitted"
