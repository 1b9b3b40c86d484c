"""The right answers of the exercises, lesson by lesson (see exercises.py)."""
from __future__ import annotations

from cvwork.exercises import expected


@expected("00.1", unit="行")
def _excluded_rows(sales, **_):
    from cvwork.io import account_of
    return len(account_of(sales).excluded)


@expected("00.2", unit="家")
def _customer_count(sales, **_):
    return int(sales["customer"].nunique())


@expected("00.3", decimals=1, percent=True, unit="%")
def _won_share_of_deals(history, **_):
    reached = history.groupby("stage")["opportunity_id"].nunique()
    return float(reached.get("赢单", 0) / history["opportunity_id"].nunique() * 100)


@expected("00.4", unit="家")
def _customers_without_deals(sales, opps, **_):
    return int(sales.loc[~sales["customer"].isin(opps["customer"]), "customer"].nunique())


@expected("08.1")
def _customers_in_second_bucket(sales, product, edges=None, **_):
    from cvwork.funnel import DEFAULT_EDGES, revenue_buckets
    table = revenue_buckets(sales, product=product, edges=DEFAULT_EDGES if edges is None else edges)
    return int(table["customers"].iloc[1])         # 1-5万 with the default edges


@expected("08.2")
def _customers_on_edges(sales, product, edges, **_):
    from cvwork.funnel import customer_buckets
    totals = customer_buckets(sales, product=product, edges=edges)
    return set(totals.loc[totals["revenue"].isin(list(edges)), "customer"])


@expected("08.3")
def _largest_bucket(sales, product, edges=None, currency="元", **_):
    from cvwork.funnel import DEFAULT_EDGES, revenue_buckets
    halved = [e / 2 for e in (DEFAULT_EDGES if edges is None else edges)]
    table = revenue_buckets(sales, product=product, edges=halved, currency=currency)
    return table.sort_values("customers", ascending=False, kind="stable")["bucket"].iloc[0]


@expected("03.1")
def _textbook_clv(**_):
    from cvwork.clv import discounted_clv
    return discounted_clv([100, 120, 130], [40, 50, 50], 0.10)


@expected("03.2")
def _retention_value(**_):
    from cvwork.clv import retention_clv
    return retention_clv(1000, 0.8, 0.10)


@expected("03.3", decimals=2)
def _median_customer_by_the_retention_formula(med, **_):
    # independent of the lesson's table: m r / (1 + i - r), cut to H years, times p_alive
    m, r, i, h = med["annual_margin"], med["retention"], med["discount_rate"], med["horizon_years"]
    return m * r / (1 + i - r) * (1 - (r / (1 + i)) ** h) * med["p_alive"]


@expected("03.4")
def _best_channel(economics, **_):
    return economics.loc[economics["ltv_cac"].idxmax(), "channel"]


@expected("04.1")
def _champions(rfm, **_):
    return int((rfm["segment"] == "冠军客户").sum())


@expected("04.2")
def _eight_class_of_recent_big_rare(**_):
    from cvwork.rfm import EIGHT_CLASSES
    return EIGHT_CLASSES[(True, False, True)]   # recent, rare, big


@expected("04.3")
def _f_scores_of_once_buyers(rfm, **_):
    return set(rfm.loc[rfm["frequency"] == rfm["frequency"].min(), "F"])


@expected("04.4")
def _all_tied_scores(**_):
    return [3, 3, 3, 3, 3]      # every value tied: p = (3 - 0.5) / 5 = 0.5 -> 1 + floor(2.5) = 3


@expected("05.1")
def _pareto(sales, **_):
    from cvwork.abc import abc_analysis, pareto_point
    return pareto_point(abc_analysis(sales), 0.8)


@expected("05.2")
def _class_a_count(sales, a, b, **_):
    from cvwork.abc import abc_analysis
    return int((abc_analysis(sales, a=a, b=b)["abc_class"] == "A").sum())


@expected("05.3")
def _stars(sales, as_of=None, window_days=365, **_):
    from cvwork.abc import value_quadrants
    q = value_quadrants(sales, as_of=as_of, window_days=window_days)
    return int((q["quadrant"] == "明星客户").sum())


@expected("05.4")
def _churned(sales, as_of=None, window_days=365, **_):
    # by purchase days, without value_quadrants: bought in the previous window, not in the current one
    import pandas as pd
    from cvwork.rfm import purchase_days
    days = purchase_days(sales)
    days = days[days["purchase"]]
    end = pd.Timestamp(as_of) if as_of is not None else days["day"].max() + pd.Timedelta(days=1)
    start = end - pd.Timedelta(days=window_days)
    now = set(days.loc[(days["day"] >= start) & (days["day"] < end), "customer"])
    before = set(days.loc[(days["day"] >= start - pd.Timedelta(days=window_days)) & (days["day"] < start), "customer"])
    return len(before - now)


@expected("09.1")
def _overall(history, stages, **_):
    from cvwork.funnel import overall_conversion, stage_conversion
    return overall_conversion(stage_conversion(history, stages))


@expected("09.2")
def _bottleneck(history, stages, still_open=(), min_resolved=20, **_):
    from cvwork.funnel import stage_conversion
    table = stage_conversion(history, stages, still_open=still_open, min_resolved=min_resolved)
    return table.loc[table["bottleneck"], "stage"].iloc[0]


@expected("09.3")
def _leaking_team(history, stages, groups, still_open=(), min_resolved=20, **_):
    from cvwork.funnel import conversion_by
    rate = conversion_by(history, stages, groups, still_open=still_open)
    resolved = conversion_by(history, stages, groups, still_open=still_open, value="resolved")
    return rate.where(resolved >= min_resolved).stack().idxmin()[0]


@expected("10.1")
def _win_rate(opps, **_):
    from cvwork.forecast import win_rate
    return win_rate(opps)


@expected("10.2")
def _commit_total(opps, as_of, **_):
    from cvwork.forecast import forecast_calls
    return float(forecast_calls(opps, as_of).set_index("call").loc["承诺", "amount"])


@expected("10.3")
def _coverage(open_amount, quota, closed_won, **_):
    from cvwork.forecast import coverage
    return coverage(open_amount, quota, closed_won)


@expected("06.1")
def _hand_nps(**_):
    from cvwork.nps import nps
    return nps([10, 9, 8, 7, 6, 10, 3, 9, 9, 5]).score


@expected("06.2")
def _survey_nps(survey, **_):
    from cvwork.nps import nps
    return nps(survey["score"]).score


@expected("06.3")
def _repeat_rate(sales, **_):
    from cvwork.lifecycle import repeat_purchase_rate
    return repeat_purchase_rate(sales)


@expected("07.1")
def _silent_count(stages, **_):
    return int((stages["stage"] == "沉默客户").sum())


@expected("07.2")
def _went_silent(sales, start, end, **_):
    from cvwork.lifecycle import stage_transitions
    t = stage_transitions(sales, start, end)
    return int(t.loc["活跃客户", "沉默客户"]) if "活跃客户" in t.index and "沉默客户" in t.columns else 0


@expected("07.3")
def _first_call(stages, **_):
    silent = stages[stages["stage"] == "沉默客户"]
    return silent.sort_values(["revenue", "customer"], ascending=[False, True])["customer"].iloc[0]


@expected("01.1")
def _qualified(screened, **_):
    return int((screened["status"] == "合格").sum())


@expected("01.2")
def _qualified_with_rule(leads, rules, **_):
    from cvwork.identify import screen_leads
    return int((screen_leads(leads, rules=rules)["status"] == "合格").sum())


@expected("01.3")
def _best_source(screened, **_):
    from cvwork.identify import qualified_rate_by
    t = qualified_rate_by(screened, "source")
    return t.loc[t["qualified_rate"].idxmax(), "source"]


@expected("02.1")
def _hand_score(**_):
    return 0.25 * 75 + 0.20 * 50 + 0.25 * 80 + 0.15 * 40 + 0.15 * 30


@expected("02.2")
def _top_id(opps, weights, custom=None, **_):
    from cvwork.prioritize import score_opportunities
    return score_opportunities(opps, weights, custom=custom)["opportunity_id"].iloc[0]


@expected("02.3")
def _high_tier(opps, weights, high, medium, custom=None, **_):
    from cvwork.prioritize import score_opportunities
    return int((score_opportunities(opps, weights, high=high, medium=medium, custom=custom)["tier"] == "高").sum())


@expected("11.1")
def _r_param(summary, **_):
    from cvwork.predict import fit_bgnbd
    return round(fit_bgnbd(summary["frequency"], summary["recency"], summary["T"]).r, 3)


@expected("11.2")
def _alive(bg, **_):
    from cvwork.predict import prob_alive
    return float(prob_alive(bg, [2], [30.43], [38.86])[0])


@expected("11.3")
def _winner(result, **_):
    return "模型" if result["auc_model"] > result["auc_rule"] else "规则"


@expected("11.4")
def _lowest_bic(summary, **_):
    import warnings

    from cvwork.predict import compare_models, fit_models
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # the lesson prints the fit warnings itself
        table = compare_models(summary, fit_models(summary))
    return table.loc[table["bic"].idxmin(), "model"]


@expected("12.1")
def _kept_revenue(sales, **_):
    return float(sales["amount"].sum())


@expected("12.2")
def _crowded_bucket(sales, product, **_):
    from cvwork.funnel import revenue_buckets
    t = revenue_buckets(sales, product=product)
    return t.loc[t["customers"].idxmax(), "bucket"]


@expected("12.3")
def _a_customers(sales, **_):
    from cvwork.abc import abc_analysis
    return int((abc_analysis(sales)["abc_class"] == "A").sum())


@expected("13.1", unit="个")
def _champions_on_pandas(sales, as_of=None, **_):
    # the learner counts on DuckDB; the check counts the same rule on the pandas frame
    from cvwork.rfm import rfm_table
    return int((rfm_table(sales, as_of=as_of)["segment"] == "冠军客户").sum())


@expected("13.2", decimals=0)
def _a_class_revenue(sales, a=0.8, **_):
    # without abc_analysis: customers by revenue (ties by name), A while the share before them is below a
    revenue = sales.groupby("customer")["amount"].sum().round(2).reset_index()
    revenue = revenue.sort_values(["amount", "customer"], ascending=[False, True], kind="stable")["amount"]
    positive = revenue.clip(lower=0)
    before = (positive.cumsum() - positive) / positive.sum()
    return float(revenue[(before < a - 1e-12) & (revenue > 0)].sum())


@expected("13.3")
def _engine_for_a_big_file_on_one_machine(**_):
    return "DuckDB"          # larger than memory, one machine, no server
