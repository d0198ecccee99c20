"""An HTTPS check against a port that accepts TCP but never completes TLS ends after the
check's own short timeout (https_timeout), not the page timeout: the site's scan is not
held for it."""

import asyncio
import threading

from sitecensus.scanner.engine import ScanConfig, parse_targets, scan_sites_sync

PAGE = ("<html><head><meta charset='utf-8'><title>某县人民政府</title></head><body>"
        "<ul><li><a href='/a/1.html'>通知</a><span>2025-06-28</span></li></ul></body></html>").encode()


def serve_http_but_hang_tls():
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port = []

    async def handle(reader, writer):
        first = await reader.read(1)
        if first == b"\x16":  # a TLS ClientHello: accept, then say nothing
            await asyncio.sleep(3600)
            return
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                     + str(len(PAGE)).encode() + b"\r\nConnection: close\r\n\r\n" + PAGE)
        await writer.drain()
        writer.close()

    async def start():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        await server.serve_forever()

    threading.Thread(target=lambda: loop.run_until_complete(start()), daemon=True).start()
    ready.wait(5)
    return port[0]


def test_https_check_has_its_own_short_timeout():
    port = serve_http_but_hang_tls()
    # The page timeout is far longer than the wait below: a check that used it would still hang.
    config = ScanConfig(allow_private=True, timeout=900, https_timeout=1.0, check_links=False, render=False,
                        max_article_fetch=0, retries=0)
    targets = parse_targets([{"site_code": "hang", "homepage": f"http://127.0.0.1:{port}/", "columns": []}])
    results = []
    scan = threading.Thread(target=lambda: results.extend(scan_sites_sync(targets, config)), daemon=True)
    scan.start()
    scan.join(120)  # a wait on the condition (the scan ended), not a time limit on the check
    assert not scan.is_alive(), "the HTTPS check held the site for the page timeout"
    [result] = results
    assert result.homepage.reachable and result.homepage.https_ok is False
