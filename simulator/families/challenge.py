"""Hosts behind an anti-bot gateway: every request without the right cookie gets a small
script-only page instead of the site.

* 412 (瑞数-style): the cookie value is assembled by a script from reversed pieces, so it needs
  a JavaScript engine (or the ground truth) to get through;
* 521 (加速乐-style): the script sets ``__jsl_clearance`` to a value written in it, then reloads.

Behind each gateway sits a small TRS site whose reports are in the ground truth, marked as
reachable only through the challenge.
"""

from __future__ import annotations

import json

from ..site import Request, Response, bytes_response
from .base import Unit, digest
from .trs import TrsSite

SITES = {
    "www.jxyy.gov.cn": ("jxyy", "弋阳县人民政府", "弋阳县", [
        Unit("弋阳县人民政府", "弋阳县", "county_government", "xzf"),
        Unit("弋阳县财政局", "县财政局", "department", "czj"),
        Unit("弋阳县南岩镇人民政府", "南岩镇", "township", "nyz"),
    ]),
    "www.fuliang.gov.cn": ("fuliang", "浮梁县人民政府", "浮梁县", [
        Unit("浮梁县人民政府", "浮梁县", "county_government", "xzf"),
        Unit("浮梁县教育体育局", "县教体局", "department", "jtj"),
        Unit("浮梁县瑶里镇人民政府", "瑶里镇", "township", "ylz"),
    ]),
}


class ChallengeSite:
    """``inner`` as served through a gateway answering ``status`` until the cookie is sent."""

    def __init__(self, inner: TrsSite, status: int, seed: int):
        self.inner = inner
        self.status = status
        self.host, self.key, self.family, self.title = inner.host, inner.key, inner.family, inner.title
        self.cookie_name = "FSSBBIl1UgzbN7N80T" if status == 412 else "__jsl_clearance"
        self.cookie_value = digest(seed, self.host, "clearance")[:32]
        mark = {"kind": "challenge", "status": status, "cookie": self.cookie_name}
        for r in inner.reports:
            r.extra_defects.append(mark)

    def __getattr__(self, name):  # reports, agencies, missing, plan, clock … are the inner site's
        return getattr(self.inner, name)

    def respond(self, req: Request) -> Response:
        if req.cookies.get(self.cookie_name) == self.cookie_value:
            return self.inner.respond(req)
        return self.stub_412() if self.status == 412 else self.stub_521()

    def stub_412(self) -> Response:
        v = self.cookie_value
        pieces = json.dumps([v[i:i + 8][::-1] for i in range(0, len(v), 8)])
        filler = digest(self.host, "meta") * 6
        body = (
            "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            f'<meta id="9DhefwqGPrzGxEp9hPaoag" content="{filler}" r="m">'
            f'<script type="text/javascript" r="m">(function(){{var _$p={pieces},_$v="";'
            'for(var _$i=0;_$i<_$p.length;_$i++){_$v+=_$p[_$i].split("").reverse().join("");}'
            f'document.cookie="{self.cookie_name}="+_$v+"; path=/";location.reload();}})();</script>'
            "</head><body></body></html>"
        ).encode("utf-8")
        sid = digest(self.host, "session")[:40]
        return bytes_response(body, "text/html", 412, {"Set-Cookie": f"FSSBBIl1UgzbN7N80S={sid}; Path=/; HttpOnly"})

    def stub_521(self) -> Response:
        body = (f"<html><body><script>document.cookie='{self.cookie_name}={self.cookie_value};max-age=3600;path=/';"
                "location.href=location.pathname+location.search</script></body></html>").encode("utf-8")
        uid = digest(self.host, "jsluid")[:32]
        return bytes_response(body, "text/html", 521, {"Set-Cookie": f"__jsluid_h={uid}; max-age=31536000; path=/; HttpOnly"})


def challenge_site(fault: str, host: str, web) -> ChallengeSite:
    key, title, region, units = SITES[host]
    inner = TrsSite(key=key, host=host, title=title, region=region, seed=web.seed, years=web.years,
                    page_size=web.page_size, units=units, count=None, clock=web.clock)
    return ChallengeSite(inner, 412 if fault == "challenge_412" else 521, web.seed)
