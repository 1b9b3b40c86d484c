"""Lead screening (lesson 01): normalise, deduplicate, validate, fit to the ideal customer profile.

Every lead ends in exactly one status, decided in this order:

1. 无效 (invalid): no company name, or neither a valid phone nor a valid e-mail;
2. 重复 (duplicate): shares a normalised company name, a valid phone or a valid
   e-mail with another valid lead (directly or through a chain).  The earliest
   created record of the group is kept (ties: the smaller lead id); the others
   are duplicates of it;
3. 不匹配 (not a fit): a known value breaks an ideal-customer-profile rule;
4. 合格 (qualified): everything else.

Rules apply only to values that are known; an unknown value is listed in
``missing_info`` for the salesperson to check, never silently counted as a pass or a
fail.
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError, require_columns

_SUFFIXES = [("有限责任公司", "有限公司"), ("股份有限公司", "有限公司"), ("（集团）", ""), ("(集团)", ""), ("集团", "")]


def normalise_company(name: object) -> str:
    """A comparison key for company names: full-width to half-width, no spaces
    or brackets, 有限责任公司/股份有限公司 -> 有限公司, (集团) dropped.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> normalise_company(" 宁波（华信）精密机械有限责任公司 ") == normalise_company("宁波华信精密机械有限公司")
    True
    """
    if name is None or name != name:
        return ""
    text = unicodedata.normalize("NFKC", str(name))
    for old, new in _SUFFIXES:
        text = text.replace(unicodedata.normalize("NFKC", old), new)
    return re.sub(r"[\s()\[\]【】·.,，、]", "", text).lower()

STATUSES = ["合格", "不匹配", "无效", "重复"]

#: The seed's target-customer standards, as data (lesson 01 parameters).
DEFAULT_RULES: dict = {
    "min_employees": 50,                 # 人员规模 50 人以上
    "min_sites": 2,                      # 多地点办公
    "require_it_basics": True,           # 财务软件、局域网等基础信息化已完成
    "industries": ["制造", "医药", "建筑", "物流", "软件"],  # 目标行业
    "bad_finance": ["差"],               # 财务状况已知且为这些值时不合格
}

MOBILE = r"^1[3-9]\d{9}$"
LANDLINE = r"^0\d{2,3}\d{7,8}$"
EMAIL = r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$"


def phone_ok(phones: "pd.Series") -> "pd.Series":
    """Mainland mobile (11 digits from 13-19) or landline with area code; +86, spaces and dashes ignored.

    Engines: pandas only.
    """
    digits = (phones.astype("string").str.replace(r"\.0$", "", regex=True)   # read as a float by a CSV reader
              .str.replace(r"[\s\-()（）]", "", regex=True).str.replace(r"^\+?86", "", regex=True))
    return (digits.str.match(MOBILE) | digits.str.match(LANDLINE)).fillna(False).astype(bool)


def email_ok(emails: "pd.Series") -> "pd.Series":
    """True where the address has a name, an ``@`` and a dotted domain (spaces around it ignored).

    Engines: pandas only.
    """
    return emails.astype("string").str.strip().str.match(EMAIL).fillna(False).astype(bool)


def _duplicate_groups(keys: "pd.DataFrame") -> "pd.Series":
    """Union-find over rows sharing any non-empty key; returns a group id per row."""
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    import pandas as pd

    for col in keys.columns:
        first: dict = {}
        for i, k in enumerate(keys[col].tolist()):
            if pd.isna(k) or k == "":
                continue
            if k in first:
                parent[find(i)] = find(first[k])
            else:
                first[k] = i
    return keys.index.to_series().map(lambda i: find(keys.index.get_loc(i)))


def _fit_reasons(row: Mapping, rules: Mapping) -> tuple[list[str], list[str]]:
    """Rule failures (reasons) and unknown values (flags) for one lead."""
    reasons, flags = [], []
    checks = [("employees", "min_employees", lambda v, r: v >= r, "员工数少于 {r} 人", "缺少员工数"),
              ("sites", "min_sites", lambda v, r: v >= r, "办公地点少于 {r} 个", "缺少办公地点数"),
              ("it_basics", "require_it_basics", lambda v, r: (v == "是") or not r, "尚无基础信息化", "缺少信息化情况"),
              ("industry", "industries", lambda v, r: v in r, "不在目标行业", "缺少行业"),
              ("finance", "bad_finance", lambda v, r: v not in r, "财务状况差", "财务状况未知")]
    for col, key, ok, fail, missing in checks:
        if key not in rules or col not in row:
            continue
        value = row[col]
        if value is None or value != value or value == "未知":
            flags.append(missing)
        elif not ok(value, rules[key]):
            reasons.append(fail.format(r=rules[key]))
    return reasons, flags


def screen_leads(leads: "pd.DataFrame", rules: Mapping | None = None, company: str = "company",
                 phone: str = "phone", email: str = "email", created: str = "created",
                 lead_id: str = "lead_id") -> "pd.DataFrame":
    """Screen a lead list; returns it with ``name_key``, ``phone_ok``,
    ``email_ok``, ``status``, ``reasons``, ``missing_info`` (unknown values
    to verify) and ``duplicate_of``.

    ``rules`` overrides :data:`DEFAULT_RULES` key by key; a rule set to None
    is switched off.

    Engines: pandas only.
    """
    import pandas as pd

    require_columns(leads, (lead_id, company), "线索表")
    merged = {**DEFAULT_RULES, **(rules or {})}
    merged = {k: v for k, v in merged.items() if v is not None}
    _check_rules(merged)
    out = leads.copy().reset_index(drop=True)
    out["name_key"] = out[company].map(normalise_company)
    out["phone_ok"] = phone_ok(out[phone]) if phone in out else False
    out["email_ok"] = email_ok(out[email]) if email in out else False
    reasons = [[] for _ in range(len(out))]
    for i, row in out.iterrows():
        if not row["name_key"]:
            reasons[i].append("缺少公司名")
        if not (row["phone_ok"] or row["email_ok"]):
            reasons[i].append("没有可用的电话或邮箱")
    invalid = pd.Series([bool(r) for r in reasons], index=out.index)
    out["status"] = pd.Series("合格", index=out.index).where(~invalid, "无效")
    out["duplicate_of"] = None
    _mark_duplicates(out, invalid, reasons, phone, email, created, lead_id)
    flags = [[] for _ in range(len(out))]
    for i, row in out[out["status"] == "合格"].iterrows():
        fail, unknown = _fit_reasons(row, merged)
        reasons[i] += fail
        flags[i] += unknown + [text for ok, text in ((row["phone_ok"], "电话格式不对"), (row["email_ok"], "邮箱不可用"))
                               if not ok]
        if fail:
            out.at[i, "status"] = "不匹配"
    out["reasons"] = ["；".join(r) for r in reasons]
    out["missing_info"] = ["；".join(f) for f in flags]
    return out


def _mark_duplicates(out: "pd.DataFrame", invalid: "pd.Series", reasons: list, phone: str, email: str,
                     created: str, lead_id: str) -> None:
    import pandas as pd

    valid = out[~invalid]
    keys = pd.DataFrame({"name": valid["name_key"],
                         "phone": valid[phone].astype("string").where(valid["phone_ok"]) if phone in out else None,
                         "email": valid[email].astype("string").str.lower().where(valid["email_ok"]) if email in out else None},
                        index=valid.index)
    group = _duplicate_groups(keys)
    order = valid.assign(group=group).sort_values([created, lead_id] if created in out else [lead_id], kind="stable")
    keeper = order.groupby("group")[lead_id].transform("first")
    dup = order.index[order[lead_id] != keeper]
    out.loc[dup, "status"] = "重复"
    out.loc[dup, "duplicate_of"] = keeper[dup]
    for i in dup:
        reasons[i].append(f"与 {keeper[i]} 重复")


def _check_rules(rules: Mapping) -> None:
    unknown = sorted(set(rules) - set(DEFAULT_RULES))
    if unknown:
        raise InputError(f"未知的筛选规则 (unknown rules): {', '.join(unknown)}; 可用 (known): {', '.join(DEFAULT_RULES)}")
    for key in ("min_employees", "min_sites"):
        if key in rules and not (isinstance(rules[key], (int, float)) and rules[key] >= 0):
            raise InputError(f"规则 {key} 必须是非负数 (rule {key} must be a number >= 0), 收到 (got) {rules[key]!r}")


def screening_steps(screened: "pd.DataFrame") -> "pd.DataFrame":
    """Counts after each step (raw -> valid -> unique -> fit) and the loss at each.

    Engines: pandas only.
    """
    import pandas as pd

    n = len(screened)
    status = screened["status"]
    valid = n - int((status == "无效").sum())
    unique = valid - int((status == "重复").sum())
    fit = int((status == "合格").sum())
    out = pd.DataFrame({"step": ["原始线索", "有效线索", "去重后", "符合画像"], "leads": [n, valid, unique, fit]})
    out["lost"] = -out["leads"].diff().fillna(0).astype(int)
    out["kept_share"] = out["leads"] / n if n else 0.0
    return out


def qualified_rate_by(screened: "pd.DataFrame", by: str) -> "pd.DataFrame":
    """Leads and qualified rate per group (e.g. source, region), over unique valid leads too.

    Engines: pandas only.
    """
    import pandas as pd

    g = screened.groupby(by)["status"]
    out = pd.DataFrame({"leads": g.size(), "qualified": g.apply(lambda s: int((s == "合格").sum())),
                        "unique_valid": g.apply(lambda s: int(s.isin(["合格", "不匹配"]).sum()))})
    out["qualified_rate"] = out["qualified"] / out["leads"]
    out["fit_rate"] = out["qualified"] / out["unique_valid"].where(out["unique_valid"] > 0)
    return out.sort_values("qualified_rate", ascending=False).reset_index()
