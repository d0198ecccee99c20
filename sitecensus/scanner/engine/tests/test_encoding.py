import codecs

from sitecensus.scanner.engine.encoding import decode_html, looks_binary

TEXT = "<html><head>{meta}</head><body><p>国务院办公厅关于进一步优化政务服务提升行政效能的意见，网站标识码</p></body></html>"


def test_gbk_with_header_and_meta():
    body = TEXT.format(meta='<meta charset="gbk">').encode("gbk")
    assert decode_html(body, "text/html; charset=GBK") == (TEXT.format(meta='<meta charset="gbk">'), "gbk")
    text, enc = decode_html(body, None)
    assert enc == "gbk" and "国务院" in text


def test_gb2312_meta_with_gbk_only_char_decodes():
    s = TEXT.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">') + "镕"
    text, enc = decode_html(s.encode("gbk"), "text/html")
    assert enc == "gbk" and text.endswith("镕")


def test_lying_meta_utf8_bytes():
    s = TEXT.format(meta='<meta charset="gb2312">')
    assert decode_html(s.encode("utf-8"), "text/html") == (s, "utf-8")


def test_utf16le_with_bom_and_lying_meta():
    s = TEXT.format(meta='<meta charset="gb2312">')
    assert decode_html(codecs.BOM_UTF16_LE + s.encode("utf-16-le"), "text/html; charset=gb2312") == (s, "utf-16-le")
    assert decode_html(s.encode("utf-16-le"), None) == (s, "utf-16-le")  # no BOM


def test_header_lies_body_is_gbk():
    s = TEXT.format(meta="")
    text, enc = decode_html(s.encode("gbk"), "text/html; charset=utf-8")
    assert enc == "gbk" and "国务院办公厅" in text


def test_truncated_utf8_tail():
    b = TEXT.format(meta="").encode("utf-8")
    b = b[: b.index("政".encode()) + 1]
    assert decode_html(b)[1] == "utf-8"


def test_binary_detection():
    assert looks_binary(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert not looks_binary(TEXT.encode("utf-16-le"))
    assert not looks_binary(TEXT.encode())
