"""Reading a new-media account's public page (a profile feed, an app's download page) and a
site's 政务新媒体矩阵 page. No Django.

What a machine may say, and only with its evidence (the URL and the excerpt it read):

* the latest post date — from the page's post stamps: full dates in the text (2025-06-20 10:11,
  2025年6月25日, 2025/05/20), relative stamps (刚刚, N分钟前, N小时前, 今天, 昨天, 前天, N天前) counted
  back from the reading date, and the stamps platforms embed as data (JSON keys such as created_at,
  create_time, publish_time, datePublished: epoch seconds or milliseconds, ISO dates, or the
  "Tue Jun 24 09:00:00 +0800 2025" form); dates that are not posts are left out — a label before
  them of registration, certification, founding, or a footer's copyright/ICP/"更新于" line;
* interaction traces — a count above zero beside 评论 / 转发 / 点赞 / 赞 / 留言 / 回复 / 用户评论
  ("评论 3", "12条评论", "用户评论 (35)", JSON comment_count …); all such counts zero, or 暂无评论,
  is "no interaction seen".

Anything else — the page not fetched, an error status, a login or verification wall, a script shell
with no posts, an account with nothing published — is 无法判定 with the reason, for a person.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from . import dates as D
from .config import ScanConfig
from .encoding import decode_html
from . import aio

READ, UNDECIDABLE = "read", "undecidable"
LABELS = {READ: "已读取", UNDECIDABLE: "无法判定"}
CN_TZ = timezone(timedelta(hours=8))

# Walls: the page asks for a login or a verification instead of showing posts.
_WALL = re.compile(r"(请?登录后(查看|浏览|继续)|登录(查看|后可见)|安全验证|验证码|人机验证|请完成.{0,6}验证|访问受限|"
                   r"请开启\s*JavaScript|请启用\s*JavaScript)")
_EMPTY = re.compile(r"(暂无(内容|作品|动态|微博|文章|发布)|还没有(发布|发表)(任何)?(作品|内容|动态|文章|微博)|尚未发布)")
# A date after one of these labels is not a post.
_NOT_POST = re.compile(r"(注册|加入|认证|开设|成立|创建|出生|生日|入驻|©|版权|copyright|ICP|更新于|截止|有效期)"
                       r"[^0-9]{0,8}$", re.I)
_RELATIVE = re.compile(r"(刚刚|(\d{1,2})\s*分钟前|(\d{1,2})\s*小时前|今天|昨天|前天|(\d{1,2})\s*天前)")
_COUNT_AFTER = re.compile(r"(评论|转发|点赞|赞|留言|回复|用户评论|用户评价)\s*[（(]?\s*(\d[\d.,]*\s*[万wW]?)")
_COUNT_BEFORE = re.compile(r"(\d[\d.,]*\s*[万wW]?)\s*(条|个)?\s*(评论|转发|点赞|留言|回复)")
_NO_COMMENTS = re.compile(r"暂无(评论|评价|留言|回复)")
_TIME_KEYS = {"created_at", "create_time", "createtime", "publish_time", "publishtime", "pubdate", "pub_time",
              "datepublished", "publish_date", "post_time", "ctime", "timestamp", "release_date", "update_time"}
_COUNT_KEYS = {"comment_count", "comments_count", "reposts_count", "repost_count", "share_count",
               "attitudes_count", "digg_count", "like_count", "reply_count", "comment_num"}
_EXCERPT = 120


@dataclass
class MediaReading:
    url: str
    verdict: str                      # read / undecidable
    latest: date | None = None        # the latest post date read
    interaction: bool | None = None   # interaction traces seen (None: not readable)
    reason: str = ""                  # why 无法判定 (Chinese)
    evidence: dict = field(default_factory=dict)  # {"url", "status", "date_excerpt", "interaction_excerpt"}

    @property
    def label(self) -> str:
        return LABELS[self.verdict]

    def as_dict(self) -> dict:
        out = asdict(self)
        out["latest"] = self.latest.isoformat() if self.latest else None
        out["label"] = self.label
        return out


def _excerpt(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - 30), min(len(text), end + 30)
    return re.sub(r"\s+", " ", text[lo:hi]).strip()[:_EXCERPT]


def _visible_text(tree) -> str:
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body or tree.root
    return body.text(separator=" ") if body is not None else ""


def _scripts(tree) -> list[str]:
    return [n.text() or "" for n in tree.css("script") if (n.attributes.get("src") is None)]


def _json_values(code: str):
    """Objects embedded in scripts: every JSON object literal that parses."""
    for m in re.finditer(r"[{\[]", code):
        if m.start() and code[m.start() - 1] in "\"'\\":
            continue
        try:
            value, _end = json.JSONDecoder().raw_decode(code, m.start())
        except ValueError:
            continue
        yield value
        return  # the outermost literal holds the rest


def _walk(value, depth=0):
    if depth > 12:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k).lower(), v
            yield from _walk(v, depth + 1)
    elif isinstance(value, list):
        for v in value[:500]:
            yield from _walk(v, depth + 1)


def _stamp(value, as_of: date) -> date | None:
    """A platform's time stamp: epoch seconds/milliseconds, an ISO date, or 'Tue Jun 24 09:00:00 +0800 2025'."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit() and len(value) in (10, 13)):
        n = float(value)
        if n > 1e12:
            n /= 1000
        if not 946684800 <= n <= 4102444800:  # 2000 … 2100
            return None
        return datetime.fromtimestamp(n, CN_TZ).date()
    if isinstance(value, str):
        try:
            return parsedate_to_datetime(re.sub(r"^(\w{3}) (\w{3}) (\d\d) ([\d:]+) ([+-]\d{4}) (\d{4})$",
                                                r"\1, \3 \2 \6 \4 \5", value.strip())).astimezone(CN_TZ).date()
        except (TypeError, ValueError, IndexError):
            return D.parse_date_value(value, as_of)
    return None


def _count(text: str) -> float:
    text = text.replace(",", "").strip()
    scale = 10000 if text[-1:] in "万wW" else 1
    try:
        return float(text.rstrip("万wW ").strip() or 0) * scale
    except ValueError:
        return 0


def _relative(text: str, as_of: date) -> list[tuple[date, int, int]]:
    out = []
    for m in _RELATIVE.finditer(text):
        word = m.group(1)
        if word in ("刚刚", "今天") or m.group(2) or m.group(3):
            days = 0
        elif word == "昨天":
            days = 1
        elif word == "前天":
            days = 2
        else:
            days = int(m.group(4))
        out.append((as_of - timedelta(days=days), m.start(), m.end()))
    return out


def read_page(body: bytes | str, *, url: str, as_of: date, status: int | None = 200,
              content_type: str | None = None) -> MediaReading:
    """Read one fetched public page (see the module's docstring for what counts)."""
    evidence = {"url": url, "status": status}
    if status is None or not 200 <= status < 300:
        return MediaReading(url, UNDECIDABLE, reason=f"页面无法读取（HTTP 状态 {status}）", evidence=evidence)
    html = body if isinstance(body, str) else decode_html(body, content_type)[0]
    tree = LexborHTMLParser(html)
    scripts = _scripts(tree)
    text = D.normalize(_visible_text(tree))

    stamps: list[tuple[date, str]] = []
    for f in D.find_full_dates(text, as_of, skip_clock=False):
        if _NOT_POST.search(text[max(0, f.start - 16):f.start]):
            continue
        stamps.append((f.value, _excerpt(text, f.start, f.end)))
    for value, start, end in _relative(text, as_of):
        stamps.append((value, _excerpt(text, start, end)))
    counts: list[tuple[float, str]] = []
    for m in _COUNT_AFTER.finditer(text):
        counts.append((_count(m.group(2)), _excerpt(text, m.start(), m.end())))
    for m in _COUNT_BEFORE.finditer(text):
        counts.append((_count(m.group(1)), _excerpt(text, m.start(), m.end())))
    for code in scripts:
        for value in _json_values(code):
            for key, v in _walk(value):
                if key in _TIME_KEYS:
                    found = _stamp(v, as_of)
                    if found and found <= as_of:
                        stamps.append((found, f"{key}: {v}"))
                elif key in _COUNT_KEYS and isinstance(v, (int, float)) and not isinstance(v, bool):
                    counts.append((float(v), f"{key}: {v}"))
    if not stamps:
        wall = _WALL.search(text) or _WALL.search(tree.css_first("title").text() if tree.css_first("title") else "")
        if wall:
            reason = f"页面要求登录或验证（“{wall.group(0)}”），无公开内容可读"
        elif _EMPTY.search(text):
            reason = f"账号页面显示“{_EMPTY.search(text).group(0)}”，没有可读的发布内容"
        elif not text.strip():
            reason = "页面只有脚本外壳，没有可读的发布内容"
        else:
            reason = "页面上没有读到发布日期"
        evidence["excerpt"] = re.sub(r"\s+", " ", text).strip()[:_EXCERPT]
        return MediaReading(url, UNDECIDABLE, reason=reason, evidence=evidence)
    latest, where = max(stamps, key=lambda s: s[0])
    evidence["date_excerpt"] = where
    interaction: bool | None
    positive = [c for c in counts if c[0] > 0]
    if positive:
        interaction = True
        evidence["interaction_excerpt"] = positive[0][1]
    elif counts or _NO_COMMENTS.search(text):
        interaction = False
        evidence["interaction_excerpt"] = counts[0][1] if counts else _NO_COMMENTS.search(text).group(0)
    else:
        interaction = None
    return MediaReading(url, READ, latest=latest, interaction=interaction, evidence=evidence)


async def read_account(url: str, config: ScanConfig, fetcher=None) -> MediaReading:
    """Fetch and read one account's public page (through the scanner's guarded fetcher)."""
    from .fetch import Fetcher

    as_of = config.as_of or date.today()
    if fetcher is None:
        async with Fetcher(config) as own:
            return await read_account(url, config, own)
    result = await fetcher.fetch(url)
    if not result.ok:
        return MediaReading(url, UNDECIDABLE, reason=f"页面无法读取（{result.message or result.error}）",
                            evidence={"url": url, "status": result.status})
    return read_page(result.body or b"", url=result.final_url or url, as_of=as_of, status=result.status,
                     content_type=result.content_type)


async def read_accounts(urls: list[str], config: ScanConfig) -> list[MediaReading]:
    from .fetch import Fetcher

    async with Fetcher(config) as fetcher:
        return list(await asyncio.gather(*(read_account(u, config, fetcher) for u in urls)))


def read_accounts_sync(urls: list[str], config: ScanConfig) -> list[MediaReading]:
    return aio.run(read_accounts(urls, config))


# ---------------------------------------------------------------- a site's 政务新媒体矩阵 page

# Platform names as pages write them → the registry's names (newmedia/data/platforms.json).
PLATFORM_WORDS = (("微信", "微信公众号"), ("公众号", "微信公众号"), ("微博", "微博"), ("抖音", "抖音"),
                  ("头条", "今日头条"), ("快手", "快手"), ("小程序", "小程序"), ("客户端", "客户端"),
                  ("APP", "客户端"), ("App", "客户端"))


@dataclass
class MatrixEntry:
    platform: str
    name: str
    url: str | None
    excerpt: str


def read_matrix(body: bytes | str, *, url: str) -> list[MatrixEntry]:
    """The accounts a site's 政务新媒体矩阵 page lists: each table row or list item naming a platform,
    with the account's name (the link's text, else the cell after the platform) and its link."""
    html = body if isinstance(body, str) else decode_html(body)[0]
    tree = LexborHTMLParser(html)
    out = []
    for row in tree.css("tr, li"):
        cells = [c.text(separator=" ").strip() for c in row.css("td, th")] or [row.text(separator=" ").strip()]
        platform = next((name for word, name in PLATFORM_WORDS for c in cells[:1] if word in c), None)
        if platform is None or row.css_first("th") is not None:
            continue
        link = row.css_first("a[href]")
        name = (link.text().strip() if link is not None else "") or (cells[1] if len(cells) > 1 else "")
        href = urljoin(url, link.attributes.get("href") or "") if link is not None else None
        out.append(MatrixEntry(platform, name, href, " | ".join(cells)[:_EXCERPT]))
    return out
