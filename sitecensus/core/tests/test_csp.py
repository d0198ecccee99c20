"""Content-Security-Policy without inline scripts: every response carries the
policy, and no template holds an inline script, an on*="" handler or a style="" attribute."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loaders.app_directories import get_app_template_dirs

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style\b", re.I)


PACKAGE = Path(__file__).resolve().parents[2]  # the sitecensus package, wherever it is checked out


def _templates():
    """The project's own templates: those under the package (not Django's or a library's, even
    when the checkout folder is itself named sitecensus and holds the virtualenv)."""
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(d) for d in get_app_template_dirs("templates") if Path(d).resolve().is_relative_to(PACKAGE)]
    for root in roots:
        yield from root.rglob("*.html")


def test_no_inline_script_handler_or_style_in_any_template():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for name, pattern in (("inline script", INLINE_SCRIPT), ("on* handler", HANDLER),
                              ("style attribute", STYLE_ATTR), ("style element", STYLE_TAG)):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path}:{line}: {name}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/pucha/", "/api/docs"])
def test_policy_header_forbids_inline_script(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
