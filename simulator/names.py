"""Invented names for the extra bodies of a scaled-up portal (``agencies=N``).

Real counties have a few dozen bodies; a benchmark wants thousands.  Extra townships get
two-character names drawn from a pool of common place-name characters (unique per site), extra
departments take bureau names from a fixed list until it runs out.
"""

from __future__ import annotations

import random

_FIRST = "东西南北上下新老长安永丰和平太宁富兴龙凤白青红黄金石竹松梅桃杨柳高低中大小双三马牛"
_SECOND = "田坑山岭溪河湖塘坝桥口岗坪洲埠圩冈湾背源头坊铺庄店集村屯寨营门关渡港垄"

BUREAUS = (
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
    "农业农村局", "商务局", "文化广电旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局",
    "审计局", "市场监督管理局", "统计局", "医疗保障局", "林业局", "城市管理局", "行政审批局",
    "信访局", "机关事务管理中心", "供销合作社", "残疾人联合会", "档案馆", "地方志办公室", "气象局",
    "税务局", "消防救援大队", "数据管理局", "乡村振兴局", "粮食和物资储备局", "国有资产管理中心",
)


def township_names(seed: int, site: str, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct short names (镇/乡/街道) whose stems are not in ``taken``."""
    rng = random.Random(f"{seed}:{site}:townships")
    stems = [a + b for a in _FIRST for b in _SECOND]
    rng.shuffle(stems)
    # three-character stems only once the two-character ones run out (a 50,000-report portal)
    longer = [a + s for a in _FIRST for s in stems]
    suffixes = ("镇", "镇", "镇", "乡", "街道")
    out: list[str] = []
    for stem in stems + longer:
        if len(out) == count:
            break
        if stem in taken:
            continue
        out.append(stem + suffixes[len(out) % len(suffixes)])
    if len(out) < count:
        raise ValueError("too many townships for the name pool")
    return out


def department_names(prefix: str, count: int, taken: set[str]) -> list[str]:
    """Up to ``count`` bureau names (``prefix`` + bureau) not already used."""
    out = []
    for bureau in BUREAUS:
        name = prefix + bureau
        if name not in taken and len(out) < count:
            out.append(name)
    return out


def initials(index: int) -> str:
    """A short opaque slug for generated column folders (TRS unit directories)."""
    letters = "abcdefghjkmnpqrstwxyz"
    out = ""
    n = index
    while True:
        out = letters[n % len(letters)] + out
        n //= len(letters)
        if n == 0:
            break
    return "u" + out
