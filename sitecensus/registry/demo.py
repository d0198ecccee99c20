"""Demo records along the seed's Hebei chain, one in every state, built through
the same services as the UI (filing, import, review, change, closure)."""

from __future__ import annotations

from django.test.utils import override_settings

from sitecensus.orgs.models import Unit

from . import campaigns, services
from sitecensus.campaigns.models import Campaign

from .models import Website
from .testing import sample_filing


def create_campaign(*, year: int | None = None) -> Campaign:
    """The demo's campaign: dated relative to the day it is loaded, so that a new
    user sees an open phase with a real deadline (with `year`: the 2015 calendar)."""
    if year is None:
        return campaigns.create_demo_campaign()
    from django.conf import settings

    campaign, _ = Campaign.objects.get_or_create(name=f"{campaigns.calendar_spec()['name']}（{year}年）",
                                                 defaults={"year": year, "rubric_code": settings.SCORING_RUBRIC})
    campaigns._save_phases(campaign, campaigns.default_phases(year))
    return campaign


def _file(users, username, name, url, site_class, *, unit=None, portal=False, columns=8):
    actor = users[username]
    unit = unit or actor.unit
    filing = sample_filing(name=name, url=url, unit_name=unit.name, site_class=site_class, columns=columns,
                           email=f"{username}@example.gov.cn", portal=portal)
    # An organizing unit files for a unit below it as a workbook import would (the demo is set-up code).
    return services.do_save_draft(actor=actor, unit=unit, filing=filing,
                                  via="online" if unit == actor.unit else "import")


def _through(users, site, levels, *, submitter):
    services.do_submit(actor=users[submitter], website=site,
                       via="online" if users[submitter].unit == site.unit else "import")
    for level in levels:
        services.approve(actor=users[level], website=site)
    site.refresh_from_db()
    return site


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def load_registry_demo(users: dict) -> None:
    create_campaign()
    unit = Unit.objects.get
    chain_town = ["laishui", "baoding", "hebei"]
    portal = _file(users, "laishui", "涞水县人民政府", "http://www.laishui.gov.cn", "县级政府门户", portal=True)
    _through(users, portal, chain_town, submitter="laishui")
    town = _file(users, "laishui_lsz", "涞水镇人民政府网站", "http://lsz.laishui.gov.cn", "乡镇街道网站")
    _through(users, town, chain_town, submitter="laishui_lsz")
    edu = _file(users, "laishui_jyj", "涞水县教育局", "http://jyj.laishui.gov.cn", "县级政府部门网站")
    _through(users, edu, ["laishui"], submitter="laishui_jyj")  # waits at Baoding
    yongyang = _file(users, "laishui", "永阳镇人民政府网站", "http://yyz.laishui.gov.cn", "乡镇街道网站",
                     unit=unit(name="永阳镇人民政府"))
    _through(users, yongyang, [], submitter="laishui")  # waits at Laishui
    yian = _file(users, "laishui", "义安镇人民政府网站", "http://yaz.laishui.gov.cn", "乡镇街道网站",
                 unit=unit(name="义安镇人民政府"))
    _through(users, yian, ["laishui"], submitter="laishui")
    services.return_record(actor=users["baoding"], website=yian, reason="栏目网址与实际不符，请核实后重报")
    _file(users, "laishui", "石亭镇人民政府网站", "http://stz.laishui.gov.cn", "乡镇街道网站",
          unit=unit(name="石亭镇人民政府"))  # still a draft
    sanpo = _file(users, "laishui", "三坡镇人民政府网站", "http://spz.laishui.gov.cn", "乡镇街道网站",
                  unit=unit(name="三坡镇人民政府"))
    _through(users, sanpo, chain_town, submitter="laishui")
    services.request_life_change(actor=users["laishui"], website=sanpo, life=Website.Life.CLOSED,
                                 reason="集约化：内容迁入县政府门户")
    sanpo = Website.objects.get(pk=sanpo.pk)
    for level in chain_town:
        services.approve(actor=users[level], website=sanpo)
    # ---- a site's life: the closure's notice period (here already over, as the scanner saw it), then the 报备 ----
    _demo_closure_filed(users["laishui"], Website.objects.get(pk=sanpo.pk))

    baoding_portal = _file(users, "baoding", "保定市人民政府", "http://www.baoding.gov.cn", "市级政府门户", portal=True)
    _through(users, baoding_portal, ["baoding", "hebei"], submitter="baoding")
    bd_edu = _file(users, "baoding_jyj", "保定市教育局", "http://jyj.baoding.gov.cn", "市级政府部门网站")
    _through(users, bd_edu, ["baoding", "hebei"], submitter="baoding_jyj")
    hebei_portal = _file(users, "hebei", "河北省人民政府", "http://www.hebei.gov.cn", "省级政府门户", portal=True,
                         columns=12)
    _through(users, hebei_portal, ["hebei"], submitter="hebei")
    fgw = _file(users, "hebei_fgw", "河北省发展和改革委员会", "http://hbdrc.hebei.gov.cn", "省级政府部门网站")
    fgw = _through(users, fgw, ["hebei"], submitter="hebei_fgw")
    changed = sample_filing(name="河北省发展和改革委员会", url="http://hbdrc.hebei.gov.cn", unit_name=fgw.unit.name,
                            site_class="省级政府部门网站", columns=10, email="hebei_fgw@example.gov.cn")
    services.request_change(actor=users["hebei_fgw"], website=fgw, filing=changed, note="新增两个栏目")
    jyt = _file(users, "hebei_jyt", "河北省教育厅", "http://jyt.hebei.gov.cn", "省级政府部门网站")
    _through(users, jyt, [], submitter="hebei_jyt")
    tax = _file(users, "laishui_tax", "国家税务总局涞水县税务局", "http://hebei.chinatax.gov.cn/laishui",
                "垂直管理系统网站")
    _through(users, tax, ["baoding_tax", "hebei_tax", "shuiwu"], submitter="laishui_tax")
    center = _file(users, "jiaoyubu_xxzx", "教育部教育管理信息中心", "http://www.emic.edu.cn",
                   "国务院部门参公事业单位网站")
    _through(users, center, ["jiaoyubu"], submitter="jiaoyubu_xxzx")


def _demo_closure_filed(actor, site) -> None:
    """The demo's closed site: its notice recorded as posted a notice period ago, the period and the
    old site's end as the daily check records them (marked as demo data), then filed."""
    from datetime import timedelta

    from django.utils import timezone

    from .services import life

    closure = life.open_closure(site)
    life.record_notice(actor=actor, website=site, notice_url="http://spz.laishui.gov.cn/tzgg/gbgg.html",
                       notice_on=timezone.localdate() - timedelta(days=closure.period_days))
    closure.refresh_from_db()
    life.record_closure_check(closure=closure, notice_held=True, period_reason="演示数据：公告期内每日扫描均在首页读到公告",
                              gone={"verdict": "gone", "verified": True, "reason": "演示数据：原网站已无法访问"})
    life.file_closure(actor=actor, website=Website.objects.get(pk=site.pk), note="演示数据：关停报备")
