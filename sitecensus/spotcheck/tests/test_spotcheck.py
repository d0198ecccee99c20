import io
from datetime import date, timedelta

import openpyxl
import pytest

from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.registry.models import Website
from sitecensus.scoring import services as scoring
from sitecensus.scoring.models import Rectification
from sitecensus.spotcheck import services
from sitecensus.spotcheck.models import Batch, BatchSite
from sitecensus.spotcheck.pdf import notice_pdf

pytestmark = pytest.mark.django_db
TODAY = date.today()


def batch(users, **kw):
    params = dict(name="2026年第四季度抽查", strata_by=["region", "site_class"], ratio="50",
                  window_start=TODAY - timedelta(days=7), window_end=TODAY)
    params.update(kw)
    return services.create_batch(actor=users.get("actor") or params.pop("actor"), **params) \
        if "actor" in params else services.create_batch(actor=users["guoban"], **params)


def test_same_seed_same_sample(demo_users):
    first = services.draw(actor=demo_users["guoban"], batch=batch(demo_users, seed=20151))
    second = services.draw(actor=demo_users["guoban"], batch=batch(demo_users, seed=20151))
    ids = lambda b: sorted(b.sites.values_list("website_id", flat=True))  # noqa: E731
    assert ids(first) == ids(second) and first.strata == second.strata
    strata = first.strata
    assert sum(s["population"] for s in strata.values()) == services.population(first).count()
    assert all(1 <= s["sampled"] <= s["population"] for s in strata.values())
    # The closed site never enters the draw.
    assert not first.sites.filter(website__life="closed").exists()
    redrawn = services.draw(actor=demo_users["guoban"], batch=first)  # still a draft: the same again
    assert ids(redrawn) == ids(first)


def test_province_draws_its_own_region_without_vertical_systems(demo_users):
    b = services.draw(actor=demo_users["hebei"], batch=batch(demo_users, actor=demo_users["hebei"], ratio="100"))
    names = set(b.sites.values_list("website__name", flat=True))
    assert "涞水镇人民政府网站" in names and "国家税务总局涞水县税务局" not in names
    assert "教育部教育管理信息中心" not in names


@pytest.mark.parametrize("kw,message", [
    ({"ratio": "0"}, "大于 0"), ({"ratio": "150"}, "不超过 100"), ({"ratio": None, "per_stratum": "0"}, "至少为 1"),
    ({"ratio": "5", "per_stratum": "2"}, "二选一"), ({"strata_by": ["weather"]}, "未知的分层依据"),
    ({"window_end": TODAY - timedelta(days=30)}, "不能早于"),
])
def test_bad_batches(demo_users, kw, message):
    with pytest.raises(InvalidInput, match=message):
        batch(demo_users, **kw)


def test_sample_larger_than_its_stratum(demo_users):
    b = batch(demo_users, ratio=None, per_stratum=50)
    with pytest.raises(InvalidInput, match="少于每层抽取数 50"):
        services.draw(actor=demo_users["guoban"], batch=b)
    assert not b.sites.exists()


def test_closed_sites_and_other_organizers_are_refused(demo_users):
    b = batch(demo_users)
    closed = Website.objects.get(name="三坡镇人民政府网站")
    with pytest.raises(InvalidState, match="已关停"):
        services.add_site(actor=demo_users["guoban"], batch=b, website=closed)
    with pytest.raises(NotAllowed):
        services.draw(actor=demo_users["hebei"], batch=b)
    with pytest.raises(NotAllowed):
        batch(demo_users, actor=demo_users["baoding"])


def test_review_sign_off_notice_publish(demo_users, mailoutbox):
    guoban, second = demo_users["guoban"], demo_users["guoban_fh"]
    b = services.draw(actor=guoban, batch=batch(demo_users, ratio="100", strata_by=["site_class"]))
    services.start(actor=guoban, batch=b)
    Batch.objects.filter(pk=b.pk).update(status="scanned")  # the scan itself is tested with the scanner
    b.refresh_from_db()
    assert services.assign(actor=guoban, batch=b, reviewer=guoban) == b.sites.count()
    with pytest.raises(InvalidState, match="未完成复核签发"):
        services.compose_notice(actor=guoban, batch=b)
    for n, bsite in enumerate(b.sites.all()):
        card = services.review_card(actor=guoban, bsite=bsite)
        with pytest.raises(NotAllowed):
            services.review_card(actor=second, bsite=bsite)  # assigned to someone else
        raw = {"V2": {"veto": True, "evidence": ["http://x.gov.cn/"]}} if n == 0 else {"A2": {"count": 1}}
        scoring.submit_card(actor=guoban, card=card, raw_entries=raw)
        with pytest.raises(NotAllowed, match="第二人"):
            services.sign_off(actor=guoban, bsite=bsite)
        services.sign_off(actor=second, bsite=bsite)
    notice = services.compose_notice(actor=guoban, batch=b)
    f = notice.figures
    assert f["checked"] == b.sites.count() and f["passed"] == f["checked"] - 1
    # The breakdown by class names the State Council and vertical-system classes (never a ministry as a province's).
    assert {"国务院部门参公事业单位网站", "垂直管理系统网站", "省级政府门户"} <= {r["key"] for r in f["by_class"]}
    center = b.sites.get(website__name="教育部教育管理信息中心")
    assert center.stratum == "国务院部门参公事业单位网站"
    assert len(notice.unqualified) == 1 and notice.unqualified[0]["problems"] == ["网站不更新"]
    assert {t["indicator"] for t in notice.typical} == {"网站不更新", "链接可用性（首页）"}
    pdf = notice_pdf(notice)
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf and b"+WenQuanYiMicroHei" in pdf  # the font is embedded
    services.publish(actor=guoban, notice=notice)
    failed = Website.objects.get(site_code=notice.unqualified[0]["site_code"])
    assert Rectification.objects.filter(website=failed, indicator="V2", issuer_unit=guoban.unit).exists()
    # issued through scoring's own service: audited like any other rectification
    from sitecensus.audit.models import AuditEvent

    issued = Rectification.objects.get(website=failed, indicator="V2")
    assert AuditEvent.objects.filter(action="rectification_issued", object_id=str(issued.pk)).exists()
    with pytest.raises(InvalidState, match="已发布"):
        services.publish(actor=guoban, notice=notice)


def test_pages_and_exports(client, demo_users):
    guoban = demo_users["guoban"]
    client.force_login(guoban)
    response = client.post("/spotcheck/", {"name": "页面抽查", "strata_by": ["region"], "ratio": "20",
                                           "window_start": TODAY.isoformat(), "window_end": TODAY.isoformat()})
    assert response.status_code == 302
    b = Batch.objects.get(name="页面抽查")
    client.post(f"/spotcheck/{b.pk}/action/", {"action": "draw"})
    page = client.get(f"/spotcheck/{b.pk}/").content.decode()
    assert "分层抽样" in page and str(b.seed) in page
    bad = client.post("/spotcheck/", {"name": "x", "ratio": "abc", "window_start": "bad"})
    assert bad.status_code == 400
    client.force_login(demo_users["baoding"])
    assert client.get(f"/spotcheck/{b.pk}/").status_code == 403
    client.force_login(demo_users["hebei"])
    assert client.get(f"/spotcheck/{b.pk}/").status_code == 404
    assert client.get(f"/spotcheck/{b.pk}/notice.pdf").status_code == 404


def test_notice_excel(client, demo_users):
    guoban = demo_users["guoban"]
    b = services.draw(actor=guoban, batch=batch(demo_users, ratio="100", strata_by=[]))
    services.start(actor=guoban, batch=b)
    for bsite in b.sites.all():
        scoring.submit_card(actor=guoban, card=services.review_card(actor=guoban, bsite=bsite),
                            raw_entries={"A2": {"count": 50}, "A3": {"count": 500}, "B2": {"count": 20},
                                         "C1": {"count": 5}})  # 100 - 5 - 5 - 20 - 15 = 55: fails
        services.sign_off(actor=demo_users["guoban_fh"], bsite=bsite)
    Batch.objects.filter(pk=b.pk).update(status="scanned")
    services.compose_notice(actor=guoban, batch=b)
    client.force_login(guoban)
    response = client.get(f"/spotcheck/{b.pk}/notice.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    # Every sheet: figures, unqualified sites, typical problems, all sampled sites.
    assert book.sheetnames == ["抽查情况", "不合格网站", "典型问题", "全部抽查网站"]
    assert book["不合格网站"].max_row == b.sites.count() + 1
    assert book["全部抽查网站"].max_row == b.sites.count() + 1
    assert book["典型问题"]["A2"].value
    labels = [row[0].value for row in book["抽查情况"].iter_rows(min_row=2)]
    assert {"合计", "地区", "层级", "网站类别"} <= set(labels)
    regions = [row[1].value for row in book["抽查情况"].iter_rows(min_row=2) if row[0].value == "地区"]
    assert "河北省" in regions and not any(str(r).isdigit() for r in regions)
    page = client.get(f"/spotcheck/{b.pk}/notice/").content.decode()
    assert "地区：河北省" in page and "地区：13" not in page and "层级：县级" in page
    assert 'data-testid="notice-signoff"' in page and "国务院办公厅" in page
    assert BatchSite.objects.filter(batch=b, status="signed").count() == b.sites.count()
    # The PDF: the same breakdown, the 落款 and page numbers; names, not codes.
    from pypdf import PdfReader

    pdf = client.get(f"/spotcheck/{b.pk}/notice.pdf").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "地区：河北省" in text and "层级：县级" in text and "国务院办公厅" in text and "第 1 页 共" in text
    assert "地区：13" not in text
    # Published, the public page offers the PDF to anyone.
    services.publish(actor=guoban, notice=b.notice)
    client.logout()
    public = client.get(f"/pucha/notices/{b.notice.pk}/").content.decode()
    assert f"/pucha/notices/{b.notice.pk}/pdf/" in public and "地区：河北省" in public
    download = client.get(f"/pucha/notices/{b.notice.pk}/pdf/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_strata_read_as_names_and_reviewers_assigned_by_region_name(client, demo_users):
    guoban = demo_users["guoban"]
    b = services.draw(actor=guoban, batch=batch(demo_users, ratio="100", strata_by=["region", "level"]))
    assert any(k.startswith("13|") for k in b.strata)  # the key stays a code: the same seed, the same draw
    client.force_login(guoban)
    page = client.get(f"/spotcheck/{b.pk}/").content.decode()
    assert "河北省 · 县级" in page and "13|" not in page
    services.start(actor=guoban, batch=b)
    hebei_sites = b.sites.filter(website__unit__division__province_code="13").count()
    assert services.assign(actor=guoban, batch=b, reviewer=guoban, region="河北省") == hebei_sites
    with pytest.raises(InvalidInput, match="没有名为"):
        services.assign(actor=guoban, batch=b, reviewer=guoban, region="火星")
