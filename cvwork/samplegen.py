"""Seeded generators for the sample company 瀚海协同科技 (a fictional B2B seller
of office-collaboration products).  Every function takes a seed and returns a
DataFrame; the same seed gives the same rows on every machine.

The story the data tells: about 900 business customers in five regions buy
five products from eight sales reps over 2024-2025.  Order values are
lognormal, a few large customers carry most revenue, Q4 is busy and February
(the Spring Festival) is quiet, some customers go silent and churn, a few lines
are returns.  Two customers are planted on the bucket edges of lesson 08.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31")
AS_OF = pd.Timestamp("2026-01-01")

CITIES = {"华东": ["上海", "杭州", "宁波", "苏州", "南京", "无锡", "合肥"],
          "华北": ["北京", "天津", "济南", "青岛", "石家庄"],
          "华南": ["广州", "深圳", "佛山", "东莞", "厦门", "福州"],
          "华中": ["武汉", "长沙", "郑州", "南昌"],
          "西南": ["成都", "重庆", "昆明", "贵阳"]}
CORES = ["华信", "恒达", "博远", "启明", "中科", "鼎盛", "海川", "瑞丰", "金桥", "汇通",
         "永安", "天成", "宏图", "新锐", "联创", "众合", "卓越", "锦程", "正泰", "万和"]
INDUSTRIES = {"制造": ["精密机械", "汽车部件", "新材料", "电子科技"],
              "医药": ["医药", "生物科技"], "建筑": ["建筑工程", "设计院"],
              "物流": ["物流", "供应链"], "零售": ["食品", "贸易"], "软件": ["软件", "信息技术"]}
OWNERS = ["王磊", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "周杰"]
#: product -> (list price per unit, share of customers who buy it)
PRODUCTS = {"XX产品": (2_800.0, 0.75), "协同办公软件": (6_500.0, 0.55),
            "云存储服务": (1_200.0, 0.45), "实施服务": (9_000.0, 0.30),
            "硬件终端": (3_600.0, 0.25)}
SEASON = np.array([0.9, 0.55, 1.0, 1.0, 1.0, 1.05, 0.9, 0.9, 1.05, 1.1, 1.2, 1.45])
EDGE_CASES = {"甬江精密机械有限公司": [6_000.00, 4_000.00],
              "临港智造装备有限公司": [30_000.00, 20_000.00]}


def customers(n: int = 1200, seed: int = 7) -> pd.DataFrame:
    """The customer master: name, region, city, industry, owner, size, dates."""
    rng = np.random.default_rng(seed)
    regions = list(CITIES)
    names: set[str] = set()
    rows = []
    while len(rows) < n:
        region = regions[rng.choice(5, p=[0.34, 0.2, 0.22, 0.13, 0.11])]
        city = CITIES[region][rng.integers(len(CITIES[region]))]
        industry = list(INDUSTRIES)[rng.integers(len(INDUSTRIES))]
        word = INDUSTRIES[industry][rng.integers(len(INDUSTRIES[industry]))]
        name = f"{city}{CORES[rng.integers(len(CORES))]}{word}有限公司"
        if name in names:
            continue
        names.add(name)
        rows.append((name, region, city, industry))
    out = pd.DataFrame(rows, columns=["customer", "region", "city", "industry"])
    out["owner"] = [OWNERS[i] for i in rng.integers(len(OWNERS), size=n)]
    out["size"] = rng.lognormal(0.0, 1.0, n)
    first = rng.integers(-400, 700, n)  # days from START; negative = customer before 2024
    out["first_purchase"] = START + pd.to_timedelta(first, unit="D")
    life = rng.exponential(520, n) * np.where(out["size"] > 1.5, 1.8, 1.0)
    out["last_active"] = (out["first_purchase"] + pd.to_timedelta(life.astype(int), unit="D")).clip(upper=END)
    out["channel"] = rng.choice(["展会", "官网", "转介绍", "电话营销", "网络广告", "合作伙伴"], n,
                                p=[0.2, 0.2, 0.15, 0.15, 0.15, 0.15])
    return out


def _orders(cust: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Order headers: one row per (customer, order date)."""
    rows = []
    for c in cust.itertuples():
        begin, stop = max(c.first_purchase, START), c.last_active
        if stop < begin:
            continue
        months = pd.period_range(begin, stop, freq="M")
        rate = 1.1 * c.size ** 0.6
        for m in months:
            k = rng.poisson(rate * SEASON[m.month - 1])
            for _ in range(k):
                day = begin if m == months[0] and k == 0 else m.start_time + pd.Timedelta(days=int(rng.integers(m.days_in_month)))
                rows.append((c.customer, max(min(day, stop), begin), c.Index))
        if c.first_purchase >= START:
            rows.append((c.customer, c.first_purchase, c.Index))
    out = pd.DataFrame(rows, columns=["customer", "date", "cust_idx"])
    return out.sort_values(["date", "customer"], kind="stable").reset_index(drop=True)


def sales_lines(cust: pd.DataFrame | None = None, seed: int = 11) -> pd.DataFrame:
    """Sales lines in the layout of the R example (日期, 单据编号, 客户, 货品名称,
    数量, 价税合计, 区域, 销售员), sorted by date, with returns as negative lines."""
    cust = customers() if cust is None else cust
    rng = np.random.default_rng(seed)
    orders = _orders(cust, rng)
    buys = {p: rng.random(len(cust)) < share for p, (_, share) in PRODUCTS.items()}
    buys["XX产品"] |= ~np.column_stack(list(buys.values())).any(axis=1)
    names = list(PRODUCTS)
    lines = []
    for i, o in enumerate(orders.itertuples()):
        options = [p for p in names if buys[p][o.cust_idx]]
        picks = rng.choice(options, size=min(len(options), 1 + rng.poisson(0.5)), replace=False)
        size = cust.at[o.cust_idx, "size"]
        for p in picks:
            qty = max(1, int(rng.lognormal(np.log(1 + 0.7 * size ** 0.8), 0.5)))
            price = PRODUCTS[p][0] * rng.choice([1.0, 0.95, 0.9, 0.85])
            lines.append((o.date, f"XS{o.date:%Y%m}-{i + 1:05d}", o.customer, p, qty, round(qty * price, 2)))
    out = pd.DataFrame(lines, columns=["date", "order_id", "customer", "product", "quantity", "amount"])
    out = pd.concat([out, _returns(out, rng), _edge_cases()], ignore_index=True)
    meta = pd.concat([cust, edge_customers()]).set_index("customer")[["region", "owner"]]
    out = out.join(meta, on="customer").sort_values(["date", "order_id", "product"], kind="stable")
    return out.reset_index(drop=True)


def _returns(lines: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """About 1.5% of lines come back a few weeks later, in part or in full."""
    back = lines.sample(frac=0.015, random_state=int(rng.integers(1 << 30))).copy()
    part = np.minimum(back["quantity"], rng.integers(1, 3, len(back)))
    back["amount"] = -(back["amount"] / back["quantity"] * part).round(2)
    back["quantity"] = -part
    back["date"] = (back["date"] + pd.to_timedelta(rng.integers(7, 40, len(back)), unit="D")).clip(upper=END)
    back["order_id"] = "TH" + back["order_id"].str[2:]
    return back


def _edge_cases() -> pd.DataFrame:
    """Two customers whose XX产品 totals sit exactly on a bucket edge."""
    rows = []
    for k, (name, amounts) in enumerate(EDGE_CASES.items()):
        for j, amt in enumerate(amounts):
            day = pd.Timestamp("2025-03-10") + pd.Timedelta(days=40 * j + 7 * k)
            rows.append((day, f"XS{day:%Y%m}-9{k}{j}00", name, "XX产品", int(amt // 2000), amt))
    return pd.DataFrame(rows, columns=["date", "order_id", "customer", "product", "quantity", "amount"])


def edge_customers() -> pd.DataFrame:
    """Master rows for the planted edge customers (so every table knows them)."""
    return pd.DataFrame({"customer": list(EDGE_CASES), "region": ["华东", "华东"],
                         "city": ["宁波", "上海"], "industry": ["制造", "制造"],
                         "owner": ["王磊", "陈静"], "size": [0.5, 1.0],
                         "first_purchase": pd.to_datetime(["2025-03-10", "2025-03-17"]),
                         "last_active": pd.to_datetime(["2025-04-19", "2025-04-26"]),
                         "channel": ["展会", "转介绍"]})


STAGES = ["线索", "初步接触", "需求确认", "方案报价", "商务谈判", "赢单"]
STAGE_PROB = {"线索": 0.05, "初步接触": 0.10, "需求确认": 0.25, "方案报价": 0.50,
              "商务谈判": 0.75, "赢单": 1.0}
SOURCES = ["展会", "官网", "转介绍", "电话营销", "网络广告", "合作伙伴"]
#: chance that a lead which never became a customer still fits the profile, by source
SOURCE_FIT = {"展会": 0.45, "官网": 0.3, "转介绍": 0.7, "电话营销": 0.2, "网络广告": 0.12, "合作伙伴": 0.5}


def leads(cust: pd.DataFrame | None = None, n_extra: int = 700, seed: int = 21) -> pd.DataFrame:
    """Lead list with realistic dirt: name variants, bad phones, missing fields."""
    cust = customers() if cust is None else cust
    rng = np.random.default_rng(seed)
    extra = customers(n=len(cust) + n_extra, seed=seed).iloc[len(cust):]
    extra = extra[~extra["customer"].isin(cust["customer"])]
    won = cust[cust["first_purchase"] >= START]
    base = pd.concat([won, extra], ignore_index=True)
    n = len(base)
    source = rng.choice(SOURCES, n, p=[0.22, 0.2, 0.12, 0.18, 0.16, 0.12])
    fit_odds = pd.Series(source).map(SOURCE_FIT).to_numpy()
    fit = np.r_[np.ones(len(won)), rng.random(len(extra)) < fit_odds[len(won):]].astype(bool)
    out = pd.DataFrame({
        "company": base["customer"], "contact": [_person(rng) for _ in range(n)],
        "phone": [f"1{rng.choice([3, 5, 8])}{rng.integers(10**8, 10**9)}" for _ in range(n)],
        "industry": base["industry"], "region": base["region"],
        "employees": np.where(fit, rng.integers(50, 2000, n), rng.integers(5, 120, n)),
        "sites": np.where(fit, rng.integers(1, 12, n), rng.integers(1, 3, n)),
        "it_basics": np.where(fit | (rng.random(n) < 0.4), "是", "否"),
        "finance": rng.choice(["良好", "一般", "未知"], n, p=[0.5, 0.3, 0.2]),
        "source": source,
    })
    out["email"] = [f"contact{i:04d}@{['qq.com', '163.com', 'corp.cn'][i % 3]}" for i in range(n)]
    created = np.where(fit[: n] & (np.arange(n) < len(won)),
                       (base["first_purchase"] - START).dt.days - rng.integers(20, 120, n),
                       rng.integers(-60, 700, n))
    out["created"] = START + pd.to_timedelta(created, unit="D")
    return _dirty_leads(out, rng)


def _dirty_leads(out: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(out)
    bad = rng.random(n) < 0.05
    out.loc[bad, "phone"] = [str(rng.integers(10**6, 10**8)) for _ in range(bad.sum())]
    for col in ("email", "employees", "industry"):
        out[col] = out[col].astype(object)
        out.loc[rng.random(n) < 0.04, col] = None
    unreachable = rng.random(n) < 0.02
    out.loc[unreachable, "phone"] = None
    out.loc[unreachable, "email"] = None
    dups = out.sample(frac=0.08, random_state=int(rng.integers(1 << 30))).copy()
    variants = [lambda s: s.replace("有限公司", "有限责任公司"), lambda s: s.replace("有限公司", " 有限公司"),
                lambda s: s[:2] + "（" + s[2:4] + "）" + s[4:], lambda s: s]
    dups["company"] = [variants[i % 4](c) for i, c in enumerate(dups["company"])]
    dups["created"] = dups["created"] + pd.to_timedelta(rng.integers(3, 90, len(dups)), unit="D")
    out = pd.concat([out, dups], ignore_index=True).sort_values("created", kind="stable")
    out.insert(0, "lead_id", [f"L{i + 1:05d}" for i in range(len(out))])
    cols = ["lead_id", "company", "contact", "phone", "email", "industry", "employees", "sites",
            "region", "source", "it_basics", "finance", "created"]
    return out[cols].reset_index(drop=True)


def _person(rng: np.random.Generator) -> str:
    return rng.choice(list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何林")) + rng.choice(
        ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞"])


def opportunities(cust: pd.DataFrame | None = None, n: int = 720, seed: int = 31) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Opportunities (current state + score inputs) and their stage history."""
    cust = customers() if cust is None else cust
    rng = np.random.default_rng(seed)
    pick = cust.iloc[rng.integers(len(cust), size=n)].reset_index(drop=True)
    created = START + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    need, urgency = rng.integers(1, 6, n), rng.integers(1, 6, n)
    amount = (rng.lognormal(np.log(80_000), 0.8, n) / 1000).round() * 1000
    budget = (amount * rng.lognormal(0.0, 0.35, n) / 1000).round() * 1000
    past = rng.poisson(1.5 * pick["size"].to_numpy() ** 0.5)
    touches = rng.poisson(2 + urgency)
    logit = -3.2 + 0.45 * need + 0.3 * urgency + 1.2 * np.minimum(budget / amount, 1.5) + 0.25 * np.minimum(past, 4) + 0.06 * touches
    p_win = 1 / (1 + np.exp(-logit))
    depth = np.array([_depth(rng, p, r) for p, r in zip(p_win, pick["region"])])  # last stage reached
    hist, closed, outcome = [], [], []
    for i in range(n):
        day = created[i]
        for k in range(depth[i] + 1):
            if day > END:
                depth[i] = k - 1
                break
            hist.append((f"O{i + 1:04d}", STAGES[k], day))
            day = day + pd.Timedelta(days=int(rng.gamma(2.0, 9 + 4 * k)))
        done = depth[i] == 5 or (day <= END and rng.random() < 0.8)
        closed.append(hist[-1][2] if depth[i] == 5 else (day if done else pd.NaT))
        outcome.append("赢单" if depth[i] == 5 else ("输单" if done else "进行中"))
    opp = pd.DataFrame({"opportunity_id": [f"O{i + 1:04d}" for i in range(n)], "customer": pick["customer"],
                        "region": pick["region"], "owner": pick["owner"],
                        "stage": [STAGES[d] for d in depth], "amount": amount,
                        "probability": [STAGE_PROB[STAGES[d]] for d in depth], "created": created,
                        "expected_close": created + pd.to_timedelta(np.clip(rng.normal(150, 45, n), 30, None).astype(int), unit="D"),
                        "closed": closed, "outcome": outcome, "need_specificity": need, "urgency": urgency,
                        "budget": budget, "past_purchases": past, "interactions_90d": touches,
                        "shortlisted_vendors": rng.integers(1, 6, n)})
    stages = pd.DataFrame(hist, columns=["opportunity_id", "stage", "entered"])
    return opp, stages


#: the planted bottleneck: 需求确认 -> 方案报价 loses more everywhere, and 华北
#: also leaks at 方案报价 -> 商务谈判 (the team that quotes badly)
STEP_FACTOR = {2: 0.72}
REGION_STEP_FACTOR = {("华北", 3): 0.65}


def _depth(rng: np.random.Generator, p_win: float, region: str) -> int:
    """How far an opportunity gets: each step passed with a probability tied to p_win."""
    k = 0
    while k < 5 and rng.random() < (0.62 + 0.32 * p_win) * STEP_FACTOR.get(k, 1.0) * REGION_STEP_FACTOR.get((region, k), 1.0):
        k += 1
    return k


COMMENTS = {"推荐者": ["实施团队很专业", "产品稳定，愿意推荐给同行", "响应及时", "提升了协同效率"],
            "被动者": ["整体还可以", "价格略高", "功能够用", "希望培训更多一些"],
            "贬损者": ["售后响应慢", "系统经常卡顿", "报价不透明", "升级后问题多"]}


def survey(cust: pd.DataFrame | None = None, n: int = 900, seed: int = 41) -> pd.DataFrame:
    """An NPS survey: 0-10 scores, lower for customers who later churned."""
    cust = customers() if cust is None else cust
    rng = np.random.default_rng(seed)
    pick = cust.iloc[rng.integers(len(cust), size=n)].reset_index(drop=True)
    churned = (pick["last_active"] < END - pd.Timedelta(days=180)).to_numpy()
    raw = rng.normal(np.where(churned, 6.0, 8.4), 1.8)
    score = np.clip(np.rint(raw), 0, 10).astype(int)
    group = np.where(score >= 9, "推荐者", np.where(score >= 7, "被动者", "贬损者"))
    segment = np.where(pick["size"] > 2.0, "大客户", np.where(pick["size"] > 0.7, "中型客户", "小客户"))
    out = pd.DataFrame({"respondent": [f"R{i + 1:04d}" for i in range(n)], "customer": pick["customer"],
                        "score": score, "date": START + pd.to_timedelta(rng.integers(0, 730, n), unit="D"),
                        "segment": segment, "region": pick["region"],
                        "comment": [COMMENTS[g][rng.integers(4)] for g in group]})
    out.loc[rng.random(n) < 0.03, "score"] = None
    return out.sort_values(["date", "respondent"]).reset_index(drop=True)
