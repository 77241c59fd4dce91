"""Where things are on the simulated 会昌县 portal: its names and its URL shapes."""

from __future__ import annotations

from datetime import date

SITE_NAME = "会昌县人民政府"
SITE_DOMAIN = "www.huichang.gov.cn"
SITE_ID_CODE = "3607330001"
SECTION = "hcxxxgk"  # the 政府信息公开 section prefix

# the 乡镇信息公开 / 部门信息公开 navigation pages
TOWNSHIP_NAV = "xzxxgk"
DEPARTMENT_NAV = "bmxxgk"


def list_path(column_id: str, page: int = 1) -> str:
    name = "xxgk_list.shtml" if page == 1 else f"xxgk_list_{page}.shtml"
    return f"/{SECTION}/{column_id}/{name}"


def nav_path(nav_code: str) -> str:
    return f"/{SECTION}/{nav_code}/xxgk_navs.shtml"


def article_path(column_id: str, when: date, uuid: str) -> str:
    return f"/{SECTION}/{column_id}/{when:%Y%m}/{uuid}.shtml"
