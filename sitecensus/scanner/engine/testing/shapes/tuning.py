"""Tuning shapes: the engine is developed against these (tests/test_shape_corpus.py asserts each)."""
from __future__ import annotations

import json
from datetime import date

from ..corpus import Page, Shape, Truth, d, epoch_ms
from .kit import FOOT, article, articles, cn, days, doc, iso, li_list, title

HOME_NEWS = li_list("/art/h", days(1, 8, 2))          # a fresh homepage list
HOME_ARTS = articles("/art/h", days(1, 8, 2))
NOT_VETO = {"网站不更新"}

SHAPES: list[Shape] = []

# ---------------------------------------------------------------- class 1: the newest date anywhere wins

_side = ("<div class='side'><h3>最新发布</h3>" + li_list("/art/s", days(0, 6, 1), cls="side-list") + "</div>")
SHAPES.append(Shape(
    "t1-sidebar-template", 1,
    pages={"/": doc("东湖区人民政府", "<div class='main'><h3>工作动态</h3>" + HOME_NEWS + "</div>" + _side),
           "/col/a/": doc("工作动态", "<div class='main'><div class='pos'>当前位置：首页 > 工作动态</div>"
                          + li_list("/art/a", days(60, 10, 4)) + "</div>" + _side),
           "/col/b/": doc("部门动态", "<div class='main'>" + li_list("/art/b", days(3, 10, 2)) + "</div>" + _side),
           **HOME_ARTS, **articles("/art/a", days(60, 10, 4)), **articles("/art/s", days(0, 6, 1))},
    columns=[("工作动态", "/col/a/", "动态要闻"), ("部门动态", "/col/b/", "动态要闻")],
    truth=Truth(home_latest=d(0), columns={"/col/a/": "stale", "/col/b/": "fresh"}),
))

_hot = ("<div class='rm'><h3>热点信息</h3>" + "".join(
    f"<p><a href='/art/r{n}.html'>{title(n + 7)}</a> <span>{iso(d(n))}</span></p>" for n in range(5)) + "</div>")
SHAPES.append(Shape(
    "t1-sidebar-one-column", 1,
    pages={"/": doc("东湖区人民政府", "<div class='main'><h3>工作动态</h3>" + HOME_NEWS + "</div>" + _hot),
           "/col/a/": doc("通知公告", "<div class='main'>" + li_list("/art/t", days(200, 8, 9)) + "</div>" + _hot),
           **HOME_ARTS},
    columns=[("通知公告", "/col/a/", "通知公告")],
    truth=Truth(home_latest=d(0), columns={"/col/a/": "stale"}),
))

_spam = "".join(f"<li><a href='http://bc-yule88.test/{n}.html'>澳门新葡京娱乐城官方网站真人百家乐{n}</a>"
                f"<span>{iso(d(0))}</span></li>" for n in range(6))
SHAPES.append(Shape(
    "t1-hidden-spam", 1,
    pages={"/": doc("西山区人民政府", "<div class='main'><h3>政务要闻</h3>" + li_list("/art/h", days(40, 8, 5))
                    + f"</div><div style='display:none'><ul>{_spam}</ul></div>"),
           **articles("/art/h", days(40, 8, 5))},
    truth=Truth(vetoes=set(NOT_VETO), home_latest=d(40), findings={"暗链"}),
))

SHAPES.append(Shape(
    "t1-header-date", 1,
    pages={"/": doc("南湖区人民政府", f"<div class='topbar'><span>{cn(d(0))}</span> <a href='/wza/'>无障碍浏览模式</a>"
                    "</div><div class='main'><h3>政务要闻</h3>" + li_list("/art/h", days(30, 8, 4)) + "</div>"),
           **articles("/art/h", days(30, 8, 4))},
    truth=Truth(vetoes=set(NOT_VETO), home_latest=d(30), no_findings={"暗链"}),
))

# ---------------------------------------------------------------- class 2: dates bound to entries

_groups = "".join(f"<h4 class='day'>{iso(x)}</h4><ul>" + "".join(
    f"<li><a href='/art/g{k}{n}.html'>{title(k * 3 + n)}</a></li>" for n in range(3)) + "</ul>"
    for k, x in enumerate([d(2), d(9), d(16)]))
SHAPES.append(Shape(
    "t2-day-headings", 2,
    pages={"/": doc("北湖区人民政府", f"<div class='news'><h3>今日要闻</h3>{_groups}</div>")},
    truth=Truth(home_latest=d(2), home_stale=False),
))

_epoch = [{"title": title(n), "url": f"/art/e{n}.html", "publishTime": epoch_ms(d(14 + 3 * n), 0, 30)}
          for n in range(6)]
SHAPES.append(Shape(
    "t2-epoch-edge", 2,
    pages={"/": doc("东港区人民政府", "<div class='news'><h3>政务要闻</h3><ul id='news'></ul></div><script>var news="
                    + json.dumps(_epoch, ensure_ascii=False) + ";news.forEach(function(x){var li=document.createElement"
                    "('li');li.innerHTML='<a href=\"'+x.url+'\">'+x.title+'</a>';document.getElementById('news')"
                    ".appendChild(li);});</script>")},
    truth=Truth(home_latest=d(14), home_stale=False),
))

_md_rows = "".join(f"<li><span>[{x.month:02d}-{x.day:02d}]</span><a href='/art/m{n}.html'>{title(n)}</a></li>"
                   for n, x in enumerate([date(2025, 11, 12), date(2025, 11, 5), date(2025, 10, 28)]))
SHAPES.append(Shape(
    "t2-monthday-article-year", 2,
    pages={"/": doc("河西区人民政府", f"<div class='head'><span id='today'>{iso(d(0))}</span></div>"
                    f"<div class='news'><h3>政务要闻</h3><ul>{_md_rows}</ul></div>"),
           **articles("/art/m", [date(2025, 11, 12), date(2025, 11, 5), date(2025, 10, 28)])},
    truth=Truth(vetoes=set(NOT_VETO), home_latest=date(2025, 11, 12)),
))

_main = "".join(f"<li><a href='/art/f{n}.html'>{title(n)}</a></li>" for n in range(5))
_long = "".join(f"<li><a href='/art/o{n}.html'>{title(n + 5, '专题：')}</a></li>" for n in range(14))
SHAPES.append(Shape(
    "t2-first-entries", 2,
    pages={"/": doc("河东区人民政府", f"<div class='news'><h3>要闻</h3><ul>{_main}</ul></div>"
                    f"<div class='zt'><h3>专题专栏</h3><ul>{_long}</ul></div>"),
           **articles("/art/f", days(3, 5, 2)), **articles("/art/o", [date(2023, 3, 1)] * 14)},
    truth=Truth(home_latest=d(3), home_stale=False),
))

# ---------------------------------------------------------------- class 3: not seen is not empty

_pics = "".join(f"<li><a href='/art/p{n}.html'><img src='/img/p{n}.jpg'></a><span class='cap'>{title(n)}</span></li>"
                for n in range(6))
SHAPES.append(Shape(
    "t3-picture-column", 3,
    pages={"/": doc("江北区人民政府", "<h3>要闻</h3>" + HOME_NEWS), **HOME_ARTS,
           "/col/a/": doc("图片新闻", f"<ul class='pics'>{_pics}</ul>"), **articles("/art/p", days(4, 6, 3))},
    columns=[("图片新闻", "/col/a/", "动态要闻")],
    truth=Truth(home_latest=d(1), columns={"/col/a/": "fresh"}),
))

_xhr = ("<ul id='list'></ul><script>fetch('/api/list.json').then(function(r){return r.json();}).then(function(a){"
        "var ul=document.getElementById('list');a.forEach(function(x){var li=document.createElement('li');"
        "li.innerHTML='<a href=\"'+x.u+'\">'+x.t+'</a><span>'+x.d+'</span>';ul.appendChild(li);});});</script>")
SHAPES.append(Shape(
    "t3-script-column", 3,
    pages={"/": doc("江南区人民政府", "<h3>要闻</h3>" + HOME_NEWS), **HOME_ARTS,
           "/col/a/": doc("工作动态", _xhr),
           "/api/list.json": Page(json.dumps([{"t": title(n), "u": f"/art/x{n}.html", "d": iso(x)}
                                              for n, x in enumerate(days(5, 6, 2))], ensure_ascii=False),
                                  ctype="application/json")},
    columns=[("工作动态", "/col/a/", "动态要闻")],
    truth=Truth(home_latest=d(1), columns={"/col/a/": "fresh"}),
))

_nav_many = "".join(f"<a href='/col/n{n}/'>栏目{n}</a> " for n in range(20))
SHAPES.append(Shape(
    "t3-platform-iframe", 3,
    pages={"/": doc("江东区人民政府", f"<div class='menu'>{_nav_many}</div><div class='gg'><h3>通知公告</h3>"
                    + li_list("/art/g", days(40, 4, 9)) + "</div><div class='news'><iframe "
                    "src='http://news.jyh-platform.test/box/123.html' width='600' height='400'></iframe></div>"),
           **articles("/art/g", days(40, 4, 9)),
           "http://news.jyh-platform.test/box/123.html": doc("新闻", li_list(
               "http://news.jyh-platform.test/art/", days(1, 6, 2)), nav=False)},
    truth=Truth(home_latest=d(1), home_stale=False),
))

# ---------------------------------------------------------------- class 4: availability as a browser sees it

SHAPES.append(Shape(
    "t4-truncated-home", 4,
    pages={"/": Page(doc("江西区人民政府", "<h3>要闻</h3>" + HOME_NEWS), truncate=True), **HOME_ARTS},
    truth=Truth(home_latest=d(1), probe_up=True),
))

SHAPES.append(Shape(
    "t4-521-two-round", 4,
    pages={"/": Page(doc("山南区人民政府", "<h3>要闻</h3>" + HOME_NEWS), status=200,
                     challenge=(521, ["__jsl_clearance_s", "__jsl_clearance"])), **HOME_ARTS},
    truth=Truth(home_latest=d(1), probe_up=True),
))

SHAPES.append(Shape(
    "t4-waf-tool-ua", 4,
    pages={"/": Page(doc("山北区人民政府", "<h3>要闻</h3>" + HOME_NEWS), tool_block=403),
           "/col/a/": Page(doc("工作动态", li_list("/art/c", days(2, 6, 2))), tool_block=403), **HOME_ARTS},
    columns=[("工作动态", "/col/a/", "动态要闻")],
    truth=Truth(home_latest=d(1), probe_up=True, findings={"拒绝扫描器访问"}, columns={"/col/a/": "fresh"}),
))

SHAPES.append(Shape(
    "t4-tool-503", 4,
    pages={"/": Page(doc("山东区人民政府", "<h3>要闻</h3>" + HOME_NEWS), tool_block=503,
                     tool_body="<html><body><h1>Service Unavailable</h1></body></html>"), **HOME_ARTS},
    truth=Truth(probe_up=True, decidable=False),
))

# ---------------------------------------------------------------- class 5: no site here

SHAPES.append(Shape(
    "t5-nginx-default", 5,
    pages={"/": "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1>"
                "<p>If you see this page, the nginx web server is successfully installed and working. Further "
                "configuration is required.</p><p>For online documentation and support please refer to "
                "<a href='http://nginx.org/'>nginx.org</a>.</p><p><em>Thank you for using nginx.</em></p></body></html>",
           # the page links out; the corpus serves that host too, so no test ever resolves it
           "http://nginx.org/": "<html><head><title>nginx</title></head><body><h1>nginx</h1></body></html>"},
    truth=Truth(vetoes=set(NOT_VETO), findings={"首页无网站内容"}, probe_up=False),
))

SHAPES.append(Shape(
    "t5-maintenance", 5,
    pages={"/": "<html><head><meta charset='utf-8'><title>网站维护中</title></head><body><div class='wh'>"
                "<h2>网站维护中</h2><p>为了给您提供更好的服务，本网站正在进行系统维护，请稍后访问。</p>"
                "<p>给您带来的不便敬请谅解！</p></div></body></html>"},
    truth=Truth(vetoes=set(NOT_VETO), findings={"网站维护中"}, probe_up=False),
))

SHAPES.append(Shape(
    "t5-maintenance-503", 5,
    pages={"/": Page("<html><head><meta charset='utf-8'><title>系统升级公告</title></head><body><p>系统升级维护中，"
                     "预计今日18时恢复访问。</p></body></html>", status=503)},
    truth=Truth(vetoes=set(NOT_VETO), findings={"网站维护中"}, probe_up=False),
))

_spa = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>山西区人民政府</title></head><body><div id='app'>"
        "</div><script src='/static/app.js'></script></body></html>")
_app = ("var rows=" + json.dumps({"/": [[title(n), f"/art/h{n}.html", iso(x)] for n, x in enumerate(days(1, 6, 2))],
                                  "/news": [[title(n + 6), f"/art/h{n}.html", iso(x)] for n, x in enumerate(days(2, 6, 2))]},
                                 ensure_ascii=False)
        + ";var r=rows[location.pathname]||[];var h='<div class=\"nav\"><a href=\"/\">首页</a></div><ul>';"
          "r.forEach(function(x){h+='<li><a href=\"'+x[1]+'\">'+x[0]+'</a><span>'+x[2]+'</span></li>';});"
          "document.getElementById('app').innerHTML=h+'</ul>';")
SHAPES.append(Shape(
    "t5-spa-shell", 5,
    pages={"/": _spa, "/static/app.js": Page(_app, ctype="application/javascript"), **HOME_ARTS},
    notfound=Page(_spa),
    columns=[("工作动态", "/news", "动态要闻")],
    truth=Truth(home_latest=d(1), columns={"/news": "fresh"}, not_dead={"/news"}),
))

# ---------------------------------------------------------------- class 6: smaller items

_icon_rows = "".join(
    f"<tr><td><a href='/hd/{n}.html'>{title(n, '关于')}的咨询</a></td><td>{iso(d(100 + 9 * n))}</td>"
    f"<td><img src='/img/yhf.gif' alt='已回复'></td></tr>" for n in range(6))
SHAPES.append(Shape(
    "t6-icon-status", 6,
    pages={"/": doc("南山区人民政府", "<h3>要闻</h3>" + HOME_NEWS), **HOME_ARTS,
           "/col/c/": doc("咨询投诉", "<table class='xj'><tr><th>留言标题</th><th>留言时间</th><th>状态</th></tr>"
                          f"{_icon_rows}</table>")},
    columns=[("咨询投诉", "/col/c/", "政务咨询")],
    truth=Truth(home_latest=d(1), interaction_veto=False),
))

_head404 = {k: Page(v, head_status=404) for k, v in HOME_ARTS.items()}
SHAPES.append(Shape(
    "t6-head-404", 6,
    pages={"/": doc("北山区人民政府", "<h3>要闻</h3>" + HOME_NEWS), **_head404},
    truth=Truth(home_latest=d(1), not_dead={"/art/h0.html", "/art/h1.html"}),
))

SHAPES.append(Shape(
    "t6-file-gone", 6,
    pages={"/": doc("东山区人民政府", "<h3>要闻</h3>" + HOME_NEWS + "<div class='dl'><a href='/download?id=5'>"
                    "政府信息公开申请表下载</a></div>"), **HOME_ARTS,
           "/download?id=5": doc("提示", "<div class='msg'>文件不存在！</div>", nav=False)},
    truth=Truth(home_latest=d(1), dead={"/download?id=5"}),
))

del FOOT, article
