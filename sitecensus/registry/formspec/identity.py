"""The identity of a website: one key for every spelling of its homepage URL.

``site_key`` is the one normalisation every path uses (online save, web check,
dry run, commit, change, migration, final approval, the reviewer's pages, the
``WebsiteDomain`` keys, the workbook parser). A key is the URL without its scheme
(http and https reach the same site), with

* the host lower-cased, its trailing dots dropped, an internationalised domain
  name in its ASCII (punycode) form (UTS #46, the ``idna`` package), so
  ``http://政府.cn`` and ``http://xn--mxtq1m.cn`` are one site; IP addresses in
  their canonical form;
* the default ports (``default_ports``, 80 and 443 for both schemes) dropped;
* the path lower-cased, percent-escapes and dot segments resolved, repeated and
  trailing slashes dropped, a default document at its end (``index.html``,
  ``default.aspx`` … ``default_documents``) dropped, ``;jsessionid=`` dropped;
* tracking query parameters (``from``, ``spm``, ``utm_*`` … ``tracking_parameters``
  and ``tracking_prefixes``) dropped, the others sorted; the fragment dropped.

The lists are data (``data/identity.json``): officials extend them; a data migration
then recomputes every stored key. ``www.`` is part of the key: ``www.x.gov.cn`` and
``x.gov.cn`` may be two sites, so ``www_twin`` gives the other spelling and the
reviewer is shown a possible duplicate (never refused).

No Django here: this module runs on a clerk's PC in ``sitecensus forms check``.
"""

from __future__ import annotations

import ipaddress
import json
import posixpath
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import idna

DATA = Path(__file__).resolve().parent / "data" / "identity.json"
_SAFE_PATH = "/:@!$&'()*+,;=-._~"
_JSESSION = re.compile(r";jsessionid=[^/?#]*", re.I)
_DOTS = "\u3002\uff0e\uff61"  # 。．｡ typed for "." in a host


@lru_cache(maxsize=1)
def rules() -> dict:
    with open(DATA, encoding="utf-8") as fh:
        data = json.load(fh)
    return {
        "documents": frozenset(d.lower() for d in data["default_documents"]),
        "params": frozenset(p.lower() for p in data["tracking_parameters"]),
        "prefixes": tuple(p.lower() for p in data["tracking_prefixes"]),
        "ports": frozenset(int(p) for p in data["default_ports"]),
    }


@lru_cache(maxsize=4096)  # a site's columns share its host
def _host(host: str) -> str:
    host = host.strip().lower()
    for dot in _DOTS:
        host = host.replace(dot, ".")
    host = host.strip("[]").rstrip(".")
    if not host:
        return ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        try:
            return host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return host


def _path(path: str) -> str:
    path = _JSESSION.sub("", path)
    path = unquote(path).lower()
    path = re.sub(r"/{2,}", "/", path)
    if path:
        path = posixpath.normpath("/" + path.lstrip("/"))
    path = path.rstrip("/")
    head, _sep, last = path.rpartition("/")
    if last in rules()["documents"]:
        path = head.rstrip("/")
    return quote(path, safe=_SAFE_PATH)


def _query(query: str) -> str:
    if not query:
        return ""
    r = rules()
    kept = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        lowered = name.strip().lower()
        if not lowered or lowered in r["params"] or lowered.startswith(r["prefixes"]):
            continue
        kept.append((lowered, value.lower()))
    return urlencode(sorted(kept))


@lru_cache(maxsize=65536)
def site_key(text) -> str:
    """The identity key of a homepage URL or of a bare domain ("lsx.gov.cn"):
    every spelling of one site gives one key; empty for an empty value."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
        host = _host(parts.hostname or "")
    except ValueError:
        return text.lower()
    if not host:
        return text.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port not in rules()["ports"]:
        host = f"{host}:{port}"
    key = host + _path(parts.path)
    query = _query(parts.query)
    return f"{key}?{query}" if query else key


def normalize_url(url) -> str:
    """The identity form of a URL (the stored ``Website.url_key``): ``http://`` + its
    ``site_key`` — one scheme, since http and https reach the same site."""
    key = site_key(url)
    return f"http://{key}" if key else ""


def www_twin(key: str) -> str | None:
    """The key with ``www.`` added or removed (a possible duplicate for the reviewer),
    None for an IP address or a single-label host."""
    host, rest = re.match(r"([^/?]*)(.*)", key or "").groups()
    sep = ""
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host
    if not name or name.startswith("[") or re.fullmatch(r"[\d.]+", name) or "." not in name:
        return None
    if host.startswith("www."):
        twin = host[4:]
        return twin + sep + rest if "." in twin.rsplit(":", 1)[0] else None
    return "www." + host + sep + rest
