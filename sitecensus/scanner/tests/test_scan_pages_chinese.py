"""The scanner pages a person reads are Chinese: error and link-kind codes as
words, "无法判断" where the scanner could not see, history rows open the older scan."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sitecensus.registry.models import Website
from sitecensus.scanner.models import DeadLink, SiteScan

pytestmark = pytest.mark.django_db


def test_codes_read_as_chinese_and_history_opens_older_scans(client, demo_users):
    site = Website.objects.get(name="涞水县人民政府")
    now = timezone.now()
    older = SiteScan.objects.create(website=site, at=now - timedelta(days=3), as_of=now.date(), reachable=True,
                                    status=200, icp="冀ICP备05001234号", site_id_code="", dead_link_count=1)
    DeadLink.objects.create(site_scan=older, url="http://www.laishui.gov.cn/a.pdf", found_on=site.homepage_url,
                            kind="attachment", error="connect")
    SiteScan.objects.create(website=site, at=now, as_of=now.date(), reachable=False, error="connect")
    client.force_login(demo_users["baoding"])
    page = client.get(f"/scans/site/{site.pk}/").content.decode()
    assert "无法建立连接" in page and "无法判断（首页无法访问）" in page and "connect" not in page
    assert f"?scan={older.pk}" in page
    old = client.get(f"/scans/site/{site.pk}/?scan={older.pk}").content.decode()
    assert 'data-testid="older-scan"' in old and "冀ICP备05001234号" in old
    assert "附件" in old and "attachment" not in old and "未展示" in old
    other = Website.objects.get(name="保定市人民政府")
    assert client.get(f"/scans/site/{other.pk}/?scan={older.pk}").status_code == 404
