"""HELD-OUT shapes: truth fixed before the engine was changed for issue 19; never used to tune it.

Do not edit a shape here to make the engine pass. bench/scan_shapes.py reports this part's score apart
from the tuning part; tests only check that the part is complete (every class, two different shapes)."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from ..corpus import Page, Shape, Truth, d
from .kit import articles, cn, doc, iso, title


def _rows_div(prefix: str, ds: list, start: int = 0) -> str:
    return "".join(f"<div class='item'><div class='t'><a href='{prefix}{start + n}.html'>{title(start + n)}</a></div>"
                   f"<div class='r'>{iso(x)}</div></div>" for n, x in enumerate(ds))


def _dd(prefix: str, ds: list, start: int = 0) -> str:
    return "<dl class='lb'>" + "".join(f"<dd><a href='{prefix}{start + n}.html' title='{title(start + n)}'>"
                                       f"{title(start + n)}</a><i>{x:%Y/%m/%d}</i></dd>"
                                       for n, x in enumerate(ds)) + "</dl>"


def _ds(first: int, n: int = 7, step: int = 4) -> list:
    return [d(first + k * step) for k in range(n)]


HOME = _dd("/content/h", _ds(2))
HOME_ARTS = articles("/content/h", _ds(2))
SHAPES: list[Shape] = []

# ---------------------------------------------------------------- class 1

_hot = ("<table class='hot'><caption>热点信息</caption>" + "".join(
    f"<tr><td><a href='/content/r{n}.html'>{title(n + 3)}</a></td><td>{iso(d(1 + n))}</td></tr>" for n in range(5))
    + "</table>")
SHAPES.append(Shape(
    "h1-hot-table", 1,
    pages={"/": doc("青山区人民政府", "<div class='l'>" + HOME + "</div><div class='r'>" + _hot + "</div>"),
           "/xwzx/gzdt/": doc("工作动态", "<div class='l'>" + _rows_div("/content/g", _ds(45, 8, 6)) + "</div>"
                              "<div class='r'>" + _hot + "</div>"),
           "/xxgk/tzgg/": doc("通知公告", "<div class='l'>" + _rows_div("/content/t", _ds(20, 8, 10)) + "</div>"
                              "<div class='r'>" + _hot + "</div>"),
           **HOME_ARTS},
    columns=[("工作动态", "/xwzx/gzdt/", "动态要闻"), ("通知公告", "/xxgk/tzgg/", "通知公告")],
    truth=Truth(home_latest=d(1), columns={"/xwzx/gzdt/": "stale", "/xxgk/tzgg/": "fresh"}),
))

_bet = "".join(f"<a href='http://xpj-casino.test/?{n}'>新葡京赌场真人百家乐在线投注平台{n} {iso(d(0))}</a><br>"
               for n in range(8))
SHAPES.append(Shape(
    "h1-offscreen-spam", 1,
    pages={"/": doc("白石区人民政府", _dd("/content/o", _ds(50, 6, 7))
                    + f"<div style='position:absolute;left:-9999px;top:-9999px;'>{_bet}</div>"),
           **articles("/content/o", _ds(50, 6, 7))},
    truth=Truth(vetoes={"网站不更新"}, home_latest=d(50), findings={"暗链"}),
))

_feed = "<div class='gwy'><h3>国务院要闻</h3><ul>" + "".join(
    f"<li><a href='http://www.gov-feed.test/xinwen/{n}.htm'>{title(n + 8)}</a><em>{iso(d(1 + n))}</em></li>"
    for n in range(5)) + "</ul></div>"
SHAPES.append(Shape(
    "h1-other-domain-feed", 1,
    pages={"/": doc("长宁区人民政府", "<div class='own'>" + _dd("/content/f", _ds(25, 6, 5)) + "</div>" + _feed),
           **articles("/content/f", _ds(25, 6, 5))},
    truth=Truth(vetoes={"网站不更新"}, home_latest=d(25)),
))

_cls_spam = "".join(f"<li><a href='http://dj-lottery.test/a{n}'>北京赛车PK10开奖直播彩票平台{n}</a>{iso(d(0))}</li>"
                    for n in range(6))
SHAPES.append(Shape(
    "h1-class-hidden", 1,
    pages={"/": doc("永和区人民政府", "<ul class='news'>" + "".join(
        f"<li>{x:%Y.%m.%d} <a href='/content/k{n}.html'>{title(n)}</a></li>" for n, x in enumerate(_ds(35, 6, 6)))
        + f"</ul><div class='yc9'><ul>{_cls_spam}</ul></div>", head="<style>.yc9{display:none}</style>"),
           **articles("/content/k", _ds(35, 6, 6))},
    truth=Truth(vetoes={"网站不更新"}, home_latest=d(35), findings={"暗链"}),
))

# ---------------------------------------------------------------- class 2

_cn_groups = "".join(f"<p class='day-title'>{cn(x)}</p>" + "".join(
    f"<div class='row'><a href='/content/q{k}{n}.html'>{title(k * 4 + n)}</a></div>" for n in range(4))
    for k, x in enumerate([d(3), d(8), d(12)]))
SHAPES.append(Shape(
    "h2-cn-day-headings", 2,
    pages={"/": doc("清河区人民政府", f"<div class='daylist'>{_cn_groups}</div>")},
    truth=Truth(home_latest=d(3), home_stale=False),
))

_bj = timezone(timedelta(hours=8))
_secs = [{"docTitle": title(n), "docUrl": f"/content/e{n}.html",
          "pubTime": int(datetime(x.year, x.month, x.day, 1, 0, tzinfo=_bj).timestamp())}
         for n, x in enumerate([d(14), d(20), d(26), d(33)])]
SHAPES.append(Shape(
    "h2-epoch-seconds-col", 2,
    pages={"/": doc("龙泉区人民政府", HOME), **HOME_ARTS,
           "/col/ywdt/": doc("要闻动态", "<ul id='l'></ul><script>var data={\"list\":" + json.dumps(_secs, ensure_ascii=False)
                             + "};data.list.forEach(function(o){var li=document.createElement('li');li.textContent="
                               "o.docTitle;document.getElementById('l').appendChild(li);});</script>")},
    columns=[("要闻动态", "/col/ywdt/", "动态要闻")],
    truth=Truth(home_latest=d(2), columns={"/col/ywdt/": "fresh"}),
))

_md = [date(2025, 11, 10), date(2025, 11, 3), date(2025, 10, 27), date(2025, 10, 20)]
SHAPES.append(Shape(
    "h2-monthday-clock", 2,
    pages={"/": doc("新安区人民政府", f"<div class='date'>{iso(d(0))}</div><ul class='yw'>" + "".join(
        f"<li><a href='/content/m{n}.html'>{title(n)}</a><span>{x.month}-{x.day}</span></li>" for n, x in enumerate(_md))
        + "</ul>"),
           **articles("/content/m", _md, label="发布日期：", fmt=cn)},
    truth=Truth(vetoes={"网站不更新"}, home_latest=date(2025, 11, 10)),
))

SHAPES.append(Shape(
    "h2-first-in-order", 2,
    pages={"/": doc("安平区人民政府", "<dl class='top'>" + "".join(
        f"<dd><a href='/content/n{n}.html'>{title(n)}</a></dd>" for n in range(4)) + "</dl><div class='ldjh'><h3>领导讲话"
        "</h3><ul>" + "".join(f"<li><a href='/content/l{n}.html'>{title(n + 4, '在全区工作会议上的讲话：')}</a></li>"
                              for n in range(16)) + "</ul></div>"),
           **articles("/content/n", _ds(5, 4, 3)), **articles("/content/l", [date(2022, 5, 9)] * 16)},
    truth=Truth(home_latest=d(5), home_stale=False),
))

# ---------------------------------------------------------------- class 3

SHAPES.append(Shape(
    "h3-undated-div-rows", 3,
    pages={"/": doc("云溪区人民政府", HOME), **HOME_ARTS,
           "/col/bmdt/": doc("部门动态", "<div class='lists'>" + "".join(
               f"<div class='list-item'><a href='/content/u{n}.html'>{title(n)}</a></div>" for n in range(8)) + "</div>"),
           **articles("/content/u", _ds(3, 8, 2))},
    columns=[("部门动态", "/col/bmdt/", "动态要闻")],
    truth=Truth(home_latest=d(2), columns={"/col/bmdt/": "fresh"}),
))

_tbl_js = ("<table id='t'><tbody></tbody></table><script>var x=new XMLHttpRequest();x.open('GET','/ajax/rows?c=9');"
           "x.onload=function(){var rows=JSON.parse(x.responseText).rows;var tb=document.querySelector('#t tbody');"
           "rows.forEach(function(r){var tr=document.createElement('tr');tr.innerHTML='<td><a href=\"'+r[1]+'\">'+r[0]+"
           "'</a></td><td>'+r[2]+'</td>';tb.appendChild(tr);});};x.send();</script>")
SHAPES.append(Shape(
    "h3-xhr-table", 3,
    pages={"/": doc("临江区人民政府", HOME), **HOME_ARTS, "/col/gzdt/": doc("工作动态", _tbl_js),
           "/ajax/rows?c=9": Page(json.dumps({"rows": [[title(n), f"/content/x{n}.html", f"{x:%Y年%m月%d日}"]
                                                       for n, x in enumerate(_ds(6, 6, 3))]}, ensure_ascii=False),
                                  ctype="application/json")},
    columns=[("工作动态", "/col/gzdt/", "动态要闻")],
    truth=Truth(home_latest=d(2), columns={"/col/gzdt/": "fresh"}),
))

_menu = "".join(f"<a href='/lm/{n}/'>导航栏目{n}</a> " for n in range(24))
SHAPES.append(Shape(
    "h3-platform-iframe-fresh", 3,
    pages={"/": doc("平阳区人民政府", f"<div class='menu'>{_menu}</div><div class='gs'><h3>公示公告</h3>"
                    + _dd("/content/s", _ds(90, 3, 20)) + "</div><div class='xw'><iframe frameborder='0' "
                    "src='http://www.city-platform.test/site/news.html?siteId=77'></iframe></div>"),
           **articles("/content/s", _ds(90, 3, 20)),
           "http://www.city-platform.test/site/news.html?siteId=77": doc("新闻", "<table>" + "".join(
               f"<tr><td><a href='/art/{n}.html'>{title(n)}</a></td><td>{iso(x)}</td></tr>"
               for n, x in enumerate(_ds(2, 6, 2))) + "</table>", nav=False)},
    truth=Truth(home_latest=d(2), home_stale=False),
))

SHAPES.append(Shape(
    "h3-image-alt-column", 3,
    pages={"/": doc("白沙区人民政府", HOME), **HOME_ARTS,
           "/col/tpxw/": doc("图片新闻", "<ul class='tp'>" + "".join(
               f"<li><a href='/content/i{n}.html'><img src='/pic/{n}.jpg' alt='{title(n)}'></a></li>" for n in range(6))
               + "</ul>"),
           **articles("/content/i", _ds(4, 6, 3))},
    columns=[("图片新闻", "/col/tpxw/", "动态要闻")],
    truth=Truth(home_latest=d(2), columns={"/col/tpxw/": "fresh"}),
))

# ---------------------------------------------------------------- class 4

SHAPES.append(Shape(
    "h4-202-challenge", 4,
    pages={"/": Page(doc("金山区人民政府", HOME), challenge=(202, ["acw_sc__v2"])), **HOME_ARTS},
    truth=Truth(home_latest=d(2), probe_up=True),
))

SHAPES.append(Shape(
    "h4-waf-406", 4,
    pages={"/": Page(doc("银山区人民政府", HOME), tool_block=406),
           **{k: Page(v, tool_block=406) for k, v in HOME_ARTS.items()}},
    truth=Truth(home_latest=d(2), probe_up=True, findings={"拒绝扫描器访问"}),
))

SHAPES.append(Shape(
    "h4-truncated-column", 4,
    pages={"/": doc("铜山区人民政府", HOME), **HOME_ARTS,
           "/col/zwyw/": Page(doc("政务要闻", _rows_div("/content/z", _ds(3, 10, 2))), truncate=True)},
    columns=[("政务要闻", "/col/zwyw/", "动态要闻")],
    truth=Truth(home_latest=d(2), columns={"/col/zwyw/": "fresh"}),
))

SHAPES.append(Shape(
    "h4-waf-429", 4,
    pages={"/": Page(doc("铁山区人民政府", HOME), tool_block=429), **HOME_ARTS},
    truth=Truth(home_latest=d(2), probe_up=True, findings={"拒绝扫描器访问"}),
))

# ---------------------------------------------------------------- class 5

SHAPES.append(Shape(
    "h5-iis-default", 5,
    pages={"/": "<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>"
                "<title>IIS Windows Server</title><style>body{background-color:#0072C6;}</style></head><body>"
                "<div id='container'><a href='http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409'>"
                "<img src='iisstart.png' alt='IIS' width='960' height='600'></a></div></body></html>"},
    truth=Truth(vetoes={"网站不更新"}, findings={"首页无网站内容"}, probe_up=False),
))

SHAPES.append(Shape(
    "h5-parked", 5,
    pages={"/": "<html><head><meta charset='utf-8'><title>该域名正在出售</title></head><body><div class='p'>"
                "<h1>此域名可以出售</h1><p>This domain is for sale! 联系我们购买该域名，价格面议。</p>"
                "<p>Email: domains@parking.example</p></div></body></html>"},
    truth=Truth(vetoes={"网站不更新"}, findings={"首页无网站内容"}, probe_up=False),
))

SHAPES.append(Shape(
    "h5-upgrade", 5,
    pages={"/": "<html><head><meta charset='utf-8'><title>平安区人民政府</title></head><body><div class='up'>"
                "<img src='/upgrade.png'><p>网站正在升级改版中，敬请期待！</p><p>系统升级期间暂停访问，"
                "如有需要请拨打值班电话。</p></div></body></html>"},
    truth=Truth(vetoes={"网站不更新"}, findings={"网站维护中"}, probe_up=False),
))

SHAPES.append(Shape(
    "h5-tomcat", 5,
    pages={"/": "<!DOCTYPE html><html lang='en'><head><meta charset='UTF-8'><title>Apache Tomcat/9.0.56</title>"
                "</head><body><div id='wrapper'><div id='navigation'><span><a href='https://tomcat.apache.org/'>Home</a>"
                "</span></div><div id='asf-box'><h1>Apache Tomcat/9.0.56</h1></div><div id='congrats'><h2>If you're "
                "seeing this, you've successfully installed Tomcat. Congratulations!</h2></div></div></body></html>"},
    truth=Truth(vetoes={"网站不更新"}, findings={"首页无网站内容"}, probe_up=False),
))

_vue = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>门户网站</title><script defer src='/js/chunk-app.js'>"
        "</script></head><body><noscript>请启用JavaScript</noscript><div id='root'></div></body></html>")
_vue_js = ("var D=" + json.dumps({"/": [[title(n), f"/content/h{n}.html", f"{x:%Y-%m-%d}"] for n, x in enumerate(_ds(2))],
                                  "/list/tzgg": [[title(n + 2), f"/content/t{n}.html", f"{x:%Y-%m-%d}"]
                                                 for n, x in enumerate(_ds(30, 6, 10))]}, ensure_ascii=False)
           + ";document.addEventListener('DOMContentLoaded',function(){var r=D[location.pathname]||[];"
             "var s='<div class=\"menu\"><a href=\"/\">首页</a></div><table>';r.forEach(function(x){s+='<tr><td><a href=\"'"
             "+x[1]+'\">'+x[0]+'</a></td><td>'+x[2]+'</td></tr>';});document.getElementById('root').innerHTML=s+'</table>';});")
SHAPES.append(Shape(
    "h5-spa-column", 5,
    pages={"/": _vue, "/js/chunk-app.js": Page(_vue_js, ctype="application/javascript"), **HOME_ARTS},
    notfound=Page(_vue),
    columns=[("通知公告", "/list/tzgg", "通知公告")],
    truth=Truth(home_latest=d(2), columns={"/list/tzgg": "fresh"}, not_dead={"/list/tzgg"}),
))

# ---------------------------------------------------------------- class 6

_st = ("<ul class='xx'>" + "".join(
    f"<li><a href='/hd/{n}.html'>{title(n, '反映')}问题</a> 留言时间：{iso(d(60 + 20 * n))} "
    f"<span class='zt' title='{'未办结' if n == 3 else '已办结'}'><img src='/i/{n}.png'></span></li>" for n in range(5))
    + "</ul>")
SHAPES.append(Shape(
    "h6-title-status", 6,
    pages={"/": doc("东城区人民政府", HOME), **HOME_ARTS, "/col/ly/": doc("书记信箱", _st)},
    columns=[("书记信箱", "/col/ly/", "政务咨询")],
    truth=Truth(vetoes={"互动回应差"}, home_latest=d(2), interaction_veto=True),
))

_pdfs = {f"/files/{n}.pdf": Page("%PDF-1.4 " + "0" * 3000, ctype="application/pdf", head_status=404) for n in range(3)}
SHAPES.append(Shape(
    "h6-head-404-pdf", 6,
    pages={"/": doc("西城区人民政府", HOME + "<div class='fj'>" + "".join(
        f"<a href='/files/{n}.pdf'>附件{n}：实施方案.pdf</a>" for n in range(3)) + "</div>"), **HOME_ARTS, **_pdfs},
    truth=Truth(home_latest=d(2), not_dead=set(_pdfs)),
))

SHAPES.append(Shape(
    "h6-file-gone", 6,
    pages={"/": doc("南城区人民政府", HOME + "<p><a href='/xxgk/file/123.html'>关于印发年度工作要点的通知附件</a></p>"),
           **HOME_ARTS,
           "/xxgk/file/123.html": doc("南城区人民政府", "<div class='tip'>抱歉，附件不存在或已被删除。</div>")},
    truth=Truth(home_latest=d(2), dead={"/xxgk/file/123.html"}),
))
