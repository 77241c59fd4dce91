import pytest
from scrapy.http import HtmlResponse, Request

from gongkai.archive.encoding import detect_encoding
from gongkai.crawler.encoding import EncodingMiddleware

TITLE = "庄口镇2020年政府信息公开工作年度报告"


def page(charset_meta: str = "") -> str:
    return f"<html><head>{charset_meta}<title>{TITLE}</title></head><body>{TITLE}</body></html>"


@pytest.mark.parametrize("header, meta, encode_as", [
    ("text/html; charset=gb2312", "", "gbk"),  # declared gb2312, really GBK
    ("text/html", '<meta charset="gb2312">', "gb18030"),
    ("text/html", '<meta httpequiv="ContentType" content="text/html; charset=gbk">', "gbk"),
    ("text/html", "", "gbk"),  # nothing declared at all
    ("text/html; charset=utf-8", "", "utf-8"),
    ("text/html; charset=utf-8", "", "gbk"),  # header lies: the bytes win
    ("text/html; charset=gbk", "", "utf-8"),
])
def test_titles_decode_without_mojibake(header, meta, encode_as):
    body = page(meta).encode(encode_as)
    encoding = detect_encoding(header, body)
    assert TITLE in body.decode(encoding)
    response = HtmlResponse("http://www.huichang.gov.cn/a.shtml", body=body,
                            headers={"Content-Type": header}, request=Request("http://x/"))
    fixed = EncodingMiddleware().process_response(response.request, response)
    assert fixed.css("title::text").get() == TITLE


def test_gb_declarations_are_read_as_gb18030():
    # 镕 is outside GB2312: a strict gb2312 decoder fails on real pages that use it.
    body = page('<meta charset="gb2312">').replace("庄口", "朱镕").encode("gb18030")
    assert detect_encoding("text/html", body) == "gb18030"
