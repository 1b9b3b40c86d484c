"""Lead screening (lesson 01): normalise, deduplicate, validate, fit to the ideal customer profile."""
from __future__ import annotations

import re
import unicodedata

_SUFFIXES = [("有限责任公司", "有限公司"), ("股份有限公司", "有限公司"), ("（集团）", ""), ("(集团)", ""), ("集团", "")]


def normalise_company(name: object) -> str:
    """A comparison key for company names: full-width to half-width, no spaces
    or brackets, 有限责任公司/股份有限公司 -> 有限公司, (集团) dropped.

    >>> normalise_company(" 宁波（华信）精密机械有限责任公司 ") == normalise_company("宁波华信精密机械有限公司")
    True
    """
    if name is None or name != name:
        return ""
    text = unicodedata.normalize("NFKC", str(name))
    for old, new in _SUFFIXES:
        text = text.replace(unicodedata.normalize("NFKC", old), new)
    return re.sub(r"[\s()\[\]【】·.,，、]", "", text).lower()
