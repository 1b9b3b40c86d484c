"""Lead screening and opportunity scoring with hand-built inputs."""
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvwork import InputError
from cvwork import identify, prioritize

LEADS = pd.DataFrame({
    "lead_id": ["L1", "L2", "L3", "L4", "L5", "L6", "L7"],
    "company": ["宁波华信精密机械有限公司", "宁波华信精密机械有限责任公司", "杭州小店", "苏州 鼎盛 物流有限公司",
                None, "成都天成软件有限公司", "成都天成软件（集团）有限公司"],
    "phone": ["13812345678", "0574-88886666", "13900001111", "12345", "13700000000", "+86 139 0000 2222", "13900002222"],
    "email": ["a@x.cn", None, "shop@x.cn", "bad-mail", "e@x.cn", None, None],
    "industry": ["制造", "制造", "零售", "物流", "制造", "软件", "软件"],
    "employees": [300, 300, 8, None, 100, 80, 80],
    "sites": [3, 3, 1, 2, 2, 1, 1],
    "it_basics": ["是", "是", "否", "是", "是", "是", "是"],
    "finance": ["良好", "良好", "一般", "未知", "良好", "差", "良好"],
    "source": ["展会", "官网", "官网", "转介绍", "展会", "展会", "官网"],
    "created": pd.to_datetime(["2025-01-02", "2025-01-01", "2025-01-03", "2025-01-04", "2025-01-05", "2025-01-06", "2025-01-06"]),
})


def test_screen_by_hand():
    out = identify.screen_leads(LEADS).set_index("lead_id")
    assert out["status"].to_dict() == {"L1": "重复", "L2": "合格", "L3": "不匹配", "L4": "无效",
                                       "L5": "无效", "L6": "不匹配", "L7": "重复"}
    assert out.loc["L1", "duplicate_of"] == "L2"           # same normalised name; L2 was created first
    assert out.loc["L7", "duplicate_of"] == "L6"           # (集团) dropped and the same phone
    assert "员工数少于 50 人" in out.loc["L3", "reasons"] and "不在目标行业" in out.loc["L3", "reasons"]
    assert out.loc["L6", "reasons"] == "办公地点少于 2 个；财务状况差"
    assert "没有可用的电话或邮箱" in out.loc["L4", "reasons"] and "缺少公司名" in out.loc["L5", "reasons"]
    assert "邮箱不可用" in out.loc["L2", "missing_info"]


def test_rules_are_data():
    out = identify.screen_leads(LEADS, rules={"min_sites": 1, "bad_finance": None}).set_index("lead_id")
    assert out.loc["L6", "status"] == "合格"
    with pytest.raises(InputError, match=r"unknown rules\): max_age"):
        identify.screen_leads(LEADS, rules={"max_age": 3})
    with pytest.raises(InputError, match="min_employees must be a number"):
        identify.screen_leads(LEADS, rules={"min_employees": "fifty"})
    with pytest.raises(InputError, match="missing required column 'company'"):
        identify.screen_leads(LEADS.drop(columns="company"))


def test_unknown_values_are_flagged_not_judged():
    leads = LEADS.iloc[[1]].assign(employees=None, finance="未知")
    out = identify.screen_leads(leads)
    assert out["status"].item() == "合格" and "缺少员工数" in out["missing_info"].item()


def test_steps_and_rates():
    out = identify.screen_leads(LEADS)
    steps = identify.screening_steps(out)
    assert steps["leads"].tolist() == [7, 5, 3, 1] and steps["lost"].tolist() == [0, 2, 2, 2]
    rates = identify.qualified_rate_by(out, "source").set_index("source")
    assert rates.loc["官网", "qualified_rate"] == pytest.approx(1 / 3)


def test_phone_and_name_rules():
    assert identify.phone_ok(pd.Series(["13812345678", "12812345678", "010-12345678", "1381234567"])).tolist() == [True, False, True, False]
    assert identify.normalise_company("Ａ公司（集团）有限公司") == identify.normalise_company("A公司有限公司")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["甲有限公司", "甲有限责任公司", "乙公司", "", "丙 公司"]),
                          st.sampled_from(["13800000000", "13900000000", "123", None]),
                          st.sampled_from(["a@x.cn", "b@x.cn", None]),
                          st.integers(0, 500)), min_size=1, max_size=25))
def test_every_lead_has_exactly_one_status(rows):
    leads = pd.DataFrame(rows, columns=["company", "phone", "email", "employees"])
    leads.insert(0, "lead_id", [f"L{i:03d}" for i in range(len(leads))])
    out = identify.screen_leads(leads)
    assert len(out) == len(leads) and out["status"].isin(identify.STATUSES).all()
    kept = set(out.loc[out["status"] != "重复", "lead_id"])
    assert set(out["duplicate_of"].dropna()) <= kept          # duplicates point at a kept record


OPPS = pd.DataFrame({"opportunity_id": ["a", "b", "c"], "need_specificity": [5, 1, 3], "urgency": [3, 1, 5],
                     "budget": [100, 0, 300], "amount": [100, 50, 200], "past_purchases": [0, 9, 1],
                     "interactions_90d": [10, 0, 5]})


def test_scores_by_hand():
    out = prioritize.score_opportunities(OPPS).set_index("opportunity_id")
    assert out.loc["a", "score"] == pytest.approx(25 + 10 + 25 + 0 + 15)
    assert out.loc["b", "score"] == pytest.approx(0 + 0 + 0 + 15 + 0)
    assert out.loc["c", "score"] == pytest.approx(12.5 + 20 + 25 + 3 + 7.5)
    assert out["rank"].to_dict() == {"a": 1, "c": 2, "b": 3}
    assert out["tier"].to_dict() == {"a": "高", "c": "中", "b": "低"}
    contrib = out[[f"contrib_{k}" for k in prioritize.CRITERIA]].sum(axis=1)
    assert (contrib - out["score"]).abs().max() < 1e-9


def test_weights_normalised_and_validated():
    only_need = prioritize.score_opportunities(OPPS, {"need_specificity": 3}).set_index("opportunity_id")
    assert only_need.loc["a", "score"] == 100 and only_need.loc["c", "score"] == 50
    for bad in ({"need_specificity": 0}, {"urgency": -1, "need_specificity": 2}):
        with pytest.raises(InputError, match="weights must be >= 0 and not all zero"):
            prioritize.score_opportunities(OPPS, bad)
    with pytest.raises(InputError, match=r"unknown criteria\): mood"):
        prioritize.score_opportunities(OPPS, {"mood": 1})
    with pytest.raises(InputError, match="'urgency' .*within 1-5.*7"):
        prioritize.score_opportunities(OPPS.assign(urgency=[3, 7, 1]))
    with pytest.raises(InputError, match="missing required column 'budget'"):
        prioritize.score_opportunities(OPPS.drop(columns="budget"))


def test_seed_check_and_stability():
    o = OPPS.assign(shortlisted_vendors=[2, 3, 4], probability=[0.5, 0.75, 0.9],
                    expected_close=pd.to_datetime(["2026-03-01", "2026-05-01", "2026-02-01"]))
    assert prioritize.meets_seed_check(o, "2026-01-01").tolist() == [True, False, False]
    stab = prioritize.rank_stability(OPPS, top=2)
    assert len(stab) == 10 and stab["still_in_top"].between(0, 2).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(0, 500), st.integers(1, 500),
                          st.integers(0, 20), st.integers(0, 30)), min_size=1, max_size=30),
       st.lists(st.floats(0, 1), min_size=5, max_size=5).filter(lambda w: sum(w) > 0))
def test_score_properties(rows, w):
    o = pd.DataFrame(rows, columns=["need_specificity", "urgency", "budget", "amount", "past_purchases", "interactions_90d"])
    o.insert(0, "opportunity_id", [f"O{i:03d}" for i in range(len(o))])
    out = prioritize.score_opportunities(o, dict(zip(prioritize.CRITERIA, w)))
    assert sorted(out["rank"]) == list(range(1, len(o) + 1))            # ranks are a permutation
    assert out["score"].between(-1e-9, 100 + 1e-9).all()
    contrib = out[[f"contrib_{k}" for k in prioritize.CRITERIA]].sum(axis=1)
    assert (contrib - out["score"]).abs().max() < 1e-9


def test_seed_check_needs_a_close_date_ahead():
    # a deal 'due' last November is overdue, not 'likely to sign within three months'
    o = OPPS.assign(shortlisted_vendors=[2, 2, 2], probability=[0.75, 0.75, 0.75],
                    expected_close=pd.to_datetime(["2025-11-01", "2026-01-01", "2026-04-02"]))
    detail = prioritize.seed_check_detail(o, "2026-01-01")
    assert detail["overdue"].tolist() == [True, False, False]
    assert detail["in_window"].tolist() == [False, True, False]            # 2026-04-02 is past 2026-04-01
    assert prioritize.meets_seed_check(o, "2026-01-01").tolist() == [False, True, False]
    with pytest.raises(InputError, match=r"within \[0, 1\]"):
        prioritize.meets_seed_check(o.assign(probability=[0.75, 75, 0.5]), "2026-01-01")


def test_expected_value_beside_score_and_custom_criterion():
    o = OPPS.assign(probability=[0.1, 0.5, 0.25], authority=[1, 5, 3])
    out = prioritize.score_opportunities(o).set_index("opportunity_id")
    assert out["expected_value"].to_dict() == {"a": 10.0, "b": 25.0, "c": 50.0}     # amount x probability
    w = {"need_specificity": 1, "authority": 1}
    custom = {"authority": ("决策权", 1, 5)}
    scored = prioritize.score_opportunities(o, w, custom=custom).set_index("opportunity_id")
    # a: (100 + 0) / 2; b: (0 + 100) / 2; c: (50 + 50) / 2
    assert scored["score"].to_dict() == {"a": 50.0, "b": 50.0, "c": 50.0}
    assert scored.loc["c", "contrib_authority"] == 25.0
    assert len(prioritize.rank_stability(o, w, top=2, custom=custom)) == 12             # six criteria x (+, -)
    with pytest.raises(InputError, match="define new ones with custom="):
        prioritize.score_opportunities(o, w)
    with pytest.raises(InputError, match="'authority' .*within 1-5"):
        prioritize.score_opportunities(o.assign(authority=[1, 6, 3]), w, custom=custom)
    with pytest.raises(InputError, match=r"probability must be within \[0, 1\]"):
        prioritize.score_opportunities(o.assign(probability=[0.1, 1.7, 0.2]))
