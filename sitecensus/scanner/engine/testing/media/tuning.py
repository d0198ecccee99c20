"""TUNING shapes: the reader (engine/media.py) is tuned on these only."""

from datetime import date

from . import Shape

SHAPES = [
    Shape("t1-weibo-cards", "微博", """<html><head><meta charset="utf-8"><title>涞水发布的微博</title></head><body>
<div class="WB_cardwrap"><div class="WB_text">涞水县2025年高考考点周边交通管制通告</div>
<div class="WB_from">2025-06-20 10:11 来自 微博网页版</div><ul class="WB_handle"><li>转发 12</li><li>评论 3</li><li>赞 40</li></ul></div>
<div class="WB_cardwrap"><div class="WB_text">野三坡景区开放时间调整</div>
<div class="WB_from">2025-06-11 08:00 来自 微博网页版</div><ul class="WB_handle"><li>转发</li><li>评论</li><li>赞 7</li></ul></div>
</body></html>""", date(2025, 6, 20), True),
    Shape("t2-douyin-epoch-json", "抖音", """<html><head><meta charset="utf-8"></head><body><div id="root"></div>
<script id="RENDER_DATA" type="application/json">{"user":{"nickname":"保定发布"},"aweme_list":[{"desc":"保定城市宣传片","create_time":1750636800,"statistics":{"comment_count":5,"digg_count":88}},{"desc":"政策解读","create_time":1749081600,"statistics":{"comment_count":0,"digg_count":3}}]}</script>
</body></html>""", date(2025, 6, 23), True),
    Shape("t3-toutiao-relative", "今日头条", """<html><head><meta charset="utf-8"></head><body>
<div class="article-item"><a href="/i1">河北省优化营商环境条例解读</a><p class="info"><span>河北发布</span> · <span>昨天 18:20</span> · <span>评论 0</span></p></div>
<div class="article-item"><a href="/i2">全省防汛会商</a><p class="info"><span>河北发布</span> · <span>3天前</span> · <span>评论 0</span></p></div>
</body></html>""", date(2025, 6, 29), False),
    Shape("t4-login-wall", "微博", """<html><head><meta charset="utf-8"><title>微博-随时随地发现新鲜事</title></head><body>
<div class="login-box"><p>请登录后查看更多内容</p><a href="/login">登录</a><a href="/signup">注册</a></div></body></html>""", None, None),
    Shape("t5-stale-with-cert-date", "微博", """<html><head><meta charset="utf-8"></head><body>
<div class="profile">认证时间：2025-05-01 · 注册时间 2013-07-09</div>
<div class="WB_cardwrap"><div class="WB_text">年终总结</div><div class="WB_from">2024-11-02 16:40</div><ul class="WB_handle"><li>转发 1</li><li>评论 2</li></ul></div>
</body></html>""", date(2024, 11, 2), True),
    Shape("t6-app-download", "客户端", """<html><head><meta charset="utf-8"></head><body><h1>保定通</h1>
<div class="app-info"><span>更新时间：2025-06-10</span><span>版本：3.2.1</span><span>下载 12万次</span></div>
<div class="comments"><h3>用户评论 (35)</h3><div class="c">很好用</div></div></body></html>""", date(2025, 6, 10), True),
    Shape("t7-js-shell", "今日头条", """<html><head><meta charset="utf-8"></head><body><div id="app"></div>
<script src="/static/app.8f3a.js"></script><noscript>请开启 JavaScript</noscript></body></html>""", None, None),
    Shape("t8-server-error", "快手", "<html><body>Service Unavailable</body></html>", None, None, status=503),
]

MATRIX_PAGE = """<html><head><meta charset="utf-8"><title>政务新媒体矩阵 - 涞水县人民政府</title></head><body>
<h1>政务新媒体矩阵</h1>
<table class="matrix"><tr><th>平台</th><th>账号名称</th><th>主办单位</th></tr>
<tr><td>微信公众号</td><td>涞水发布</td><td>涞水县人民政府办公室</td></tr>
<tr><td>新浪微博</td><td><a href="https://weibo.example.cn/laishuifabu">涞水发布</a></td><td>涞水县人民政府办公室</td></tr>
<tr><td>抖音</td><td><a href="https://douyin.example.cn/user/lsfb">涞水发布</a></td><td>涞水县融媒体中心</td></tr>
<tr><td>客户端</td><td><a href="http://app.laishui.example.cn/download.html">冀云·涞水</a></td><td>涞水县融媒体中心</td></tr>
</table></body></html>"""
