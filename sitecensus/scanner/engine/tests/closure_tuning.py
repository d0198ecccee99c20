"""TUNING shapes of a closure notice on a homepage (the held-out ones are in closure_heldout.py,
written first and never tuned on). Same format."""

NOTICE = "/gg/2026/gbgg.html"

TUNING = [
    {
        "name": "plain-link",
        "homepage": """<html><head><meta charset="utf-8"><title>某县发改局</title></head><body>
<ul><li><a href="/gg/2026/gbgg.html">某县发改局网站关停公告</a></li><li><a href="/x/1.html">发改局调研重点项目</a></li></ul></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><h1>某县发改局网站关停公告</h1><p>本网站将于公告期满后关停。</p></body></html>""",
        "site_name": "某县发改局网站", "truth": "present",
    },
    {
        "name": "relative-parent-link",
        "homepage": """<html><head><meta charset="utf-8"></head><body><div><a href="../gg/2026/gbgg.html">关于某市人社局网站整合迁移的公告</a></div></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><p>某市人社局网站将整合迁移至市政府门户网站。特此公告。</p></body></html>""",
        "site_name": "某市人社局网站", "truth": "present",
    },
    {
        "name": "text-only",
        "homepage": """<html><head><meta charset="utf-8"></head><body><p class="tip">本网站即将停止运行，请访问新网站。</p></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><p>本网站即将停止运行。</p></body></html>""",
        "site_name": "某县科技局网站", "truth": "present",
    },
    {
        "name": "column-header-only",
        "homepage": """<html><head><meta charset="utf-8"></head><body><h3>通知公告</h3><a href="/a.html">关于开展安全生产检查的通知</a></body></html>""",
        "notice": None,
        "site_name": "某县应急局网站", "truth": "absent",
    },
    {
        "name": "closes-illegal-sites",
        "homepage": """<html><head><meta charset="utf-8"></head><body><a href="/a.html">依法关停违法违规网站12家</a>
<a href="/b.html">网信办通报整治情况</a></body></html>""",
        "notice": None,
        "site_name": "某市网信办网站", "truth": "absent",
    },
    {
        "name": "notice-404",
        "homepage": """<html><head><meta charset="utf-8"></head><body><a href="/gg/2026/gbgg.html">某局网站关停公告</a></body></html>""",
        "notice": None,
        "site_name": "某局网站", "truth": "absent",
    },
    {
        "name": "gb2312-link",
        "encoding": "gb2312",
        "homepage": """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
<a href="/gg/2026/gbgg.html">关于某县农业农村局网站关停的公告</a></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><p>本网站公告期满后关停。</p></body></html>""",
        "site_name": "某县农业农村局网站", "truth": "present",
    },
    {
        "name": "image-title",
        "homepage": """<html><head><meta charset="utf-8"></head><body><a href="/gg/2026/gbgg.html" title="网站迁移公告"><img src="/i.png"></a></body></html>""",
        "notice": """<html><head><meta charset="utf-8"></head><body><p>本网站迁移至新地址。</p></body></html>""",
        "site_name": "某区住建局网站", "truth": "present",
    },
]
