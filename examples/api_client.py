#!/usr/bin/env python3
"""A worked client of the sitecensus API, standard library only.

A provincial platform mirrors its province's full census record (every field of
the forms and every column of every site) and keeps the mirror current from the
change feed; it lists what waits for its own decision and decides; a unit asks
for a migration (迁移) with the new address, downloads its workbook, and files
its self-check:

    export SITECENSUS_URL=http://127.0.0.1:8000
    export SITECENSUS_TOKEN=sc_...        # created at /api/tokens/
    python examples/api_client.py mirror mirror.json        # first run: every site; later: only changes
    python examples/api_client.py waiting [filing|change|life]   # what waits for my decision
    python examples/api_client.py approve 42                # or: return 42 "请补充栏目"
    python examples/api_client.py migrate 42 https://new.example.gov.cn/ "域名变更"
    python examples/api_client.py workbook 7 填报模板.xlsx     # a unit's workbook
    python examples/api_client.py selfcheck 42 '{"A2": {"count": 2}}' [首页截图.png ...]

Every error comes back as JSON with a Chinese `detail` and a stable `code`;
writes carry an Idempotency-Key, so a retry after a lost answer never files twice.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"{status} {body.get('code')}: {body.get('detail')}")
        self.status, self.code, self.detail = status, body.get("code"), body.get("detail")


class Client:
    def __init__(self, base_url: str, token: str, timeout: float = 30):
        self.base = base_url.rstrip("/") + "/api"
        self.token = token
        self.timeout = timeout

    def call(self, method: str, path: str, params: dict | None = None, body: dict | None = None,
             idempotency_key: str | None = None, retries: int = 3) -> dict:
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, "")})
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if method != "GET":
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        for attempt in range(retries):
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as error:
                payload = json.loads(error.read() or b"{}")
                if error.code >= 500 and attempt + 1 < retries:
                    time.sleep(0.5 * (attempt + 1))
                    continue  # same Idempotency-Key: the server files at most once
                raise ApiError(error.code, payload) from None
            except (urllib.error.URLError, TimeoutError):
                if attempt + 1 == retries:
                    raise
                time.sleep(0.5 * (attempt + 1))
        raise RuntimeError("unreachable")

    def download(self, path: str) -> bytes:
        """A file (the unit's workbook): the raw bytes of a GET."""
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, json.loads(error.read() or b"{}")) from None

    def upload(self, path: str, files: list[tuple[str, bytes]], fields: dict | None = None,
               idempotency_key: str | None = None) -> dict:
        """A multipart/form-data POST (evidence files): `files` as (file name, content)."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in (fields or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                         .encode())
        for filename, content in files:
            quoted = urllib.parse.quote(filename)
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{quoted}"; '
                         f"filename*=UTF-8''{quoted}\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
                         + content + b"\r\n")
        data = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                   "Content-Type": f"multipart/form-data; boundary={boundary}",
                   "Idempotency-Key": idempotency_key or str(uuid.uuid4())}
        request = urllib.request.Request(self.base + path, data=data, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, json.loads(error.read() or b"{}")) from None

    def pages(self, path: str, **params):
        """Every row of a list, following the keyset cursor."""
        cursor = ""
        while True:
            page = self.call("GET", path, {**params, "cursor": cursor})
            yield from page["items"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return


def mirror(client: Client, state: dict) -> dict:
    """Bring `state` up to date: {"sites": {id: site}, "after": event number}.

    First run: every site of the token's scope, in keyset pages of 500 ordered by
    change time, after noting where the change feed stands. Later runs: the change
    feed after the saved event number (numbered in commit order, so exact even when
    transactions commit out of order), then the sites it names, fetched by id (500 a
    request); other events (self-checks, inspections, rectification notices and
    reports) are listed for the caller to fetch. A platform without the feed would
    instead ask `updated_since` = its previous sync's start minus a margin (README)."""
    sites = state.setdefault("sites", {})
    first = "after" not in state
    changed = []
    if first:
        # Where the feed stands before paging, so nothing slips between the two.
        state["after"] = client.call("GET", "/events", {"after": 0, "limit": 1})["latest"]
        for site in client.pages("/sites", limit=500):
            sites[str(site["id"])] = site
            changed.append(site["id"])
        state["last_changed"], state["last_events"] = changed, []
        return state
    events = []
    while True:
        feed = client.call("GET", "/events", {"after": state["after"], "limit": 1000})
        events += feed["items"]
        state["after"] = feed["next_after"]
        if not feed["has_more"]:
            break
    wanted = sorted({e["object_id"] for e in events if e["kind"] == "website"})
    for start in range(0, len(wanted), 500):
        chunk = ",".join(str(i) for i in wanted[start:start + 500])
        for site in client.pages("/sites", limit=500, ids=chunk):
            sites[str(site["id"])] = site
            changed.append(site["id"])
    state["last_changed"] = changed
    state["last_events"] = [(e["kind"], e["object_id"]) for e in events]
    return state


def waiting(client: Client, kind: str = "") -> list[dict]:
    """What waits for the token owner's organizing unit: first filings, change requests
    (with the proposed form and columns) and life changes (with the new address of a
    migration), oldest id first."""
    return list(client.pages("/waiting", kind=kind, limit=500))


def decide(client: Client, site_id: int, action: str, reason: str = "") -> dict:
    """Approve (at this level; the last level gives the code) or return with a reason.
    `call` retries with one Idempotency-Key, so a retry after a lost answer decides once."""
    if action == "approve":
        return client.call("POST", f"/sites/{site_id}/approve")
    return client.call("POST", f"/sites/{site_id}/return", body={"reason": reason})


def request_migration(client: Client, site_id: int, new_url: str, reason: str) -> dict:
    """迁移: the site moves to a new address and keeps its code, once the review approves."""
    return client.call("POST", f"/sites/{site_id}/life",
                       body={"life": "migrated", "reason": reason, "new_url": new_url})


def file_self_check(client: Client, site_id: int, entries: dict, files: list[str] = ()) -> dict:
    """Open (or fetch) the site's self-check card, fill it, attach the evidence files
    (PNG, JPEG or PDF) and submit it."""
    card = client.call("POST", f"/sites/{site_id}/selfcheck", idempotency_key=f"open-{site_id}")
    if card["status"] == "submitted":
        return card
    client.call("PUT", f"/scorecards/{card['id']}/entries", body={"entries": entries})
    if files:
        contents = []
        for path in files:
            with open(path, "rb") as handle:
                contents.append((os.path.basename(path), handle.read()))
        client.upload(f"/scorecards/{card['id']}/files", contents)
    return client.call("POST", f"/scorecards/{card['id']}/submit", idempotency_key=f"submit-{card['id']}")


def main(argv: list[str]) -> int:
    client = Client(os.environ.get("SITECENSUS_URL", "http://127.0.0.1:8000"), os.environ["SITECENSUS_TOKEN"])
    try:
        if argv[:1] == ["mirror"] and len(argv) == 2:
            path = argv[1]
            state = json.load(open(path, encoding="utf-8")) if os.path.exists(path) else {}
            mirror(client, state)
            with open(path, "w", encoding="utf-8") as out:
                json.dump(state, out, ensure_ascii=False)
            print(f"{len(state['sites'])} 个网站，本次取得 {len(state['last_changed'])} 个，"
                  f"其他变化 {len(state['last_events'])} 项")
            return 0
        if argv[:1] == ["waiting"] and len(argv) <= 2:
            items = waiting(client, argv[1] if len(argv) == 2 else "")
            for item in items:
                what = item["life_change"] or {}
                extra = f"新网址 {what['new_url']}" if what.get("new_url") else (item["note"] or "")
                print(f"{item['id']}\t{item['kind']}\t{item['name']}\t{item['unit']}\t{extra}")
            print(f"待本单位决定 {len(items)} 项")
            return 0
        if argv[:1] in (["approve"], ["return"]) and len(argv) in (2, 3):
            site = decide(client, int(argv[1]), argv[0], argv[2] if len(argv) == 3 else "")
            print(f"{site['name']}：{site['status']}，网站标识码 {site['site_code'] or '（未赋码）'}")
            return 0
        if argv[:1] == ["migrate"] and len(argv) == 4:
            site = request_migration(client, int(argv[1]), argv[2], argv[3])
            print(f"{site['name']}：迁移申请已提交（{site['status']}）")
            return 0
        if argv[:1] == ["workbook"] and len(argv) == 3:
            data = client.download(f"/units/{int(argv[1])}/workbook")
            with open(argv[2], "wb") as out:
                out.write(data)
            print(f"填报模板已保存：{argv[2]}（{len(data)} 字节）")
            return 0
        if argv[:1] == ["selfcheck"] and len(argv) >= 3:
            card = file_self_check(client, int(argv[1]), json.loads(argv[2]), argv[3:])
            print(f"自查表 {card['id']}：{card['status']}，得分 {card['score']}，{card['result']}，"
                  f"证据文件 {len(card['files'])} 个")
            return 0
    except ApiError as error:
        print(f"错误（{error.code}）：{error.detail}", file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
