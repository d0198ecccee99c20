from datetime import date

from sitecensus.scanner.engine import dates as D
from sitecensus.scanner.engine.extract import parse_page

AS_OF = date(2025, 6, 30)


def _html(body):
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>".encode()


def test_full_forms():
    for s, want in [("2024-05-11", date(2024, 5, 11)), ("2024/5/11", date(2024, 5, 11)),
                    ("2024.05.11", date(2024, 5, 11)), ("2024年5月11日", date(2024, 5, 11)),
                    ("2025年06月03日 13时44分", date(2025, 6, 3)), ("2007-08-20-23:59:59", date(2007, 8, 20))]:
        assert D.parse_date_value(s, AS_OF) == want, s


def test_invalid_and_future_dates_ignored():
    assert D.find_full_dates("2024-02-30 和 2025-07-01", AS_OF) == []
    assert D.parse_date_value("2024-13-01") is None


def test_clock_is_not_an_update():
    text = "今天是2025年6月30日 星期一 首页 发布时间：2025-05-01"
    found = D.find_full_dates(text, AS_OF)
    assert [f.value for f in found] == [date(2025, 5, 1)]
    assert D.find_full_dates("2025年6月30日 星期一", AS_OF) == []


def test_short_dates_infer_latest_non_future_year():
    assert D.infer_year(5, 11, AS_OF) == date(2025, 5, 11)
    assert D.infer_year(7, 11, AS_OF) == date(2024, 7, 11)
    assert D.infer_year(2, 29, AS_OF) is None  # 2025 is not leap: ambiguous
    assert D.item_date(" (05-11) ", AS_OF).value == date(2025, 5, 11)
    assert D.item_date(" [12-01] ", AS_OF).value == date(2024, 12, 1)
    assert D.item_date(" 13:44 ", AS_OF) is None


def test_labels_split_across_elements():
    p = parse_page(_html("<div><span>发布时间：</span><span>2024-05-11</span></div>"), as_of=AS_OF)
    assert p.page_date == date(2024, 5, 11)
    p = parse_page(_html("<div>发布日期</div><div> 2024年5月11日 </div>"), as_of=AS_OF)
    assert p.page_date == date(2024, 5, 11)


def test_visible_date_beats_meta_and_meta_is_fallback():
    body = "<p>发布时间：2024-05-11</p>"
    html = _html(body).replace(b"<head>", b'<head><meta name="PubDate" content="2024-06-01">')
    assert parse_page(html, as_of=AS_OF).page_date == date(2024, 5, 11)
    html = _html("<p>正文</p>").replace(b"<head>", b'<head><meta name="PubDate" content="2024-06-01 10:00">')
    assert parse_page(html, as_of=AS_OF).page_date == date(2024, 6, 1)


def test_list_items_and_year_inference_safety():
    p = parse_page(_html('<ul><li><a href="/a/1.html">关于做好防汛工作的通知</a><span>(06-28)</span></li>'
                         '<li><a href="/a/2.html">全市安全生产会议召开</a><span>[05-11]</span></li></ul>'), url="http://x.gov.cn/", as_of=AS_OF)
    assert [i.date for i in p.items] == [date(2025, 6, 28), date(2025, 5, 11)]
    assert p.items[0].url == "http://x.gov.cn/a/1.html"
    # The page's own full dates give the year of a month-day date (a list frozen years ago stays old).
    p = parse_page(_html('<ul><li><a href="/a/1.html">关于做好防汛工作的通知</a><span>2019-06-28</span></li>'
                         '<li><a href="/a/2.html">全市安全生产会议召开</a><span>(05-11)</span></li></ul>'), as_of=AS_OF)
    assert [i.date for i in p.items] == [date(2019, 6, 28), date(2019, 5, 11)]


def test_title_dates_are_not_item_dates_and_future_items_ignored():
    p = parse_page(_html('<ul><li><a href="/1">2025年6月29日全市会议纪要</a><span>2025-06-01</span></li>'
                         '<li><a href="/2">关于举办活动周的预告</a><span>2025-08-01</span></li></ul>'), as_of=AS_OF)
    assert p.items[0].date == date(2025, 6, 1)
    assert p.items[1].date is None
    assert p.latest_date == date(2025, 6, 1)


def test_table_rows_are_items():
    p = parse_page(_html('<table><tr><td><a href="/1">关于公布行政许可事项的公告</a></td><td>市政府</td>'
                         '<td>2025/6/3</td></tr></table>'), as_of=AS_OF)
    assert p.items[0].date == date(2025, 6, 3)


def test_identity_forms():
    for head, body, want in [
        ("<meta name='siteidcode' content='1100000224'>", "", "1100000224"),
        ('<META NAME="SiteIDCode" CONTENT="bm01000001">', "", "bm01000001"),
        ('<meta name="SiteIDCode" content="">', "<div>网站标识码：4401000004</div>", "4401000004"),
        ("", "<p>网站标识码bm0100000</p>", None),  # too short: not an identifier
        ("", "<p>网站标识码bm01000001　京ICP备05070218号</p>", "bm01000001"),
    ]:
        p = parse_page(f"<html><head>{head}</head><body>{body}</body></html>".encode(), as_of=AS_OF)
        assert p.site_id_code == want, (head, body)
    p = parse_page(_html("<p>京ICP备05070218号-2 京公网安备11010202000001号</p>"), as_of=AS_OF)
    assert p.icp == "京ICP备05070218号-2"


AS26 = date(2026, 11, 29)


def test_full_width_digits_and_chinese_numerals():
    assert D.parse_date_value("２０２６－１１－１８", AS26) == date(2026, 11, 18)
    assert D.parse_date_value("二〇二六年十一月十八日", AS26) == date(2026, 11, 18)
    assert D.parse_date_value("二〇二五年一月三十一日", AS26) == date(2025, 1, 31)
    assert D.normalize("二〇二六年十一月十八日") == "2026年11月18日"


def test_dates_in_article_urls():
    assert D.url_date("http://x.gov.cn/art/2026/11/18/art_1_2.html", AS26) == date(2026, 11, 18)
    assert D.url_date("http://x.gov.cn/xxgk/202611/t20261118_123.html", AS26) == date(2026, 11, 18)
    assert D.url_date("https://www.gov.cn/zhengce/2026-11/18/content_1.htm", AS26) == date(2026, 11, 18)
    assert D.url_date("https://www.gov.cn/yaowen/liebiao/202309/content_6906622.htm", AS26) is None
    assert D.url_date("http://x.gov.cn/art/2027/1/1/art_1.html", AS26) is None  # never a future date


def test_labels_ranked_and_foreign_dates_refused():
    p = parse_page(_html("<p>生成日期：2026-11-20</p><h1>标题</h1><p>发布日期：2026-11-02</p>"
                         "<p>出生日期：2026-11-25</p>"), as_of=AS26)
    assert p.page_date == date(2026, 11, 2) and p.page_date_source == "label"
    p = parse_page(_html("<p>出生日期：1980-01-01</p><p>截止日期：2026-11-25</p>"), as_of=AS26)
    assert p.page_date is None
    p = parse_page(_html("<div>时间发布：2026-11-18</div>"), as_of=AS26)
    assert p.page_date == date(2026, 11, 18)
    p = parse_page(_html("<div>生成日期：2026-11-20</div>"), as_of=AS26)  # the only label: still used
    assert p.page_date == date(2026, 11, 20)


def test_month_day_year_from_the_page_never_future():
    # Frozen a year ago: the item URLs and other full dates say 2025, not the scan year.
    p = parse_page(_html('<ul><li><a href="/a/1.html">关于做好今冬明春工作的通知</a><span>11-18</span></li></ul>'
                         '<ul><li><a href="/b/2.html">全市安全生产工作会议召开情况</a><span>2025-11-10</span></li></ul>'),
                   url="http://x.gov.cn/", as_of=AS26)
    assert p.items[0].date == date(2025, 11, 18)
    # Without other dates: the latest year that is not in the future.
    p = parse_page(_html('<ul><li><a href="/a/1.html">关于做好今冬明春工作的通知</a><span>12-01</span></li></ul>'),
                   as_of=AS26)
    assert p.items[0].date == date(2025, 12, 1)


def test_sibling_title_attribute_and_url_dates_in_lists():
    p = parse_page(_html('<div class="r"><div class="t"><a href="/a/1.html">关于开展安全生产大检查的通知</a></div>'
                         '<div class="d">2026-11-18</div></div>'), url="http://x.gov.cn/", as_of=AS26)
    assert p.items[0].date == date(2026, 11, 18) and p.items[0].source == "sibling"
    p = parse_page(_html('<ul><li title="发布日期：2026-11-17"><a href="/a/1.html">关于开展安全生产大检查的通知</a></li></ul>'),
                   url="http://x.gov.cn/", as_of=AS26)
    assert p.items[0].date == date(2026, 11, 17) and p.items[0].source == "title_attr"
    p = parse_page(_html('<ul><li><a href="/art/2026/11/16/art_1_1.html">关于开展安全生产大检查的通知</a></li>'
                         '<li><a href="/art/2026/11/12/art_1_2.html">全市秋冬季森林防火工作会议召开</a></li></ul>'),
                   url="http://x.gov.cn/", as_of=AS26)
    assert p.latest_date == date(2026, 11, 16) and p.items[0].source == "url"


def test_lists_inside_scripts():
    xml = ('<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/1.html">'
           '关于开展安全生产大检查的通知</a><span>2026-11-18</span></li>]]></record></recordset></datastore></script>')
    p = parse_page(_html(xml), url="http://x.gov.cn/", as_of=AS26)
    assert p.latest_date == date(2026, 11, 18) and p.items[0].source == "script_xml"
    js = ('<script>var list = [{"title": "关于开展安全生产大检查的通知", "url": "/art/2.html", '
          '"pubDate": "2026-11-17 10:00:00"}];</script>')
    p = parse_page(_html(js), url="http://x.gov.cn/", as_of=AS26)
    assert p.latest_date == date(2026, 11, 17) and p.items[0].source == "script_json"
    dw = ("<script>document.write('<li><a href=\"/art/3.html\">关于开展安全生产大检查的通知</a>"
          "<span>2026-11-16</span></li>');</script>")
    p = parse_page(_html(dw), url="http://x.gov.cn/", as_of=AS26)
    assert p.latest_date == date(2026, 11, 16) and p.items[0].source == "document_write"


def test_client_redirects_frames_and_soft_404_markers():
    p = parse_page(_html("<meta http-equiv='refresh' content='0;url=/portal/'>"), url="http://x.gov.cn/", as_of=AS26)
    assert p.client_redirect == "http://x.gov.cn/portal/"
    p = parse_page(_html('<script>window.location.href = "/web/index.html";</script>'), url="http://x.gov.cn/",
                   as_of=AS26)
    assert p.client_redirect == "http://x.gov.cn/web/index.html"
    p = parse_page(b"<html><frameset><frame src='/main.html'></frameset></html>", url="http://x.gov.cn/", as_of=AS26)
    assert p.frames == ["http://x.gov.cn/main.html"]
    p = parse_page(_html("<p>对不起，您访问的页面不存在或已被删除！</p>"), as_of=AS26)
    assert p.soft404 and not parse_page(_html("<p>暂无信息</p>"), as_of=AS26).soft404


def test_more_label_forms_and_headline_dates_in_title_attributes():
    assert parse_page(_html("<p>日 期：2026-11-18</p>"), as_of=AS26).page_date == date(2026, 11, 18)
    assert parse_page(_html("<p>公布日期：2026-11-17</p>"), as_of=AS26).page_date == date(2026, 11, 17)
    # A headline that names a date is not the entry's date; a date after the headline is.
    p = parse_page(_html('<ul><li><a href="/a/1.html" title="关于2026年11月1日起调整公交线路的通告">'
                         '关于调整公交线路的通告</a></li></ul>'), url="http://x.gov.cn/", as_of=AS26)
    assert p.items[0].date is None
    p = parse_page(_html('<ul><li><a href="/a/1.html" title="关于调整公交线路的通告 2026-11-16">'
                         '关于调整公交线路的通告</a></li></ul>'), url="http://x.gov.cn/", as_of=AS26)
    assert p.items[0].date == date(2026, 11, 16) and p.items[0].source == "title_attr"


def test_pagination_targets_and_more_soft_404_wordings():
    p = parse_page(_html('<div class="page"><a href="index_1.html">下一页</a><a href="index_9.html">尾页</a></div>'),
                   url="http://x.gov.cn/col/a/index.html", as_of=AS26)
    assert p.next_pages == ["http://x.gov.cn/col/a/index_9.html", "http://x.gov.cn/col/a/index_1.html"]
    p = parse_page(_html('<div><a href="?page=2">2</a><a href="?page=3">3</a><a href="?page=12">12</a></div>'),
                   url="http://x.gov.cn/col/list.jsp", as_of=AS26)
    assert p.next_pages == ["http://x.gov.cn/col/list.jsp?page=12"]
    p = parse_page(_html('<script>createPageHTML(5, 0, "index", "shtml");</script>'),
                   url="http://x.gov.cn/col/b/index.shtml", as_of=AS26)
    assert p.next_pages == ["http://x.gov.cn/col/b/index_4.shtml", "http://x.gov.cn/col/b/index_1.shtml"]
    for text in ("该页面已删除", "抱歉，您访问的页面走丢了", "404 Not Found"):
        assert parse_page(_html(f"<p>{text}</p>"), as_of=AS26).soft404, text


def test_more_url_forms_give_dates_and_years():
    assert D.url_date("http://x.edu.cn/2025/1118/c1234a5678/page.htm", AS26) == date(2025, 11, 18)
    # Month-only paths still give month-day dates their year.
    p = parse_page(_html('<ul><li><a href="/xw/202511/content_1001.htm">关于做好今冬明春工作的通知</a><span>11-18</span></li>'
                         '</ul>'), url="http://x.gov.cn/", as_of=AS26)
    assert p.items[0].date == date(2025, 11, 18)


def test_datastore_table_rows_and_onload_redirects():
    xml = ('<script type="text/xml"><datastore><recordset><record><![CDATA[<tr><td><a href="/art/1.html">'
           '关于开展安全生产大检查的通知</a></td><td>2026-11-18</td></tr>]]></record></recordset></datastore></script>')
    p = parse_page(_html(xml), url="http://x.gov.cn/", as_of=AS26)
    assert p.latest_date == date(2026, 11, 18) and p.items[0].source == "script_xml"
    p = parse_page(b"<html><body onload=\"window.location='/portal/'\"></body></html>", url="http://x.gov.cn/",
                   as_of=AS26)
    assert p.client_redirect == "http://x.gov.cn/portal/"
