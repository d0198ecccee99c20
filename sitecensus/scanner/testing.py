"""Registering a synthetic government web's sites in the database, for the
Django-side tests and benchmarks of the scanner."""

from __future__ import annotations

from django.utils import timezone

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website, WebsiteColumn

# Engine column classes → the column form's classes.
FORM_CLASS = {"动态要闻": "工作动态/要闻"}


def register_synthetic(web, unit: Unit, organizer: Unit) -> list[Website]:
    sites = []
    for target in web.targets():
        site = Website.objects.create(
            unit=unit, organizer=organizer, name=f"合成网站{target['site_code']}", homepage_url=target["homepage"],
            url_key=target["homepage"].rstrip("/"), site_class="县级政府部门网站", status=Website.Status.APPROVED,
            site_code=target["site_code"][:10], approved_at=timezone.now(), data={})
        columns = [WebsiteColumn(website=site, position=i, name=c["name"], url=c["url"], is_homepage=True,
                                 column_class=FORM_CLASS.get(c["class"], c["class"] or "其他"))
                   for i, c in enumerate(target["columns"], start=1)]
        columns += [WebsiteColumn(website=site, position=len(columns) + i, name=f"在线系统{i}", url=url,
                                  column_class="在线系统") for i, url in enumerate(target["systems"], start=1)]
        WebsiteColumn.objects.bulk_create(columns)
        sites.append(site)
    return sites


def use_broker(app, url: str) -> None:
    """Point the Celery app at a test broker. A connection pool opened earlier
    (another test, another broker) is dropped, or messages would still go there."""
    app.conf.broker_url = url
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
