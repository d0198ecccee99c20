"""HELD-OUT shapes of a closure notice on a homepage (关停 / 整合 / 迁移 公告), with their truth.

Written before sitecensus/scanner/engine/closure.py was tuned, and never used to tune it: the
tuning shapes are in closure_tuning.py. Each shape: the homepage's HTML (and its encoding), the
notice page's HTML (None: the notice URL answers 404), the notice URL the unit recorded (a path
on the site), the site's name, and the truth — is the notice on the homepage and readable
("present") or not ("absent")."""

NOTICE = "/tzgg/202611/t20261101_8841.html"

HELD_OUT = [
    {
        "name": "list-item-relative-link",
        "homepage": """<html><head><meta charset="utf-8"><title>涞水县交通运输局</title></head><body>
<div class="tzgg"><h3>通知公告</h3><ul>
<li><a href="./tzgg/202611/t20261101_8841.html">关于涞水县交通运输局网站关停的公告</a><span>2026-11-01</span></li>
<li><a href="./tzgg/202610/t20261020_8700.html">关于做好冬季道路养护工作的通知</a><span>2026-10-20</span></li>
</ul></div></body></html>""",
        "notice": """<html><head><meta charset="utf-8"><title>关于涞水县交通运输局网站关停的公告</title></head><body>
<h1>关于涞水县交通运输局网站关停的公告</h1><p>根据政府网站集约化工作安排，涞水县交通运输局网站将于2026年12月1日起停止运行，
相关信息请访问涞水县人民政府门户网站（www.laishui.gov.cn）。特此公告。</p></body></html>""",
        "site_name": "涞水县交通运输局网站", "truth": "present",
    },
    {
        "name": "floating-image-alt",
        "homepage": """<html><head><meta charset="utf-8"><title>某市统计局</title></head><body>
<div id="piaofu" style="position:absolute;left:10px;top:80px"><a href="/tzgg/202611/t20261101_8841.html" target="_blank">
<img src="/images/ggpf.png" alt="网站整合迁移公告" width="200"></a><span onclick="closeFloat()">关闭</span></div>
<div class="news"><a href="/xwzx/1.html">统计局召开全体干部大会</a></div></body></html>""",
        "notice": """<html><head><meta charset="utf-8"><title>网站整合迁移公告</title></head><body><div class="article">
按照市政府办公室统一部署，本网站将整合迁移至市人民政府门户网站统计专栏，公告期30天。公告期满后本网站不再更新。</div></body></html>""",
        "site_name": "某市统计局网站", "truth": "present",
    },
    {
        "name": "marquee-text-no-link",
        "homepage": """<html><head><meta charset="utf-8"><title>某县水利局</title></head><body>
<marquee scrollamount="3">温馨提示：本站将于2026年12月1日起停止运行，相关内容已迁移至保定市人民政府门户网站，敬请关注。</marquee>
<div class="list"><a href="/a/1.html">全县水利工作会议召开</a></div></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><p>本站将于2026年12月1日起停止运行，相关内容已迁移至保定市人民政府门户网站。</p></body></html>""",
        "site_name": "某县水利局网站", "truth": "present",
    },
    {
        "name": "unrelated-closure-words",
        "homepage": """<html><head><meta charset="utf-8"><title>某县人民政府</title></head><body>
<ul><li><a href="/xw/1.html">我县依法关停3家违法排污企业</a></li>
<li><a href="/zc/2.html">关于推进政府网站集约化整合工作的通知</a></li>
<li><a href="/xw/3.html">县政府网站迁移上云工作座谈会召开</a></li></ul></body></html>""",
        "notice": None,
        "site_name": "某县人民政府网站", "truth": "absent",
    },
    {
        "name": "gbk-protocol-relative-link",
        "encoding": "gbk",
        "homepage": """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>某区教育局</title></head><body>
<table><tr><td><a href="//{host}/tzgg/202611/t20261101_8841.html">网站迁移公告</a></td></tr>
<tr><td><a href="/jyxw/5.html">我区举办教师技能大赛</a></td></tr></table></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><h2>网站迁移公告</h2><p>本网站已迁移至新域名，原网站公告期满后关闭。</p></body></html>""",
        "site_name": "某区教育局网站", "truth": "present",
    },
    {
        "name": "linked-notice-gone-404",
        "homepage": """<html><head><meta charset="utf-8"><title>某县文旅局</title></head><body>
<a href="/tzgg/202611/t20261101_8841.html">关于某县文旅局网站关停的公告</a></body></html>""",
        "notice": None,
        "site_name": "某县文旅局网站", "truth": "absent",
    },
    {
        "name": "generic-link-text-exact-href",
        "homepage": """<html><head><meta charset="utf-8"><title>某市司法局</title></head><body>
<div class="top-notice"><a href="https://{host}/tzgg/202611/t20261101_8841.html">【公告】</a></div>
<div><a href="/sfxw/9.html">司法局开展普法宣传活动</a></div></body></html>""",
        "notice": """<html><head><meta charset="utf-8"><title>公告</title></head><body>
<p>因机构改革，本网站已整合至某市人民政府门户网站，自公告之日起30日后停止访问。</p></body></html>""",
        "site_name": "某市司法局网站", "truth": "present",
    },
    {
        "name": "script-written-popup",
        "homepage": """<html><head><meta charset="utf-8"><title>某县民政局</title>
<script>document.write('<div class="pop"><a href="/tzgg/202611/t20261101_8841.html">关于本网站关停的公告</a></div>');</script>
</head><body><div class="news"><a href="/mzxw/3.html">民政局慰问困难群众</a></div></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><p>本网站将于公告期满后关停，感谢您的关注。</p></body></html>""",
        "site_name": "某县民政局网站", "truth": "present",
    },
    {
        "name": "column-only-stops",
        "homepage": """<html><head><meta charset="utf-8"><title>某市商务局</title></head><body>
<div class="tip">“政策解读”栏目停止更新，相关内容迁移至“政务公开”栏目。</div>
<div><a href="/swxw/2.html">商务局召开外贸形势分析会</a></div></body></html>""",
        "notice": None,
        "site_name": "某市商务局网站", "truth": "absent",
    },
    {
        "name": "redesign-notice-not-closure",
        "homepage": """<html><head><meta charset="utf-8"><title>某县卫健局</title></head><body>
<a href="/tzgg/202610/gb.html">网站改版升级公告</a><a href="/wjxw/1.html">卫健局开展义诊活动</a></body></html>""",
        "notice": None,
        "site_name": "某县卫健局网站", "truth": "absent",
    },
    {
        "name": "modal-text-merged-into-portal",
        "homepage": """<html><head><meta charset="utf-8"><title>某市林业局</title></head><body>
<div class="modal" id="notice-modal"><div class="modal-body"><p>本网站已于2026年11月起整合至某市人民政府网站，
请访问 <a href="http://www.example-city.gov.cn/">www.example-city.gov.cn</a>。</p></div></div>
<div><a href="/lyxw/1.html">林业局部署森林防火工作</a></div></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><p>本网站已整合至某市人民政府网站。</p></body></html>""",
        "site_name": "某市林业局网站", "truth": "present",
    },
    {
        "name": "title-attribute-truncated-text",
        "homepage": """<html><head><meta charset="utf-8"><title>某区市场监管局</title></head><body><ul>
<li><a href="/tzgg/202611/t20261101_8841.html" title="关于本网站关闭的公告">关于本网站关...</a></li>
<li><a href="/scjg/2.html" title="市场监管局开展食品安全检查">市场监管局开展食品...</a></li></ul></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><p>关于本网站关闭的公告：本网站将于公告期满后关闭。</p></body></html>""",
        "site_name": "某区市场监管局网站", "truth": "present",
    },
]
