"""How a site's own reports refer to their portal: its name, domain, telephone prefix and the
words for its leadership (县 or 区).  Keyed by the site key stored on each ``Agency``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    portal: str  # 会昌县人民政府网站
    domain: str
    phone: str  # area code and exchange prefix
    level: str  # 县 or 区


PROFILES = {
    "huichang": Profile("会昌县人民政府网站", "www.huichang.gov.cn", "0797-56", "县"),
    "hukou": Profile("湖口县人民政府网站", "www.hukou.gov.cn", "0792-63", "县"),
    "shangyu": Profile("绍兴市上虞区人民政府网站", "www.shangyu.gov.cn", "0575-82", "区"),
    "sgwjq": Profile("韶关市武江区人民政府网站", "www.sgwjq.gov.cn", "0751-81", "区"),
    "jxyy": Profile("弋阳县人民政府网站", "www.jxyy.gov.cn", "0793-59", "县"),
    "fuliang": Profile("浮梁县人民政府网站", "www.fuliang.gov.cn", "0798-26", "县"),
}


def profile_of(agency) -> Profile:
    return PROFILES[getattr(agency, "site", "huichang")]
