"""What a person reads of a spot check: region names (河北省, not 13), readable
strata, the notice's figures by region, level and class, its 落款."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from sitecensus.core.dates import cn_date

from .labels import region_label, stratum_label  # noqa: F401  (views and pages read them here)


def figure_rows(notice) -> list[tuple[str, dict]]:
    f = notice.figures or {}
    rows = [("地区", {**r, "key": region_label(r["key"])}) for r in f.get("by_region", [])]
    rows += [("层级", r) for r in f.get("by_level", [])]
    rows += [("网站类别", r) for r in f.get("by_class", [])]
    return rows


def issuer_and_date(notice, today: date) -> tuple[str, date]:
    """The 落款: the organizing unit, and the day of publication (or today, for a draft)."""
    # The day in the census's time zone: a notice published at 01:00 in Beijing is dated that day, not the UTC one.
    published = timezone.localdate(notice.published_at) if notice.published_at else today
    return notice.batch.organizer.name, published


# 主送机关 of a notice by the level of the organizing unit that issues it (GB/T 9704-2012 7.3.2).
ADDRESSEES = {
    1: "各省、自治区、直辖市人民政府办公厅，新疆生产建设兵团办公厅，国务院各部委、各直属机构办公厅（室）：",
    2: "各市（州）、县（市、区）人民政府办公室，省政府各部门办公室：",
}
ADDRESSEES_OTHER = "各有关单位："


def gongwen(notice, today: date) -> dict:
    """The notice's parts as an official document (公文, GB/T 9704-2012) lays them out:
    发文字号 (the issuing unit, the year in 〔〕 and the notice's number among the unit's
    notices of that year), 标题, 主送机关, 正文, 落款 (issuer and date, no leading zeros)
    and 版记 (印发机关和印发日期)."""
    issuer, day = issuer_and_date(notice, today)
    organizer = notice.batch.organizer
    same_year = type(notice).objects.filter(batch__organizer=organizer, published_at__year=day.year,
                                      published_at__isnull=False)
    if notice.published_at:
        number = same_year.filter(published_at__lte=notice.published_at).exclude(
            published_at=notice.published_at, pk__gt=notice.pk).count()
    else:
        number = same_year.count() + 1
    return {"number": f"{issuer}〔{day.year}〕{number}号", "title": notice.title,
            "addressees": ADDRESSEES.get(organizer.depth, ADDRESSEES_OTHER), "body": notice.body,
            "issuer": issuer, "date": cn_date(day), "printed": f"{issuer}　　{cn_date(day)}印发"}


def notice_context(notice, **extra) -> dict:
    from django.utils import timezone

    from .selectors import accountability_for_batch, measure_totals

    issuer, day = issuer_and_date(notice, timezone.localdate())
    # 问责 is recorded after a notice names the sites: read live, so the published notice shows it too.
    accountability = accountability_for_batch(notice.batch)
    return {"notice": notice, "figure_rows": figure_rows(notice), "issuer": issuer, "issued_on": day,
            "gongwen": gongwen(notice, timezone.localdate()), "accountability": accountability,
            "accountability_totals": measure_totals(accountability),
            "reverification": (notice.figures or {}).get("reverification"),
            "follow_up": (notice.figures or {}).get("follow_up"), **extra}


def notice_sheets(notice) -> list[tuple[str, list[str], list]]:
    """The notice as an Excel workbook, one sheet per part, all sampled sites included."""
    figures = [[label, r["key"], r["sampled"], r["passed"], r["rate"] if r["rate"] is not None else "—"]
               for label, r in figure_rows(notice)]
    f = notice.figures or {}
    figures.insert(0, ["合计", "全部", f.get("checked", 0), f.get("passed", 0),
                       f["pass_rate"] if f.get("pass_rate") is not None else "—"])
    unqualified = [[u["site_code"], u["name"], u["url"], u["unit"], u["result"], u["score"], "、".join(u["problems"])]
                   for u in notice.unqualified]
    typical = [[t["indicator"], t["sites"]] for t in notice.typical]
    sampled = [[b.website.site_code, b.website.name, b.website.homepage_url, b.website.unit.name,
                stratum_label(b.stratum), b.get_status_display(),
                b.scorecard.result if b.scorecard_id else "",
                float(b.scorecard.score) if b.scorecard_id and b.scorecard.score is not None else ""]
               for b in notice.batch.sites.select_related("website", "website__unit", "scorecard")
               .order_by("stratum", "id")]
    return [("抽查情况", ["分类", "分组", "抽查数", "合格数", "合格率（%）"], figures),
            ("不合格网站", ["网站标识码", "网站名称", "首页网址", "主管单位", "结果", "得分", "主要问题"], unqualified),
            ("典型问题", ["问题（指标）", "网站数"], typical),
            ("全部抽查网站", ["网站标识码", "网站名称", "首页网址", "主管单位", "所在层", "复核状态", "结果", "得分"],
             sampled)]
