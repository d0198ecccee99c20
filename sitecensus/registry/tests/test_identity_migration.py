"""Migration 0013 recomputes every stored identity key with the one normalisation: homepage
keys and the domain table; two records that only now turn out to be one site keep their
domain keys (every reviewer sees them flagged) and the constraints hold."""

import importlib

import pytest
from django.apps import apps

from sitecensus.registry import selectors, services
from sitecensus.registry.models import Website, WebsiteDomain
from sitecensus.registry.testing import sample_filing

pytestmark = pytest.mark.django_db
recompute = importlib.import_module("sitecensus.registry.migrations.0013_i21_identity_keys").recompute


def test_stored_keys_are_recomputed(demo_users):
    u = demo_users
    clerk = u["laishui_lsz"]
    a = services.save_draft(actor=clerk, unit=clerk.unit, filing=sample_filing(
        name="甲", url="http://mig-a.laishui.gov.cn", unit_name=clerk.unit.name))
    b = services.save_draft(actor=clerk, unit=clerk.unit, filing=sample_filing(
        name="乙", url="http://mig-b.laishui.gov.cn", unit_name=clerk.unit.name))
    # As the old normalisation stored them: the scheme, the default document and the tracking query kept.
    Website.objects.filter(pk=a.pk).update(homepage_url="https://MIG-A.laishui.gov.cn/index.html?from=x",
                                           url_key="https://mig-a.laishui.gov.cn/index.html?from=x")
    Website.objects.filter(pk=b.pk).update(homepage_url="http://mig-a.laishui.gov.cn/",
                                           url_key="http://mig-a.laishui.gov.cn")
    WebsiteDomain.objects.filter(website__in=[a, b]).update(key="stale")
    recompute(apps, None)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.url_key == "http://mig-a.laishui.gov.cn"  # the older record keeps the key
    assert b.url_key == f"http://mig-a.laishui.gov.cn#{b.pk}"  # unique, and no spelling produces it
    assert set(WebsiteDomain.objects.filter(website__in=[a, b]).values_list("key", flat=True)) == {
        "mig-a.laishui.gov.cn"}
    # Both stay visible as one site to whoever looks: a third spelling is refused, naming the first.
    assert services.find_clash({"homepage_url": "HTTPS://mig-a.laishui.gov.cn:443"}).site.pk == a.pk
    assert not WebsiteDomain.objects.filter(key="stale").exists()
    assert selectors  # (the queue's 网址已登记 flag reads the same domain table)
