"""IPv6 support of county-level-and-above government portals per region against the year's target (data),
from each portal's latest scan that judged IPv6, on the statistics page and in its Excel export."""

import io
from datetime import date, datetime, timezone as dt_timezone

import pytest
import time_machine
from openpyxl import load_workbook

from sitecensus.registry.models import Website
from sitecensus.scanner.models import SiteScan
from sitecensus.scanner.stats_tables import TARGETS, target_for
from sitecensus.stats import selectors

pytestmark = pytest.mark.django_db


def _scan(name: str, ok, at: str):
    site = Website.objects.get(name=name)
    when = datetime.fromisoformat(at).replace(tzinfo=dt_timezone.utc)
    SiteScan.objects.create(website=site, at=when, as_of=when.date(), reachable=True, ipv6_ok=ok)


def _portals_under(user) -> int:
    return Website.objects.filter(unit__path__startswith=user.unit.path, site_code__isnull=False,
                                  site_class__in=TARGETS["classes"]).exclude(life__in=["closed", "merged"]).count()


def test_targets_are_data_and_follow_the_year():
    assert target_for(2021) is None and target_for(2022) == 85 and target_for(2023) == 100 and target_for(2026) == 100


@pytest.mark.parametrize("year,target,met", [(2022, "85%", "未达标"), (2023, "100%", "未达标")])
def test_rates_per_region_against_the_target(demo_users, year, target, met):
    _scan("河北省人民政府", True, "2021-06-01T08:00:00")
    _scan("保定市人民政府", True, "2021-06-01T08:00:00")
    _scan("涞水县人民政府", True, "2021-05-01T08:00:00")
    _scan("涞水县人民政府", False, "2021-06-01T08:00:00")   # the latest judgement counts
    _scan("涞水县教育局", True, "2021-06-01T08:00:00")       # a department's site: not a portal, not counted
    with time_machine.travel(date(year, 7, 1)):
        stats = selectors.statistics(demo_users["guoban"], live=True)
    table = stats.table("ipv6")
    rows = {r[0]: r for r in table.rows}
    hebei = rows["河北省人民政府办公厅"]
    portals = _portals_under(demo_users["hebei"])
    assert portals >= 3
    assert hebei[1:4] == [portals, 3, 2]
    assert hebei[4] == f"{2 * 100 / portals:.1f}%" and hebei[5] == target and hebei[6] == met
    assert rows["合计"][3] == 2 and f"{year}年目标" in table.title


def test_an_organizing_unit_sees_its_next_level(demo_users):
    _scan("保定市人民政府", True, "2025-06-01T08:00:00")
    _scan("涞水县人民政府", True, "2025-06-01T08:00:00")
    rows = {r[0]: r for r in selectors.statistics(demo_users["baoding"], live=True).table("ipv6").rows}
    assert rows["涞水县人民政府办公室"][3] == 1
    assert rows["本级（含直属部门和单位）"][3] == 1


def test_the_table_exports_to_excel(client, demo_users):
    _scan("河北省人民政府", True, "2025-06-01T08:00:00")
    client.force_login(demo_users["guoban"])
    response = client.get("/stats/export/ipv6.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[1]] == ["地区/单位", "县级以上政府门户", "已检测", "支持IPv6", "支持率", "目标", "是否达标"]
    assert any(row[0].value == "河北省人民政府办公厅" and row[3].value == 1 for row in sheet.iter_rows(min_row=2))
