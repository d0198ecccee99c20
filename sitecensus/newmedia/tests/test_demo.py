"""The demo's 政务新媒体 along Hebei → Baoding → Laishui and the tax system: every state a user meets."""

import pytest
from django.utils import timezone

from sitecensus.newmedia import selectors
from sitecensus.newmedia.models import MediaAccount

pytestmark = pytest.mark.django_db


def test_demo_accounts_cover_the_states(demo_users):
    u = demo_users
    get = MediaAccount.objects.select_related("unit").get
    wechat = get(unit__name="涞水县人民政府办公室", platform="微信公众号")
    assert wechat.status == "approved" and wechat.media_code.startswith(wechat.organizer.org_code + "M")
    assert get(name="魅力永阳").pending_at.name == "保定市人民政府办公室"
    assert get(name="义安镇发布").status == "returned"
    closed = get(unit__name="涞水县人民政府办公室", platform="抖音")
    assert list(selectors.closed_not_cancelled(u["laishui"])) == [closed]
    assert get(unit__name="涞水县人民政府办公室", platform="微博") in selectors.not_updated(
        u["laishui"], today=timezone.localdate())
    assert [f.code for f in selectors.flags(get(name="涞水文旅"))] == ["subject"]
    tax = get(name="涞水税务")
    assert tax.status == "approved" and tax.organizer.name == "国家税务总局保定市税务局"
    assert not selectors.account_list(u["hebei"]).filter(pk=tax.pk).exists()  # a vertical system: not Hebei's
