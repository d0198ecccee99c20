"""Identity, footer, domain, IPv6 and accessibility compliance (2017 指引, 国办函〔2018〕55号, GB/T 37668-2019).

Findings for a person, each with its evidence, never a score: a check that cannot be read is 无法判定.
Rules (host lists, words, thresholds) are data: compliance.json.

Costs: the footer, domain and accessibility checks read the pages the site scan already fetched (their facts
are collected while a page is parsed: pagefacts.collect / read_text, called by extract.parse_page); only the IPv6
check asks the network: the AAAA look-up (through the injectable resolver: `ScanConfig.host_map6`, then the
system's DNS), then the homepage, one second-level and one third-level page over IPv6 (and the third-level page
over IPv4 when the scan did not read it already).
"""
from __future__ import annotations

import dataclasses
import errno
import re
import socket
from dataclasses import dataclass, field

from .pagefacts import _ICP_NORM, _SPACE, _host, _snip, psb_from_links, rules
from .results import Evidence


@dataclass
class ComplianceItem:
    code: str          # site_id, emblem, jiucuo, icp, psb, domain_suffix, domain_parent, main_domain, ipv6,
    #                    a11y_title, a11y_lang, a11y_alt, a11y_labels, a11y_entry
    name: str
    status: str        # pass | fail | undetermined
    message: str
    kind: str = "identity"   # identity | domain | ipv6 | accessibility
    evidence: list[Evidence] = field(default_factory=list)


NAMES = {
    "site_id": "网站标识码一致", "emblem": "党政机关网站标识", "jiucuo": "“我为政府网站找错”入口",
    "icp": "ICP备案号", "psb": "公安机关备案号", "domain_suffix": "域名后缀", "domain_parent": "部门网站域名",
    "main_domain": "主域名", "ipv6": "IPv6 支持", "a11y_title": "页面标题", "a11y_lang": "页面语言",
    "a11y_alt": "图片替代文本", "a11y_labels": "表单标签", "a11y_entry": "无障碍/适老化入口",
}
KINDS = {"domain_suffix": "domain", "domain_parent": "domain", "main_domain": "domain", "ipv6": "ipv6",
         "a11y_title": "accessibility", "a11y_lang": "accessibility", "a11y_alt": "accessibility",
         "a11y_labels": "accessibility", "a11y_entry": "accessibility"}
UNREADABLE = "首页无法读取，无法判定"


def _item(code: str, status: str, message: str, evidence=()) -> ComplianceItem:
    return ComplianceItem(code, NAMES[code], status, message, KINDS.get(code, "identity"),
                          [e for e in evidence if e is not None])


def _ev(url: str, snippet: str, source: str) -> Evidence:
    return Evidence(url=url, source=source, snippet=_snip(snippet, 160))


def _unicode_host(h: str) -> str:
    out = []
    for label in h.split("."):
        try:
            out.append(label.encode("ascii").decode("idna") if label.startswith("xn--") else label)
        except (UnicodeError, ValueError):
            out.append(label)
    return ".".join(out)


def norm_icp(v: str | None) -> tuple | None:
    m = _ICP_NORM.search(_SPACE.sub("", v or ""))
    return (m.group(1), m.group(2), m.group(3)) if m else None


def norm_psb(v: str | None) -> str | None:
    m = re.search(r"(\d{14})(?!\d)", _SPACE.sub("", v or ""))
    return m.group(1) if m else None


def judge_identity(identity: dict, pages: list[tuple[str, object]]) -> list[ComplianceItem]:
    """The footer set on the homepage (pages[0], with its frames) and the other pages read: codes, 标识, 找错,
    ICP and 公安备案, against the registry (identity: site_code, icp, psb)."""
    home = [(u, p) for u, p in pages if p is not None and getattr(p, "compliance", None) is not None]
    if not home:
        return [_item(c, "undetermined", UNREADABLE) for c in ("site_id", "emblem", "jiucuo", "icp", "psb")]
    url0 = home[0][0]
    facts = [(u, p.compliance, p) for u, p in home]
    out = []
    # 网站标识码: footer = SiteIDCode meta = the 找错 script's code = the registry's.
    want = (identity.get("site_code") or "").strip()
    seen: list[tuple[str, str, str, str]] = []   # (source label, code, url, snippet)
    for u, f, p in facts:
        if p.site_id_source == "meta" and p.site_id_code:
            seen.append(("SiteIDCode 元数据", p.site_id_code.strip(), u, f'<meta name="SiteIDCode" content="{p.site_id_code}">'))
        if f.footer_code:
            seen.append(("页脚网站标识码", f.footer_code, u, f.footer_snippet))
        for code, sn in f.jiucuo_codes:
            seen.append(("找错入口的网站标识码", code, u, sn))
    sources = {s for s, *_ in seen}
    evs = [_ev(u, f"{s}：{c}（{sn}）", "site_id") for s, c, u, sn in seen[:12]]
    wrong = [(s, c, u) for s, c, u, _ in seen if want and c != want]
    missing = [s for s in ("SiteIDCode 元数据", "页脚网站标识码") if s not in sources]
    if wrong:
        out.append(_item("site_id", "fail", "页面上的网站标识码与登记的不一致：" + "；".join(
            f"{s}为 {c}" for s, c, _ in dict.fromkeys(wrong)) + f"（登记为 {want}）", evs))
    elif not want:
        out.append(_item("site_id", "undetermined", "登记信息中没有网站标识码，无法比对", evs))
    elif missing:
        out.append(_item("site_id", "fail", "页面未展示网站标识码：缺少" + "、".join(missing),
                         evs or [_ev(url0, home[0][1].title, "page")]))
    else:
        out.append(_item("site_id", "pass", f"页脚、SiteIDCode 与找错入口的网站标识码均为 {want}", evs))

    # 党政机关网站标识: a conac link, script or image; its error icon is not the emblem.
    marks = [(k, v, u) for u, f, _ in facts for k, v in f.emblem]
    errors = [m for m in marks if m[0] == "error"]
    good = [m for m in marks if m[0] != "error"]
    mev = [_ev(u, f"{k}：{v}", "emblem") for k, v, u in (errors + good)[:6]]
    if errors:
        out.append(_item("emblem", "fail", "党政机关网站标识显示为错误图标（标识未通过核验）", mev))
    elif good:
        out.append(_item("emblem", "pass", "页面有党政机关网站标识" + (
            "（由脚本加载，图标以浏览器显示为准）" if all(k == "script" for k, _, _ in good) else ""), mev))
    else:
        out.append(_item("emblem", "fail", "页面未发现党政机关网站标识（bszs.conac.cn 链接或 dcs.conac.cn 脚本）",
                         [_ev(url0, "未发现 conac 链接、脚本或标识图片", "page")]))

    entries = [(k, v, u) for u, f, _ in facts for k, v in f.jiucuo]
    if entries:
        out.append(_item("jiucuo", "pass", "页面有“我为政府网站找错”入口",
                         [_ev(u, f"{k}：{v}", "jiucuo") for k, v, u in entries[:4]]))
    else:
        out.append(_item("jiucuo", "fail", "页面未发现“我为政府网站找错”入口（jiucuo 脚本或链接）",
                         [_ev(url0, "未发现找错脚本、链接或文字", "page")]))

    icp_shown = next(((u, p.icp) for u, _, p in facts if p.icp), None)
    out.append(_compare("icp", icp_shown, identity.get("icp"), norm_icp, url0))
    psb_shown = next(((u, f.psb) for u, f, _ in facts if f.psb), None)
    out.append(_compare("psb", psb_shown, identity.get("psb"), norm_psb, url0))
    return out


def _compare(code: str, shown, registered: str | None, norm, url0: str) -> ComplianceItem:
    label = NAMES[code]
    if shown is None:
        return _item(code, "fail", f"页面未展示{label}", [_ev(url0, f"页面文字中未发现{label}", "page")])
    u, value = shown
    ev = [_ev(u, value, code)]
    if not (registered or "").strip():
        return _item(code, "undetermined", f"页面展示{label} {value}，登记信息未填写，无法比对", ev)
    a, b = norm(value), norm(registered)
    if a is None or b is None:
        return _item(code, "undetermined", f"{label}格式无法识别（页面 {value}，登记 {registered}）", ev)
    if code == "icp" and a[:2] == b[:2] and (a[2] is None or b[2] is None):
        a, b = a[:2], b[:2]   # the site suffix (-1) shown or filed on one side only: the filing number agrees
    if a != b:
        return _item(code, "fail", f"页面展示的{label} {value} 与登记的 {registered} 不一致", ev)
    return _item(code, "pass", f"{label} {value} 与登记一致", ev)


def judge_domain(identity: dict, homepage: str, final_url: str | None) -> list[ComplianceItem]:
    """国办函〔2018〕55号: .gov.cn / .政务 suffixes; a department site under its portal's domain; one main domain."""
    from .extract import registrable
    r = rules()
    host = _unicode_host(_host(homepage))
    out = []
    if not host:
        return [_item("domain_suffix", "undetermined", "首页网址无效，无法判定")]
    suffix_ok = host.endswith(tuple(r["domain_suffixes"]))
    out.append(_item("domain_suffix", "pass" if suffix_ok else "fail",
                     f"域名 {host} " + ("使用规定的后缀" if suffix_ok else "不是 .gov.cn 或 .政务 域名"),
                     [_ev(homepage, host, "domain")]))
    if identity.get("site_class") in r["department_classes"]:
        portal = _unicode_host((identity.get("portal_host") or "").lower())
        if not portal:
            out.append(_item("domain_parent", "undetermined", "未找到本级政府门户网站的域名，无法判定"))
        else:
            parent = registrable(portal)
            under = host.endswith("." + parent) and host != portal
            out.append(_item("domain_parent", "pass" if under else "fail",
                             f"部门网站域名 {host} " + (f"在门户网站域名 {parent} 之下" if under
                                                     else f"不在本级门户网站域名 {parent} 之下"),
                             [_ev(homepage, f"{host}（门户 {portal}）", "domain")]))
    others = [_unicode_host(_host(d if "//" in d else f"http://{d}")) for d in identity.get("domains") or []]
    others = [d for d in dict.fromkeys(others) if d and d != host]
    english = [d for d in [host, *others] if d.endswith(".cn") and not d.endswith(".政务.cn")]
    final = _unicode_host(_host(final_url)) if final_url else host
    evs = [_ev(homepage, "登记的域名：" + "、".join([host, *others]), "domain")]
    if final and final != host and final not in others:
        evs.append(_ev(final_url or homepage, f"首页跳转至 {final}", "redirect"))
        out.append(_item("main_domain", "fail", f"首页跳转到未登记的域名 {final}，主域名与登记不一致", evs))
    elif len(english) > 1:
        out.append(_item("main_domain", "fail", f"登记了 {len(english)} 个英文域名（原则上只保留一个主域名）", evs))
    else:
        out.append(_item("main_domain", "pass", f"主域名 {host}", evs))
    return out


def judge_accessibility(pages: list[tuple[str, object]]) -> list[ComplianceItem]:
    """GB/T 37668-2019, the automatable part: title, lang, img alt, form labels, the 无障碍/适老化 entry."""
    read = [(u, p) for u, p in pages if p is not None and getattr(p, "compliance", None) is not None]
    if not read:
        return [_item(c, "undetermined", UNREADABLE) for c in ("a11y_title", "a11y_lang", "a11y_alt",
                                                               "a11y_labels", "a11y_entry")]
    out = []
    untitled = [u for u, p in read if not p.title.strip()]
    out.append(_item("a11y_title", "fail" if untitled else "pass",
                     f"{len(untitled)} 个页面没有标题（title）" if untitled else "页面均有标题",
                     [_ev(u, "<title> 为空或缺失", "page") for u in untitled[:5]]
                     or [_ev(read[0][0], read[0][1].title, "page")]))
    nolang = [u for u, p in read if not p.compliance.lang]
    out.append(_item("a11y_lang", "fail" if nolang else "pass",
                     f"{len(nolang)} 个页面未声明语言（html lang）" if nolang else "页面均声明了语言",
                     [_ev(u, "<html> 无 lang 属性", "page") for u in nolang[:5]]
                     or [_ev(read[0][0], f'lang="{read[0][1].compliance.lang}"', "page")]))
    total = sum(p.compliance.images for _, p in read)
    bad = [(u, s) for u, p in read for s in p.compliance.images_no_alt]
    out.append(_item("a11y_alt", "fail" if bad else "pass",
                     f"{len(bad)} 张图片（共 {total} 张）没有替代文本（alt）" if bad else f"{total} 张图片均有替代文本",
                     [_ev(u, f'<img src="{s}">', "img") for u, s in bad[:8]]))
    fields = sum(p.compliance.fields for _, p in read)
    unl = [(u, s) for u, p in read for s in p.compliance.unlabeled]
    out.append(_item("a11y_labels", "fail" if unl else "pass",
                     f"{len(unl)} 个表单控件（共 {fields} 个）没有标签" if unl else f"{fields} 个表单控件均有标签",
                     [_ev(u, s, "form") for u, s in unl[:8]]))
    entry = next(((u, p.compliance.a11y_entry) for u, p in read if p.compliance.a11y_entry), None)
    out.append(_item("a11y_entry", "pass" if entry else "fail",
                     f"有无障碍/适老化入口（{entry[1]}）" if entry else "首页未发现无障碍/适老化入口",
                     [_ev(entry[0], entry[1], "link")] if entry else [_ev(read[0][0], "未发现无障碍/适老化入口", "page")]))
    return out


# ------------------------------------------------------------------ IPv6

class NoAAAA(OSError):
    """The name has no IPv6 address (or the host maps give none)."""


def v6_resolver_class():
    from .fetch import GuardedResolver, ReservedName

    class V6Resolver(GuardedResolver):
        """IPv6 addresses only: the IPv6 host map first (an empty value: no AAAA record), then the system's DNS
        for AAAA. A host the IPv4 host map names (a test or lab web) is never asked of real DNS."""

        def __init__(self, host_map6: dict, host_map4: dict, allow_private: bool):
            super().__init__({k: v for k, v in (host_map6 or {}).items() if v}, allow_private)
            self.none = {k.lower().rstrip(".") for k, v in (host_map6 or {}).items() if not v}
            self.none |= {k.lower().rstrip(".") for k in (host_map4 or {})} - set(self.host_map)

        async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET6):
            h = host.lower().rstrip(".")
            if h in self.none:
                raise NoAAAA(errno.ENOENT, f"no AAAA record: {h}")
            try:
                res = await super().resolve(host, port, socket.AF_INET6)
            except (ReservedName, socket.gaierror) as e:
                raise NoAAAA(errno.ENOENT, f"no AAAA record: {h}") from e
            res = [x for x in res if x["family"] == socket.AF_INET6]
            if not res:
                raise NoAAAA(errno.ENOENT, f"no AAAA record: {h}")
            return res

    return V6Resolver


def _same(a, b, ratio: float) -> bool:
    """The same page over IPv4 and IPv6: one title, text sizes within the ratio."""
    if a is None or b is None:
        return False
    if (a.title or "").strip() != (b.title or "").strip():
        return False
    big, small = max(a.text_chars, b.text_chars), min(a.text_chars, b.text_chars)
    return big == 0 or small / big >= ratio


async def check_ipv6(cfg, home_url: str, home_info, get4, col_pages: list[tuple[str, object]]) -> dict:
    """AAAA record, then the homepage, a second-level and a third-level page over IPv6, each compared with its
    IPv4 reading. get4(url) -> (FetchResult, PageInfo|None) reads a page over IPv4 (the scan's cache first)."""
    from .extract import parse_page
    from .fetch import Fetcher

    r = rules()["ipv6"]
    host = _host(home_url)
    out = {"host": host, "aaaa": [], "pages": [], "supported": None, "reason": ""}
    resolver = v6_resolver_class()(cfg.host_map6, cfg.host_map, cfg.allow_private)
    try:
        out["aaaa"] = sorted({x["host"] for x in await resolver.resolve(host, 0)})
    except NoAAAA:
        out["supported"], out["reason"] = False, "no_aaaa"
        return out
    except Exception as e:  # noqa: BLE001 - a resolver failure is 无法判定, never "unsupported"
        out["reason"] = f"dns:{type(e).__name__}"
        return out
    finally:
        await resolver.close()
    if home_info is None:
        out["reason"] = "home_unreadable"
        return out
    # Second level: a column page the scan read; third level: an entry of that page (same host).
    second = next(((u, p) for u, p in col_pages if p is not None and _host(u) == host), None)
    if second is None:
        link = next((l.url for l in home_info.links if l.kind == "link" and _host(l.url) == host
                     and l.url.rstrip("/") != home_url.rstrip("/")), None)
        second = (link, (await get4(link))[1]) if link else None
    third = None
    if second is not None and second[1] is not None:
        # An entry of the second-level page's list (dated first), never the navigation's other columns.
        upper = {home_url.rstrip("/"), second[0].rstrip("/")} | {u.rstrip("/") for u, _ in col_pages}
        own = [it for it in second[1].items if it.url and _host(it.url) == host and not it.foreign
               and it.url.rstrip("/") not in upper]
        cand = next((it.url for it in own if it.date), None) or next((it.url for it in own), None)
        if cand is None:
            cand = next((l.url for l in second[1].links if l.kind == "link" and _host(l.url) == host
                         and l.url.rstrip("/") not in upper), None)
        third = (cand, (await get4(cand))[1]) if cand else None
    v6cfg = dataclasses.replace(cfg, render=False, retries=0, host_map={})
    f6 = Fetcher(v6cfg)
    f6.resolver = v6_resolver_class()(cfg.host_map6, cfg.host_map, cfg.allow_private)
    async with f6:
        for level, pair in ((1, (home_url, home_info)), (2, second), (3, third)):
            if pair is None or not pair[0]:
                continue
            u, v4 = pair
            fr = await f6.fetch(u, max_bytes=cfg.max_bytes)
            v6 = None
            if fr.body is not None and fr.status is not None and fr.status < 400:
                try:
                    v6 = parse_page(fr.body, url=fr.final_url, content_type=fr.content_type, as_of=cfg.today())
                except Exception:  # noqa: BLE001
                    v6 = None
            fr.body = None
            out["pages"].append({"level": level, "url": u, "status": fr.status, "error": fr.error,
                                 "reachable": fr.ok, "same_content": _same(v4, v6, r["same_content_min_ratio"]),
                                 "v4_title": (v4.title if v4 else "")[:80], "v6_title": (v6.title if v6 else "")[:80],
                                 "v4_chars": v4.text_chars if v4 else None, "v6_chars": v6.text_chars if v6 else None})
    bad = [p for p in out["pages"] if not p["reachable"] or not p["same_content"]]
    out["supported"] = not bad
    out["reason"] = "" if not bad else ("unreachable" if any(not p["reachable"] for p in bad) else "different")
    return out


_V6_MSG = {"no_aaaa": "域名没有 AAAA（IPv6）记录", "unreachable": "通过 IPv6 无法访问",
           "different": "通过 IPv6 访问的内容与 IPv4 不同", "home_unreadable": "首页无法读取，无法比对 IPv6 内容"}


def ipv6_item(res: dict) -> ComplianceItem:
    pages = res.get("pages") or []
    evs = [_ev(p["url"], f"{'首页' if p['level'] == 1 else ('二级' if p['level'] == 2 else '三级')}页面："
                         f"{'可访问' if p['reachable'] else '无法访问'}"
                         f"{'，内容一致' if p['same_content'] else ('，内容不一致' if p['reachable'] else '')}"
                         f"（IPv4 标题“{p['v4_title']}”，IPv6 标题“{p['v6_title']}”）", "ipv6") for p in pages]
    if res.get("aaaa"):
        evs.insert(0, _ev(f"dns:{res['host']}", "AAAA " + "、".join(res["aaaa"]), "dns"))
    if res.get("supported") is True:
        return _item("ipv6", "pass", f"支持 IPv6（AAAA 记录，首页及 {len(pages) - 1} 个下级页面通过 IPv6 访问内容一致）", evs)
    if res.get("supported") is False:
        bad = [p for p in pages if not p["reachable"] or not p["same_content"]]
        where = "、".join(('首页' if p['level'] == 1 else f"{'二' if p['level'] == 2 else '三'}级页面") for p in bad)
        msg = _V6_MSG.get(res.get("reason"), "不支持 IPv6") + (f"（{where}）" if where else "")
        return _item("ipv6", "fail", msg,
                     evs or [_ev(f"dns:{res['host']}", "未查询到 AAAA 记录", "dns")])
    return _item("ipv6", "undetermined", _V6_MSG.get(res.get("reason"), "IPv6 检测未完成，无法判定"), evs)


# ------------------------------------------------------------------ the hook the site scan calls

async def run(S, site, t, home_infos: list, home_url: str, final_url: str | None,
              col_pairs: list) -> None:
    """Judge the site's pages already read (no request), then IPv6 (a few requests); fill site.compliance
    and site.ipv6."""
    cfg = S.cfg
    identity = {"site_code": t.site_code, **(t.identity or {})}
    homes = [(final_url or home_url, p) for p in home_infos if p is not None]
    cols = [(c.url, p) for c, p in col_pairs]
    for u, p in homes + cols:
        if p is not None and getattr(p, "compliance", None) is not None:
            psb_from_links(p.compliance, p.links)
    items = judge_identity(identity, homes + [x for x in cols if x[1] is not None][:3])
    items += judge_domain(identity, home_url, final_url)
    items += judge_accessibility(homes + [x for x in cols if x[1] is not None][:3])
    if cfg.check_ipv6:
        res = await check_ipv6(cfg, final_url or home_url, homes[0][1] if homes else None, S.get, cols)
        site.ipv6 = res
        items.append(ipv6_item(res))
    site.compliance = items
