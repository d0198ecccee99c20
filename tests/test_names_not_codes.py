"""Names, not codes, wherever a person reads: no page shows a raw region code
(地区：13, strata like 13|乡级) or an English status word (submitted, connect …)."""

import html
import re
from datetime import date, timedelta

import pytest

from sitecensus.registry.models import Website
from sitecensus.scanner.models import DeadLink, SiteScan
from sitecensus.scoring.models import Rectification, Scorecard
from sitecensus.spotcheck import services as spotcheck

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"(?<![A-Za-z_])(draft|submitted|approved|returned|pending|accepted|rejected|answered|closed|open|"
                     r"inventory|selfcheck|inspection|spotcheck|rectification|summary|census|round|connect|"
                     r"timeout|dns|reset|attachment|image|link|national_admin|organizer|reporter|system_admin|"
                     r"True|False|None)(?![A-Za-z_])")
RAW_REGION = re.compile(r"(地区|省份|区域)[：:]\s*\d{2}\b|\b\d{2}\|")


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    text = html.unescape(page)
    return re.sub(r"https?://\S+|[\w.+-]+@[\w.-]+", " ", text)  # addresses are what they are


def pages_of(users):
    town = Website.objects.get(name="涞水镇人民政府网站")
    inspection = Scorecard.objects.get(website=town, stage="inspection")
    self_card = Scorecard.objects.get(website=town, stage="self")
    notice = Rectification.objects.get(website=town)
    batch = spotcheck.draw(actor=users["guoban"], batch=spotcheck.create_batch(
        actor=users["guoban"], name="名称检查抽查", strata_by=["region", "level"], ratio="100",
        window_start=date.today() - timedelta(days=3), window_end=date.today()))
    scan = SiteScan.objects.create(website=town, at=inspection.created_at, as_of=date.today(), reachable=False,
                                   error="connect")
    DeadLink.objects.create(site_scan=scan, url="http://lsz.laishui.gov.cn/x.pdf", found_on=town.homepage_url,
                            kind="attachment", error="timeout")
    common = ["/", "/sites/", f"/sites/{town.pk}/", "/checks/", "/checks/rectifications/",
              f"/checks/rectifications/{notice.pk}/", "/checks/results/", "/checks/compare/", "/inbox/"]
    return {
        "guoban": common + ["/campaigns/", "/campaigns/new/", "/spotcheck/", f"/spotcheck/{batch.pk}/",
                            "/checks/report/", "/stats/", "/units/", "/sites/review/", "/sites/progress/"],
        "hebei": common + ["/checks/report/", "/stats/", "/sites/review/", "/sites/progress/", "/inbox/remind/"],
        "laishui": common + [f"/checks/card/{inspection.pk}/", f"/checks/card/{inspection.pk}/print/",
                             f"/scans/site/{town.pk}/", "/checks/report/", "/inbox/remind/"],
        "laishui_lsz": common + [f"/checks/card/{self_card.pk}/", f"/checks/card/{self_card.pk}/print/"],
        "sysadmin": ["/", "/campaigns/"],
    }


def test_the_detector_catches_codes():
    assert ENGLISH.search(visible_text("<td>submitted</td>")) and RAW_REGION.search(visible_text("<td>地区：13</td>"))
    assert ENGLISH.search("类型attachment结果") and RAW_REGION.search("13|乡级|乡镇街道网站") and not ENGLISH.search(visible_text('<a class="open">已提交</a>'))


def test_no_raw_region_code_or_english_status_word(client, demo_users):
    problems = []
    seen = []
    for username, urls in pages_of(demo_users).items():
        client.force_login(demo_users[username])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            text = visible_text(response.content.decode())
            seen.append(text)
            for pattern in (ENGLISH, RAW_REGION):
                for match in pattern.finditer(text):
                    problems.append((username, url, match.group(0), text[max(0, match.start() - 30):match.end() + 30]))
    client.logout()
    for url in ("/pucha/", "/pucha/notices/", "/pucha/directory/", "/pucha/news/"):
        text = visible_text(client.get(url).content.decode())
        for pattern in (ENGLISH, RAW_REGION):
            problems += [("public", url, m.group(0), text[max(0, m.start() - 30):m.end() + 30])
                         for m in pattern.finditer(text)]
    assert not problems, "\n".join(map(str, problems[:30]))
    everything = "".join(seen)
    # The pages did show what the codes stand for.
    assert "无法建立连接" in everything and "附件" in everything and "河北省 · " in everything


# ---------------------------------------------------------------- a walk of every role

# Pages whose subject is the account itself (issuing, handing over, unlocking, auditing
# accounts): there the account name is what the reader needs.
ACCOUNT_PAGES = ("/accounts/issued/", "/accounts/security/", "/accounts/privileged/", "/audit/", "/units/")
SKIP = re.compile(r"/(export|download|pdf|print)\b|\.(xlsx|pdf|zip|json|csv)$|^/(api|admin|static|captcha|jobs)/|"
                  r"/accounts/(logout|otp)|/drafts/|[?&]page=\d{2,}")
WALK_ROLES = ["guoban", "hebei", "laishui", "laishui_lsz", "hebei_fgw", "sysadmin", "secadmin", "auditadmin"]
MAX_PAGES = 60


def _links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a\s[^>]*href="(/[^"#]*)"', page)]


def test_a_walk_of_every_role_finds_no_account_name_raw_code_or_english_word(client, demo_users):
    from sitecensus.accounts.models import User

    # A site's code login is named by the site's identifier code (网站标识码), which pages rightly show.
    accounts = sorted((u for u in User.objects.exclude(role="site").values_list("username", flat=True)
                       if len(u) > 3), key=len, reverse=True)
    account = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, accounts)) + r")(?![A-Za-z0-9_])")
    problems, walked = [], {}
    for username in WALK_ROLES:
        client.force_login(demo_users[username])
        queue, seen = ["/"], set()
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0)
            if url in seen or SKIP.search(url):
                continue
            seen.add(url)
            response = client.get(url)
            assert response.status_code < 500, (username, url, response.status_code)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            page = response.content.decode()
            # A command to type (<code>sitecensus reset-password</code>) is what it is.
            text = visible_text(re.sub(r"(?s)<code>.*?</code>", " ", page))
            patterns = [ENGLISH, RAW_REGION]
            if not url.startswith(ACCOUNT_PAGES):
                patterns.append(account)
            for pattern in patterns:
                for match in pattern.finditer(text):
                    problems.append((username, url, match.group(0), text[max(0, match.start() - 30):match.end() + 30]))
            queue += [link for link in _links(page) if link not in seen]
        walked[username] = len(seen)
    assert all(n >= 3 for n in walked.values()), str(walked)  # the walk did reach pages
    assert not problems, "\n".join(map(str, problems[:40]))
