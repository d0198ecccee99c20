"""Building blocks for corpus shapes (plain strings; every shape still writes its own list markup)."""
from __future__ import annotations

from datetime import date

from ..corpus import Page, d  # noqa: F401 - re-exported for the shape files

_PHRASES = ["召开全区安全生产工作部署会议", "推进优化营商环境改革专题会议", "开展乡村振兴重点项目调研检查",
            "举行政务服务能力提升培训班", "部署生态环境保护督察整改工作", "召开民生实事项目推进会",
            "调研招商引资重点项目建设情况", "开展防汛抗旱应急演练活动", "召开高质量发展工作推进会议",
            "检查冬季供暖保障工作落实情况", "举办就业创业服务专场招聘会", "推进城乡环境综合整治行动",
            "召开食品药品安全工作联席会议", "部署秋冬季森林防火工作", "开展消防安全隐患排查整治",
            "召开农村人居环境整治现场会", "推动数字政府建设工作会议", "开展法治政府建设专项督查",
            "举行重点项目集中开工仪式", "召开教育工作高质量发展会议"]


def title(i: int, prefix: str = "") -> str:
    return prefix + _PHRASES[i % len(_PHRASES)] + ("" if i < len(_PHRASES) else f"（{i}）")


def iso(x: date) -> str:
    return x.isoformat()


def cn(x: date) -> str:
    return f"{x.year}年{x.month:02d}月{x.day:02d}日"


NAV = ("<div class='nav'><a href='/'>首页</a> <a href='/col/a/'>政务公开</a> <a href='/col/b/'>政务服务</a> "
       "<a href='/col/c/'>互动交流</a> <a href='/col/d/'>走进本区</a></div>")
FOOT = ("<div class='footer'><p>主办：东湖区人民政府办公室 承办：东湖区大数据中心</p>"
        "<p>网站标识码：4201000001 鄂ICP备12345678号-1</p></div>")


def doc(title_: str, body: str, head: str = "", nav: bool = True) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title_}</title>{head}</head><body>"
            f"{NAV if nav else ''}{body}{FOOT}</body></html>")


def article(day: date | None, i: int = 0, label: str = "发布时间：", fmt=iso) -> str:
    when = f"<div class='info'>{label}{fmt(day)} 来源：区政府办</div>" if day else "<div class='info'>来源：区政府办</div>"
    return doc(title(i), f"<div class='article'><h1>{title(i)}</h1>{when}<div class='content'><p>"
                         + "为深入贯彻落实有关工作部署，会议强调要压实责任、狠抓落实。" * 6 + "</p></div></div>")


def articles(prefix: str, days: list, start: int = 0, **kw) -> dict:
    """{prefix}{n}.html -> an article page dated days[n]."""
    return {f"{prefix}{start + n}.html": article(x, start + n, **kw) for n, x in enumerate(days)}


def li_list(prefix: str, days: list, start: int = 0, fmt=iso, cls: str = "list") -> str:
    rows = "".join(f"<li><a href='{prefix}{start + n}.html' target='_blank'>{title(start + n)}</a>"
                   + (f"<span class='date'>{fmt(x)}</span>" if x else "") + "</li>" for n, x in enumerate(days))
    return f"<ul class='{cls}'>{rows}</ul>"


def days(first: int, n: int = 8, step: int = 3) -> list:
    """n dates, the newest `first` days before the scan day, then every `step` days older."""
    return [d(first + k * step) for k in range(n)]
