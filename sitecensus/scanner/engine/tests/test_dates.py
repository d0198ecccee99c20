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
