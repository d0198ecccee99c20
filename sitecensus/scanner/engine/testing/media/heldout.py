"""HELD-OUT shapes: written with their truth BEFORE engine/media.py existed; never used for tuning."""

from datetime import date

from . import Shape

SHAPES = [
    Shape("h1-kuaishou-cn-dates", "快手", """<!doctype html><html><head><meta charset="utf-8"><title>涞水发布的快手主页</title></head>
<body><div class="profile"><h1>涞水发布</h1><p>认证：涞水县人民政府办公室</p></div>
<ul class="works">
<li class="work"><a href="/short-video/1">春耕正当时</a><span class="time">2025年6月25日</span><em>12条评论</em></li>
<li class="work"><a href="/short-video/2">防汛演练</a><span class="time">2025年6月2日</span><em>3条评论</em></li>
</ul></body></html>""", date(2025, 6, 25), True),
    Shape("h2-weibo-json-created-at", "微博", """<html><head><meta charset="utf-8"></head><body><div id="app"></div>
<script>window.__INITIAL_STATE__ = {"statuses":[{"id":"1","text":"涞水县召开防汛工作会议","created_at":"Tue Jun 24 09:00:00 +0800 2025","comments_count":4,"reposts_count":1,"attitudes_count":9},{"id":"2","text":"公告","created_at":"Mon Jun 09 18:30:00 +0800 2025","comments_count":0,"reposts_count":0,"attitudes_count":2}]};</script>
</body></html>""", date(2025, 6, 24), True),
    Shape("h3-relative-hours-no-interaction", "今日头条", """<html><head><meta charset="utf-8"></head><body>
<div class="feed-card"><a href="/a1">保定市政务服务中心延时服务通知</a><div class="meta"><span>保定政务</span><span>2小时前</span><span>点赞 0</span><span>评论 0</span><span>转发 0</span></div></div>
<div class="feed-card"><a href="/a2">关于端午节假期安排</a><div class="meta"><span>保定政务</span><span>5天前</span><span>点赞 0</span><span>评论 0</span></div></div>
</body></html>""", date(2025, 6, 30), False),
    Shape("h4-captcha-wall", "抖音", """<html><head><meta charset="utf-8"><title>验证码中间页</title></head><body>
<div class="captcha"><p>安全验证</p><p>请完成下列验证后继续</p></div></body></html>""", None, None),
    Shape("h5-stale-with-footer-years", "微博", """<html><head><meta charset="utf-8"></head><body>
<div class="card"><div class="txt">国家税务总局涞水县税务局提醒您按期申报</div><div class="from">2025-03-01 08:12</div><div class="act">转发 2 评论 1 赞 5</div></div>
<div class="card"><div class="txt">个税汇算清缴开始</div><div class="from">2025-02-10 09:00</div></div>
<footer>© 2025 Weibo Corp 京ICP证100780号 更新于 2025-06-29</footer></body></html>""", date(2025, 3, 1), True),
    Shape("h6-app-store-no-reviews", "客户端", """<html><head><meta charset="utf-8"></head><body><h1>冀时办</h1>
<dl><dt>版本</dt><dd>5.1.0</dd><dt>最近更新</dt><dd>2025/05/20</dd><dt>大小</dt><dd>86.2 MB</dd></dl>
<section class="reviews"><h2>用户评价</h2><p>暂无评论</p></section></body></html>""", date(2025, 5, 20), False),
    Shape("h7-empty-account", "抖音", """<html><head><meta charset="utf-8"></head><body><div class="user"><h1>涞水县文旅</h1><span>粉丝 120</span></div>
<div class="empty">还没有发布作品</div></body></html>""", None, None),
    Shape("h8-gone", "今日头条", "<html><body>404 Not Found</body></html>", None, None, status=404),
]
