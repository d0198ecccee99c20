"""One key per website, whatever the spelling of its homepage URL (identity.site_key):
property-based (hypothesis) over generated sites and spellings, plus a corpus of
spellings clerks type."""

from __future__ import annotations

import idna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitecensus.registry.formspec.identity import normalize_url, rules, site_key, www_twin
from sitecensus.registry.formspec.spec import identity_keys

ASCII_LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
HAN_LABEL = st.text("涞水县政府北京河北省人民保定市乡镇教育局", min_size=1, max_size=5)
TLDS = st.sampled_from(["gov.cn", "cn", "com.cn", "中国", "政务", "org"])
SEGMENT = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)


@st.composite
def sites(draw):
    """A site as (host in Unicode, path segments)."""
    labels = draw(st.lists(st.one_of(ASCII_LABEL, HAN_LABEL), min_size=1, max_size=3))
    www = draw(st.booleans())
    host = ".".join((["www"] if www else []) + labels + [draw(TLDS)])
    path = draw(st.lists(SEGMENT, max_size=2))
    return host, path


def _mixed_case(draw, text):
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if f else c for c, f in zip(text, flips))


@st.composite
def spellings(draw):
    host, path = draw(sites())
    canonical = "http://" + host + "".join("/" + s for s in path)
    # The host: as typed in Chinese or as punycode, any case, full-width letters, 。 for dots, a trailing dot.
    shown = draw(st.sampled_from([host, idna.encode(host, uts46=True).decode()]))
    shown = _mixed_case(draw, shown)
    if draw(st.booleans()):
        shown = shown.replace(".", draw(st.sampled_from(["。", "．"])))
    if draw(st.booleans()):
        shown = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in shown)
    if draw(st.booleans()):
        shown += "."
    scheme = draw(st.sampled_from(["http://", "https://", "HTTP://", "Https://", "", "//"]))
    port = draw(st.sampled_from(["", ":80", ":443"])) if scheme not in ("", "//") else ""
    url = scheme + shown + port
    slash = draw(st.sampled_from(["/", "//"]))
    url += "".join(slash + _mixed_case(draw, s) for s in path)
    tail = draw(st.sampled_from(["", "/", "//"]))
    if draw(st.booleans()):
        tail = "/" + _mixed_case(draw, draw(st.sampled_from(sorted(rules()["documents"]))))
    url += tail
    params = draw(st.lists(st.sampled_from(sorted(rules()["params"]) + ["utm_source", "utm_medium", "UTM_Campaign"]),
                           max_size=3, unique=True))
    if params:
        url += "?" + "&".join(f"{p}={draw(ASCII_LABEL)}" for p in params)
    if draw(st.booleans()):
        url += "#" + draw(ASCII_LABEL)
    return canonical, url


@settings(max_examples=400, deadline=None)
@given(spellings())
def test_every_spelling_of_one_site_is_one_key(case):
    canonical, spelled = case
    assert site_key(spelled) == site_key(canonical), (canonical, spelled)
    assert normalize_url(spelled) == "http://" + site_key(canonical)


@settings(max_examples=200, deadline=None)
@given(sites(), sites())
def test_two_sites_are_two_keys(a, b):
    ua = "http://" + a[0] + "".join("/" + s for s in a[1])
    ub = "http://" + b[0] + "".join("/" + s for s in b[1])
    same = (idna.encode(a[0], uts46=True) == idna.encode(b[0], uts46=True)
            and [s.lower() for s in a[1]] == [s.lower() for s in b[1]])
    assert (site_key(ua) == site_key(ub)) == same


@settings(max_examples=200, deadline=None)
@given(sites())
def test_www_and_the_bare_domain_are_twins_not_one_key(site):
    host, path = site
    key = site_key("http://" + host + "".join("/" + s for s in path))
    twin = www_twin(key)
    assert twin is not None and twin != key and www_twin(twin) == key


# Spellings clerks type (and the issue's): each group is one site.
SAME = [
    ["http://www.gov.cn", "https://WWW.GOV.CN/", "www.gov.cn.", "http://www.gov.cn:80/index.htm",
     "https://www.gov.cn:443/index.html?from=singlemessage", "http://www.gov.cn/?utm_source=wechat&utm_medium=x",
     "http://www.gov.cn/#main", "http://www.gov.cn//", "ｗｗｗ.ｇｏｖ.ｃｎ", "http://www.gov.cn/Default.aspx",
     "http://www.gov.cn/index.shtml?spm=a2c4g.11186623"],
    ["http://中国政府网.政务", "http://XN--FIQS8SIRGFMHQ98A.xn--zfr164b/", "https://中国政府网。政务/index.jsp"],
    ["http://www.hebei.gov.cn/hebei/index.html", "http://www.hebei.gov.cn/hebei/",
     "http://www.hebei.gov.cn/HEBEI", "https://www.hebei.gov.cn//hebei/default.htm?from=timeline"],
    ["http://10.1.2.3", "http://10.1.2.3:80/index.asp", "https://10.1.2.3/"],
    ["http://x.gov.cn/portal/index.jsp;jsessionid=0A1B2C", "http://x.gov.cn/portal"],
]
DIFFERENT = ["http://www.gov.cn", "http://gov.cn", "http://www.gov.cn:8080", "http://www.gov.cn/zhengce",
             "http://www.gov.cn/?id=1", "http://www.gov.com", "http://10.1.2.4"]


@pytest.mark.parametrize("group", SAME, ids=[g[0] for g in SAME])
def test_corpus_spellings_are_one_key(group):
    assert len({site_key(u) for u in group}) == 1, {u: site_key(u) for u in group}


def test_corpus_different_sites_are_different_keys():
    assert len({site_key(u) for u in DIFFERENT}) == len(DIFFERENT)


def test_identity_keys_use_the_one_key():
    keys = identity_keys({"homepage_url": "https://政府.cn/index.html",
                          "other_domains": ["XN--MXTQ1M.CN", "m.政府.cn/?from=x"]})
    assert list(keys) == ["xn--mxtq1m.cn", "m.xn--mxtq1m.cn"]
