"""Country names in English and (Simplified) Chinese, so that two reports naming different
countries are not merged on embedding similarity alone."""

from __future__ import annotations

_COUNTRIES = {
    "japan": "jp", "日本": "jp", "chile": "cl", "智利": "cl", "china": "cn", "中国": "cn",
    "united states": "us", "us": "us", "u.s.": "us", "america": "us", "美国": "us",
    "united kingdom": "gb", "uk": "gb", "britain": "gb", "英国": "gb", "russia": "ru",
    "俄罗斯": "ru", "ukraine": "ua", "乌克兰": "ua", "india": "in", "印度": "in",
    "pakistan": "pk", "巴基斯坦": "pk", "france": "fr", "法国": "fr", "germany": "de",
    "德国": "de", "italy": "it", "意大利": "it", "spain": "es", "西班牙": "es", "brazil": "br",
    "巴西": "br", "mexico": "mx", "墨西哥": "mx", "canada": "ca", "加拿大": "ca",
    "australia": "au", "澳大利亚": "au", "澳洲": "au", "indonesia": "id", "印尼": "id",
    "印度尼西亚": "id", "turkey": "tr", "土耳其": "tr", "iran": "ir", "伊朗": "ir",
    "iraq": "iq", "伊拉克": "iq", "israel": "il", "以色列": "il", "lebanon": "lb",
    "黎巴嫩": "lb", "egypt": "eg", "埃及": "eg", "south korea": "kr", "korea": "kr", "韩国": "kr",
    "南韩": "kr", "north korea": "kp", "朝鲜": "kp", "北韩": "kp", "philippines": "ph",
    "菲律宾": "ph", "vietnam": "vn", "越南": "vn", "thailand": "th", "泰国": "th",
    "singapore": "sg", "新加坡": "sg", "malaysia": "my", "马来西亚": "my", "taiwan": "tw",
    "台湾": "tw", "new zealand": "nz", "新西兰": "nz", "peru": "pe", "秘鲁": "pe",
    "argentina": "ar", "阿根廷": "ar", "nepal": "np", "尼泊尔": "np", "greece": "gr",
    "希腊": "gr", "syria": "sy", "叙利亚": "sy", "afghanistan": "af", "阿富汗": "af",
    "hong kong": "hk", "香港": "hk", "macau": "mo", "macao": "mo", "澳门": "mo",
}


def countries(names: set[str] | frozenset[str]) -> set[str]:
    """ISO codes of the countries among normalised names."""
    return {_COUNTRIES[n] for n in names if n in _COUNTRIES}
