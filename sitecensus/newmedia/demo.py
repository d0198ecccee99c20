"""Demo 政务新媒体 along the Hebei → Baoding → Laishui chain and the tax system, built through the
same services as the UI: approved accounts with their registry numbers, one waiting at Baoding, one
returned, one closed but not cancelled, one not updated for weeks (its reading recorded)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sitecensus.orgs.models import Unit

from . import services
from .testing import sample_values

# (filer, unit name or None for the filer's own, platform, account name, account ID, URL, levels approving)
DEMO = [
    ("laishui", None, "微信公众号", "涞水发布", "laishuifabu", "", ["laishui", "baoding", "hebei"]),
    ("laishui", None, "微博", "涞水发布", "laishuifabu", "https://weibo.com/laishuifabu", ["laishui", "baoding", "hebei"]),
    ("laishui", None, "抖音", "涞水发布", "lsfb0312", "https://www.douyin.com/user/lsfb0312", ["laishui", "baoding", "hebei"]),
    ("laishui", "涞水县文化广电和旅游局", "抖音", "涞水文旅", "lswl0312", "https://www.douyin.com/user/lswl0312",
     ["laishui", "baoding", "hebei"]),
    ("laishui_lsz", None, "微信公众号", "涞水镇发布", "lszfabu", "", ["laishui", "baoding", "hebei"]),
    ("laishui", "永阳镇人民政府", "微信公众号", "魅力永阳", "meiliyongyang", "", ["laishui"]),  # waits at Baoding
    ("laishui", "义安镇人民政府", "今日头条", "义安镇发布", "yianfabu", "https://www.toutiao.com/c/user/yianfabu/", []),
    ("baoding", None, "微信公众号", "保定发布", "baodingfabu", "", ["baoding", "hebei"]),
    ("baoding", None, "微博", "保定发布", "baodingfabu", "https://weibo.com/baodingfabu", ["baoding", "hebei"]),
    ("baoding_jyj", None, "微信公众号", "保定教育", "bdjyj", "", ["baoding", "hebei"]),
    ("hebei", None, "微信公众号", "河北发布", "hebeifabu", "", ["hebei"]),
    ("hebei", None, "微博", "河北发布", "hebeifabu", "https://weibo.com/hebeifabu", ["hebei"]),
    ("hebei", None, "小程序", "冀时办", "wx-jishiban", "", ["hebei"]),
    ("hebei_fgw", None, "微信公众号", "河北发改", "hebeifgw", "", ["hebei"]),
    ("laishui_tax", None, "微信公众号", "涞水税务", "lstax", "", ["baoding_tax", "hebei_tax", "shuiwu"]),
    ("hebei_tax", None, "微信公众号", "河北税务", "hebeitax", "", ["hebei_tax", "shuiwu"]),
    ("hebei_tax", None, "抖音", "河北税务", "hebeitax_dy", "https://www.douyin.com/user/hebeitax_dy", ["hebei_tax", "shuiwu"]),
]


def load_media_demo(users: dict) -> None:
    made = {}
    for filer, unit_name, platform, name, account_id, url, levels in DEMO:
        actor = users[filer]
        unit = Unit.objects.get(name=unit_name) if unit_name else actor.unit
        values = sample_values(unit_name=unit.name, platform=platform, name=name, account_id=account_id, url=url,
                               opened_on="2018-06-01")
        if unit_name == "涞水县文化广电和旅游局":
            values["certified_subject"] = "涞水县融媒体中心"  # certified to another body: flagged to reviewers
        account = services.save_draft(actor=actor, unit=unit, values=values) if unit == actor.unit else \
            services._draft_for(unit, values, None)
        account = services.submit(actor=actor, account=account)
        for level in levels:
            account = services.approve(actor=users[level], account=account)
        made[(unit.name, platform)] = account
    yian = made[("义安镇人民政府", "今日头条")]
    services.return_record(actor=users["laishui"], account=yian, reason="认证主体请与主办单位一致，认证后重报")
    weibo = made[("涞水县人民政府办公室", "微博")]
    today = timezone.localdate()
    services.record_check(account=weibo, latest=today - dt.timedelta(days=40), result={
        "verdict": "read", "label": "已读取", "latest": (today - dt.timedelta(days=40)).isoformat(),
        "evidence": {"url": weibo.url, "date_excerpt": "演示：最近一条微博的发布日期"}})
    douyin = made[("涞水县人民政府办公室", "抖音")]
    services.request_life(actor=users["laishui"], account=douyin, kind="close", reason="内容并入“涞水发布”微信公众号，停止更新",
                          on=(today - dt.timedelta(days=90)).isoformat())
    for level in ("laishui", "baoding", "hebei"):
        services.approve(actor=users[level], account=douyin)
