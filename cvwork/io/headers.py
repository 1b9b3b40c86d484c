"""Column names: the alias tables of every kind of input, header-cell
normalisation (spaces, full width, units such as 金额（万元）), finding the
header row, and choosing between two columns that could be the same thing."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping, Sequence

from cvwork.errors import InputError

_SHARED = {
    "region": ("区域", "地区", "大区", "片区", "销售区域", "region", "area", "territory", "salesregion"),
    "owner": ("销售员", "业务员", "销售代表", "负责人", "客户经理", "销售人员", "销售", "经办人", "所有者", "商机负责人",
              "owner", "salesrep", "salesperson", "opportunityowner", "accountowner", "rep"),
}

#: kind -> canonical -> header spellings, in order of preference (the first
#: present wins: 价税合计 before 金额, a customer's name before its code).
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "sales": {
        "date": ("日期", "单据日期", "开票日期", "订单日期", "销售日期", "交易日期", "发货日期", "出库日期", "业务日期",
                 "成交日期", "下单日期", "下单时间", "交易时间", "订单时间", "制单日期", "date", "orderdate",
                 "invoicedate", "transactiondate", "salesdate", "saledate", "purchasedate", "documentdate"),
        "customer": ("客户名称", "客户", "客户名", "客户全称", "购买方名称", "购买方", "购货单位", "购方名称",
                     "往来单位名称", "往来单位", "客户单位", "单位名称", "开票客户", "结算客户", "买方", "customername",
                     "customer", "client", "clientname", "accountname", "account", "buyer", "company", "客户简称"),
        "customer_code": ("客户编码", "客户编号", "客户代码", "客户号", "客户id", "往来单位编码", "customerid",
                          "customercode", "customerno", "customernumber", "clientid", "accountid"),
        "product": ("货品名称", "产品名称", "产品", "货品", "商品名称", "商品", "存货名称", "物料名称", "品名", "物料",
                    "存货", "product", "productname", "item", "itemname", "description"),
        "amount": ("价税合计", "本币价税合计", "含税金额", "含税销售额", "含税总额", "金额", "销售额", "销售金额",
                   "成交金额", "实收金额", "总金额", "订单金额", "amount", "revenue", "sales", "salesamount",
                   "totalamount", "linetotal", "total", "无税金额", "不含税金额"),
        "quantity": ("数量", "销售数量", "主数量", "销量", "件数", "quantity", "qty"),
        "order_id": ("单据编号", "订单号", "订单编号", "单号", "单据号", "销售单号", "发票号码", "发票号",
                     "orderid", "orderno", "ordernumber", "invoiceno", "invoice", "invoiceid", "invoicenumber"),
        "price": ("含税单价", "单价", "price", "unitprice"),
        **_SHARED,
    },
    "leads": {
        "lead_id": ("线索编号", "线索id", "线索号", "leadid", "id"),
        "company": ("公司名称", "公司", "企业名称", "单位名称", "客户名称", "company", "companyname", "account",
                    "accountname"),
        "contact": ("联系人", "联系人姓名", "姓名", "contact", "contactname", "name", "fullname"),
        "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile", "tel", "telephone"),
        "email": ("邮箱", "电子邮件", "电子邮箱", "email", "e-mail", "mail"),
        "industry": ("行业", "所属行业", "industry"),
        "employees": ("员工数", "员工人数", "人数", "企业规模", "employees", "employeecount", "numberofemployees"),
        "sites": ("办公地点数", "办公地点", "门店数", "网点数", "分支机构数", "sites", "locations"),
        "it_basics": ("基础信息化", "信息化基础", "已有信息化", "it_basics", "itbasics"),
        "finance": ("财务状况", "财务", "finance"),
        "source": ("线索来源", "来源", "渠道", "source", "leadsource", "channel"),
        "created": ("创建日期", "创建时间", "录入日期", "created", "createddate", "createdate", "createdon"),
        **_SHARED,
    },
    "opportunities": {
        "opportunity_id": ("商机编号", "商机id", "机会编号", "商机号", "opportunityid", "id"),
        "opportunity": ("商机名称", "机会名称", "opportunityname", "opportunity", "name", "dealname"),
        "customer": ("客户名称", "客户", "客户名", "accountname", "account", "customer", "customername", "company"),
        "stage": ("销售阶段", "商机阶段", "阶段", "stage", "salesstage", "dealstage", "stagename"),
        "amount": ("商机金额", "预计金额", "金额", "合同金额", "amount", "dealamount", "value", "expectedrevenue"),
        "probability": ("赢率", "赢单率", "赢单概率", "成交概率", "概率", "可能性", "probability", "winprobability"),
        "created": ("创建日期", "创建时间", "created", "createddate", "createdate"),
        "expected_close": ("预计成交日期", "预计签约日期", "预计关闭日期", "预计结单日期", "expectedclose",
                           "expectedclosedate", "closedate"),
        "closed": ("关闭日期", "实际成交日期", "结单日期", "closed", "closeddate", "actualclosedate"),
        "outcome": ("结果", "赢单/输单", "商机状态", "状态", "outcome", "result", "status", "iswon", "won"),
        "is_closed": ("是否关闭", "已关闭", "isclosed", "closedflag"),
        "need_specificity": ("需求明确度", "需求明确程度", "需求", "need", "needspecificity"),
        "urgency": ("紧迫度", "紧迫程度", "紧急程度", "urgency"),
        "budget": ("客户预算", "预算", "预算金额", "budget"),
        "past_purchases": ("历史购买次数", "过往购买次数", "以往合作次数", "pastpurchases"),
        "interactions_90d": ("近90天互动次数", "90天互动次数", "近三个月互动次数", "interactions90d"),
        "shortlisted_vendors": ("入围供应商数", "竞争供应商数", "候选供应商数", "shortlistedvendors", "competitors"),
        **_SHARED,
    },
    "stage_history": {
        "opportunity_id": ("商机编号", "商机id", "机会编号", "opportunityid", "id"),
        "stage": ("销售阶段", "阶段", "stage", "tostage", "newvalue", "stagename"),
        "entered": ("进入日期", "进入时间", "变更日期", "日期", "entered", "date", "changedate", "createddate"),
    },
    "survey": {
        "respondent": ("受访者", "答卷编号", "问卷编号", "编号", "respondent", "respondentid", "responseid", "id"),
        "customer": ("客户名称", "客户", "customer", "account", "company"),
        "score": ("推荐意愿得分", "推荐意愿", "推荐得分", "评分", "得分", "分数", "nps", "npsscore", "score",
                  "likelihoodtorecommend"),
        "date": ("调查日期", "日期", "提交答卷时间", "提交时间", "答卷时间", "填写时间", "date", "submitted",
                 "submittedat", "responsedate"),
        "segment": ("客户类型", "客户分类", "细分", "segment", "customertype"),
        "comment": ("意见", "评论", "备注", "comment", "comments", "feedback"),
        **_SHARED,
    },
    "customers": {
        "customer": ("客户名称", "客户", "customer", "customername", "account"),
        "first_purchase": ("首次购买日期", "首次购买", "first_purchase", "firstpurchase"),
        "last_active": ("最近活跃日期", "最近活跃", "last_active", "lastactive"),
        "channel": ("获客渠道", "渠道", "channel", "source"),
        "city": ("城市", "city"), "industry": ("行业", "industry"), "size": ("规模", "size"),
        **_SHARED,
    },
}

#: header unit in brackets -> factor applied to the amount
UNITS = {"元": 1.0, "人民币": 1.0, "rmb": 1.0, "cny": 1.0, "¥": 1.0, "￥": 1.0, "$": 1.0, "usd": 1.0,
         "千元": 1e3, "千": 1e3, "万元": 1e4, "万": 1e4, "百万元": 1e6, "百万": 1e6, "亿元": 1e8, "亿": 1e8}
_BRACKET = re.compile(r"[(\[{](.*?)[)\]}]")


def norm_header(name: object) -> str:
    """Compare headers after NFKC, lower case, no spaces, separators or brackets.

    >>> norm_header(" 客户\\n名称 "), norm_header("Customer_Name"), norm_header("金额（元）")
    ('客户名称', 'customername', '金额元')
    """
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"[\s_\-.:()\[\]{}【】*#/\\%]", "", text)


def split_unit(name: object) -> tuple[str, float, str]:
    """``金额（万元）`` -> (``金额``, 10000.0, ``万元``); no unit -> (name, 1.0, '')."""
    text = unicodedata.normalize("NFKC", str(name)).strip()
    match = _BRACKET.search(text)
    if match and match.group(1).strip().lower() in UNITS:
        unit = match.group(1).strip()
        return _BRACKET.sub("", text, count=1), UNITS[unit.lower()], unit
    return text, 1.0, ""


def lookup(kind: str) -> dict[str, tuple[str, int]]:
    """normalised alias -> (canonical, preference rank) for one kind of input."""
    table: dict[str, tuple[str, int]] = {}
    for canon, names in ALIASES[kind].items():
        for rank, alias in enumerate(names):
            table.setdefault(norm_header(alias), (canon, rank))
        table.setdefault(norm_header(canon), (canon, 0))
    return table


def header_score(cells: Sequence[object], table: Mapping[str, tuple[str, int]]) -> int:
    """How many distinct canonical columns a row of cells names."""
    found = set()
    for cell in cells:
        if cell is None or cell != cell:
            continue
        base, _, _ = split_unit(cell)
        hit = table.get(norm_header(base)) or table.get(norm_header(cell))
        if hit:
            found.add(hit[0])
    return len(found)


@dataclass
class ColumnPlan:
    """Which file column becomes which canonical column, and why."""

    mapping: dict[int, str]          # position -> canonical
    scale: dict[str, float]          # canonical -> unit factor
    notes: list[str]


def _label_to_canon(kind: str) -> dict[str, str]:
    from cvwork.labels import LABELS

    out = {norm_header(canon): canon for canon in ALIASES[kind]}
    out.update({norm_header(lab): canon for canon, (lab, _) in LABELS.items() if canon in ALIASES[kind]})
    return out


def normalise_overrides(kind: str, columns: Mapping[str, str] | None, headers: Sequence[str],
                        source: str = "") -> dict[str, str]:
    """User overrides as ``{file header: canonical}``, whichever way round they were given."""
    if not columns:
        return {}
    canon_of = _label_to_canon(kind)
    by_norm = {norm_header(h): h for h in headers}
    out: dict[str, str] = {}
    for key, value in columns.items():
        if norm_header(key) in by_norm and norm_header(value) in canon_of:
            out[by_norm[norm_header(key)]] = canon_of[norm_header(value)]
        elif norm_header(value) in by_norm and norm_header(key) in canon_of:
            out[by_norm[norm_header(value)]] = canon_of[norm_header(key)]
        elif norm_header(key) in by_norm:      # a canonical name of the user's own
            out[by_norm[norm_header(key)]] = str(value)
        else:
            raise InputError(f"'{source}': --columns 中的列 '{key}={value}' 在文件里找不到 (column '{key}'/'{value}' of --columns is "
                             f"not in the file); 文件中的列 (columns in the file): {', '.join(map(str, headers))}")
    return out


_CODE = r"^[A-Za-z]{0,6}[-_]?\d{2,}[A-Za-z]?$"


def _code_share(values) -> float:
    """Share of non-empty cells that look like codes (C001, 10023), not names."""
    import pandas as pd

    text = pd.Series(values, dtype=object).dropna().astype(str).str.strip()
    text = text[text != ""]
    return float(text.str.match(_CODE).mean()) if len(text) else 1.0


def plan_columns(kind: str, headers: Sequence[str], sample, overrides: Mapping[str, str]) -> ColumnPlan:
    """Choose one file column per canonical name.

    ``sample`` is a frame of data cells (positions as columns) used to tell a
    customer's name from its code.  Preference follows the alias order
    (价税合计 before 金额); the choice is written to ``notes``.
    """
    table = lookup(kind)
    options: dict[str, list[tuple[float, int, float, str]]] = {}
    for pos, header in enumerate(headers):
        if header in overrides:
            options.setdefault(overrides[header], []).append((-1, pos, 1.0, ""))
            continue
        base, factor, unit = split_unit(header)
        hit = table.get(norm_header(base)) or table.get(norm_header(header))
        if hit:
            options.setdefault(hit[0], []).append((hit[1], pos, factor, unit))
    mapping: dict[int, str] = {}
    scale: dict[str, float] = {}
    notes: list[str] = []
    for canon, found in options.items():
        found.sort()
        if canon == "customer" and len(found) > 1 and sample is not None:
            found.sort(key=lambda o: (_code_share(sample[o[1]]) > 0.5, o[0]))
        rank, pos, factor, unit = found[0]
        mapping[pos] = canon
        if factor != 1.0:
            scale[canon] = factor
            notes.append(f"列 '{headers[pos]}' 以{unit}为单位，已乘以 {factor:,.0f} "
                         f"(column '{headers[pos]}' is in {unit}: multiplied by {factor:,.0f})")
        if len(found) > 1:
            others = ", ".join(f"'{headers[o[1]]}'" for o in found[1:])
            notes.append(f"{canon}: 采用 '{headers[pos]}'，未采用 {others} "
                         f"(took '{headers[pos]}' for {canon}, not {others})")
    if "customer" not in options and "customer_code" in options:
        pos = options["customer_code"][0][1]
        mapping[pos] = "customer"
        notes.append(f"customer: 文件只有客户编码，按编码区分客户 (only a customer code column: '{headers[pos]}')")
    else:
        for _, pos, _, _ in options.get("customer_code", [])[:1]:
            mapping[pos] = "customer_code"
        name_pos = next((p for p, c in mapping.items() if c == "customer"), None)
        codes = [p for p, c in mapping.items() if c == "customer_code"]
        if name_pos is not None and codes:
            notes.append(f"customer: 采用客户名称列 '{headers[name_pos]}'，编码列 '{headers[codes[0]]}' 保留为 customer_code "
                         f"(took the name column '{headers[name_pos]}' for customer; the code column is kept as customer_code)")
    return ColumnPlan(mapping, scale, notes)


def find_header(rows, kind: str, limit: int = 30) -> tuple[int, int]:
    """(index of the header row among ``rows``, its score): the first row that
    names the most known columns."""
    table = lookup(kind)
    best, best_score = 0, -1
    for i, cells in enumerate(rows[:limit]):
        score = header_score(cells, table)
        if score > best_score:
            best, best_score = i, score
    return best, best_score
