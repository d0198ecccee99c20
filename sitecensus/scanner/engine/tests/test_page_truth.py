"""Page-level rules of issue 19: one main list (hidden blocks, other domains, clocks), dates bound to
entries (date headings, month-day years, epoch values in Beijing time), picture entries, reply status by
icon, "file gone" pages, and pages where there is no site at all."""
import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

from sitecensus.scanner.engine.extract import no_site_hint, parse_page

AS_OF = date(2026, 11, 20)
URL = "http://www.dh.gov.cn/index.html"


def _p(body: str, url: str = URL):
    return parse_page(f"<html><head><meta charset='utf-8'><title>t</title></head><body>{body}</body></html>",
                      url=url, as_of=AS_OF)


def _li(n, day, host=""):
    return f"<li><a href='{host}/art/{n}.html'>召开全区安全生产工作部署会议{n}</a><span>{day}</span></li>"


def test_hidden_and_offscreen_blocks_never_date_the_page_and_their_outbound_links_are_kept_as_evidence():
    spam = "".join(_li(n, "2026-11-20", "http://bet-88.test") for n in range(3))
    own = "<ul>" + _li(1, "2026-10-01") + "</ul>"
    for wrap in (f"<div style='display:none'><ul>{spam}</ul></div>",
                 f"<div style='position:absolute; left:-9999px'><ul>{spam}</ul></div>",
                 f"<div hidden><ul>{spam}</ul></div>"):
        p = _p(own + wrap)
        assert p.item_latest == date(2026, 10, 1)
        assert len(p.hidden_outbound) == 3 and p.hidden_outbound[0][0].startswith("http://bet-88.test/")
    p = parse_page("<html><head><style>.x1 { display: none }</style></head><body>" + own
                   + f"<div class='x1'><ul>{spam}</ul></div></body></html>", url=URL, as_of=AS_OF)
    assert p.item_latest == date(2026, 10, 1) and len(p.hidden_outbound) == 3


def test_entries_linking_to_other_registrable_domains_never_count():
    p = _p("<ul>" + _li(1, "2026-10-01") + _li(2, "2026-11-19", "http://www.gov-feed.test") + "</ul>")
    assert p.item_latest == date(2026, 10, 1)
    assert [i.foreign for i in p.items] == [False, True]
    # A sibling host of the same site counts (news.dh.gov.cn beside www.dh.gov.cn).
    p = _p("<ul>" + _li(2, "2026-11-19", "http://news.dh.gov.cn") + "</ul>")
    assert p.item_latest == date(2026, 11, 19)


def test_the_scan_day_outside_any_list_is_a_clock_but_inside_a_list_it_is_an_entry():
    p = _p("<div class='top'><span>2026年11月20日</span> <a href='/wza/'>无障碍浏览模式</a></div>"
           "<ul>" + _li(1, "2026-10-01") + "</ul>")
    assert p.item_latest == date(2026, 10, 1)
    p = _p("<ul>" + _li(1, "2026-11-20") + _li(2, "2026-10-01") + "</ul>")
    assert p.item_latest == AS_OF


def test_a_date_heading_dates_the_undated_entries_below_it():
    body = "".join(f"<h4>{d}</h4><ul>" + "".join(
        f"<li><a href='/a/{k}{n}.html'>召开全区安全生产工作部署会议{n}</a></li>" for n in range(3)) + "</ul>"
        for k, d in enumerate(["2026-11-18", "2026-11-10"]))
    p = _p(f"<div class='news'>{body}</div>")
    assert p.item_latest == date(2026, 11, 18)
    assert {i.source for i in p.items if i.date} == {"date_heading"}
    assert sorted({i.date for i in p.items if i.date}) == [date(2026, 11, 10), date(2026, 11, 18)]


def test_epoch_values_are_beijing_dates():
    bj = timezone(timedelta(hours=8))
    t = datetime(2026, 11, 6, 0, 30, tzinfo=bj)   # 2026-11-05 16:30 UTC
    for v in (int(t.timestamp() * 1000), int(t.timestamp())):
        data = json.dumps([{"title": "召开全区安全生产工作部署会议", "url": "/a/1.html", "publishTime": v}])
        p = _p(f"<ul id='l'></ul><script>var d={data};</script>")
        assert p.item_latest == date(2026, 11, 6), v


def test_month_day_entries_take_their_year_from_a_list_date_or_wait_for_their_article():
    rows = "".join(f"<li><a href='/a/{n}.html'>召开全区安全生产工作部署会议{n}</a><span>[11-1{n}]</span></li>"
                   for n in range(3))
    p = _p(f"<div class='clock'>{AS_OF.isoformat()}</div><ul>{rows}</ul>")
    assert all(i.year_unsure for i in p.items if i.date)          # the header clock fixes nothing
    p = _p(f"<ul>{rows}" + _li(9, "2025-12-02") + "</ul>")
    assert not any(i.year_unsure for i in p.items if i.date)       # a list date fixes the year
    assert max(i.date for i in p.items if i.short_date) == date(2025, 11, 12)


def test_picture_entries_take_their_title_from_alt_or_caption():
    p = _p("<ul><li><a href='/a/1.html'><img src='/p.jpg' alt='区领导调研重点项目建设情况'></a></li>"
           "<li><a href='/a/2.html'><img src='/q.jpg'></a><span>开展防汛抗旱应急演练活动</span></li></ul>")
    assert [i.title for i in p.items] == ["区领导调研重点项目建设情况", "开展防汛抗旱应急演练活动"]


def test_reply_status_shown_only_by_an_icon_is_read():
    rows = ("<tr><th>标题</th><th>留言时间</th><th>状态</th></tr>"
            "<tr><td><a href='/m/1.html'>关于道路维修的咨询</a></td><td>2026-05-01</td><td><img alt='已回复'></td></tr>"
            "<tr><td><a href='/m/2.html'>关于供暖问题的咨询</a></td><td>2026-05-02</td><td><img title='未办结'></td></tr>")
    p = _p(f"<table>{rows}</table>")
    assert [m.answered for m in p.messages] == [True, False]
    p = _p("<ul><li><a href='/m/3.html'>反映问题</a> 留言时间：2026-05-01 <span title='已办结'><img src='/i.png'></span></li></ul>")
    assert p.messages[0].answered is True


def test_pages_saying_the_file_is_gone_are_soft_404():
    for text in ("文件不存在！", "抱歉，附件不存在或已被删除。", "该附件已删除"):
        assert _p(f"<div class='tip'>{text}</div>").soft404, text
    assert not _p("<div>附件：2026年工作要点.pdf</div>").soft404


def test_no_site_here_is_recognised_with_its_kind():
    nginx = "<h1>Welcome to nginx!</h1><p>If you see this page, the nginx web server is successfully installed.</p>"
    assert _p(nginx).no_site == "no_site_content"
    assert _p("<h1>此域名可以出售</h1><p>This domain is for sale</p>").no_site == "no_site_content"
    assert _p("<p>网站正在升级改版中，敬请期待！</p>").no_site == "maintenance"
    assert _p("<ul>" + "".join(_li(n, "2026-11-19") for n in range(12)) + "</ul><p>系统维护通知</p>").no_site is None
    assert no_site_hint(nginx.encode()) and not no_site_hint("<ul><li>政务要闻</li></ul>".encode())


def test_page_command_on_an_article_prefers_its_own_date_over_related_url_dates(tmp_path):
    related = "".join(f"<li><a href='/art/2026/11/{18 - n}/art_{n}.html'>相关阅读：召开全区安全生产会议{n}</a></li>"
                      for n in range(3))
    f = tmp_path / "a.html"
    f.write_text("<html><head><meta charset='utf-8'><title>a</title></head><body><h1>关于做好冬季供暖工作的通知</h1>"
                 "<div class='info'>发布时间：2026-09-01 来源：区政府办</div><div class='content'>正文。</div>"
                 f"<div class='xg'><h3>相关文章</h3><ul>{related}</ul></div></body></html>", "utf-8")
    out = subprocess.run([sys.executable, "-m", "sitecensus.scanner.engine", "page", str(f), "--url",
                          "http://www.dh.gov.cn/art/2026/9/1/art_9.html", "--as-of", "2026-11-20"],
                         capture_output=True, text=True, check=True)
    d = json.loads(out.stdout)
    assert d["latest_date"] == "2026-09-01" and d["evidence"]["source"] == "label"


def test_a_date_row_of_a_table_dates_the_undated_rows_below_it():
    rows = "".join(f"<tr><td colspan='2' class='day'>{d}</td></tr>" + "".join(
        f"<tr><td><a href='/a/{d}{n}.html'>召开全区安全生产工作部署会议{n}</a></td><td>区政府办</td></tr>" for n in range(3))
        for d in ("2026-11-17", "2026-11-03"))
    p = _p(f"<table class='list'>{rows}</table>")
    assert p.item_latest == date(2026, 11, 17)
    assert sorted({i.date for i in p.items if i.date}) == [date(2026, 11, 3), date(2026, 11, 17)]


def test_a_tab_boxs_hidden_panel_still_counts_but_a_lone_hidden_block_does_not():
    tabs = ("<div class='tab'><ul class='tc'>" + _li(1, "2026-10-01") + "</ul>"
            "<ul class='tc' style='display:none'>" + _li(2, "2026-11-18") + "</ul></div>")
    assert _p(tabs).item_latest == date(2026, 11, 18)
    lone = "<ul class='tc'>" + _li(1, "2026-10-01") + "</ul><div style='display:none'><ul>" + _li(2, "2026-11-18") + "</ul></div>"
    assert _p(lone).item_latest == date(2026, 10, 1)


def test_only_hidden_spam_is_a_security_finding_not_a_hidden_menu_of_other_sites():
    from sitecensus.scanner.engine.scan import _hidden_links_finding
    menu = "<ul style='display:none'>" + "".join(
        f"<li><a href='http://www.city{n}.gov.cn/'>友情链接：第{n}市人民政府网站</a></li>" for n in range(6)) + "</ul>"
    spam = "<div style='display:none'><a href='http://xx.test/1'>澳门新葡京娱乐城</a></div>"
    assert len(_p(menu).hidden_outbound) == 6 and _hidden_links_finding(URL, [_p(menu)]) is None
    f = _hidden_links_finding(URL, [_p(menu + spam)])
    assert f.code == "暗链" and f.items == ["http://xx.test/1"] and "葡京" in f.snippet
