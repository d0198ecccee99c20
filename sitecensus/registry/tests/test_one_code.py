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


def test_same_url_filed_twice_is_caught_before_a_second_code(demo_users, client):
    u = demo_users
    first = filed(u, "laishui_lsz", "http://same.laishui.gov.cn")
    second = filed(u, "laishui_jyj", "HTTP://Same.Laishui.gov.cn:80/")  # the same site, typed differently
    # Every reviewer sees it, in the queue and on the record.
    queue = {s.pk: s.url_clash for s in selectors.review_queue(u["laishui"])}
    assert queue[first.pk] and queue[second.pk]
    client.force_login(u["laishui"])
    assert 'data-testid="url-clash"' in client.get(f"/sites/{second.pk}/").content.decode()
    first = approve_all(u, first)
    assert first.site_code
    services.approve(actor=u["laishui"], website=second)
    services.approve(actor=u["baoding"], website=second)
    with pytest.raises(Duplicate, match=f"网站标识码 {first.site_code}"):
        services.approve(actor=u["hebei"], website=second)
    second.refresh_from_db()
    assert second.site_code is None and second.status == "submitted"
    # A third filing of it is refused at once, online …
    town = Unit.objects.get(name="赵各庄镇人民政府")
    with pytest.raises(Duplicate, match="同一网站只能登记一次"):
        services.save_draft(actor=u["laishui"], unit=town, via="import",
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
        Website.objects.filter(pk=second.pk).update(site_code="1306239999")


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
