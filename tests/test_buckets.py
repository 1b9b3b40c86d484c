"""Lesson 08 buckets: edges that follow the data, labels in the data's currency,
the amFunnel slice order, the push-up list with recency, and the lesson run on
a second, differently shaped data set (CDNOW in dollars, English headers);
below, the half-open buckets against hand-computed answers and invariants (moved from test_funnel.py)."""
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill as pm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvwork import InputError
from cvwork.buckets import choose_edges, edges_from_data, funnel_area_shares, nice_number, push_up_candidates
from cvwork.charts.funnel import funnel_chart
from cvwork.datasets import load_cdnow
from cvwork.exercises import feedback
from cvwork.funnel import bucket_labels, customer_buckets, revenue_buckets
from cvwork.lifecycle import lifecycle_stages
from cvwork.nbtools import retry_kernel_start
from lesson_cases import outputs_text

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_labels_in_the_data_currency():
    assert bucket_labels((50, 100, 1_000), currency="美元") == ["50美元以下", "50-100美元", "100-1,000美元", "1,000美元以上"]
    assert bucket_labels((500, 2_000)) == ["500元以下", "500-2,000元", "2,000元以上"]   # no "0.05万"
    assert bucket_labels((1_000, 15_000)) == ["0.1万以下", "0.1-1.5万", "1.5万以上"]
    assert bucket_labels((10_000, 1e8)) == ["1万以下", "1-10,000万", "10,000万以上"]  # no exponent
    assert not any("0.005" in b for b in revenue_buckets(load_cdnow(), edges=(50,), currency="美元")["bucket"])


def test_nice_numbers_and_edges_from_data_by_hand():
    # nearest in ratio: 74 -> 100 (100/74 = 1.35 < 74/50 = 1.48), 7,000 -> 5,000 (1.40 < 1.43)
    assert [nice_number(x) for x in (37, 13, 0.3, 74, 160, 7_000)] == [50, 10, 0.25, 100, 200, 5_000]
    # totals 1..100: quantiles 50.5, 80.2, 95.05, 99.01 -> 50, 100, 100, 100 -> merged
    assert edges_from_data(pd.Series(range(1, 101), dtype=float)) == (50.0, 100.0)
    with pytest.raises(InputError, match="no customer has a positive total"):
        edges_from_data(pd.Series([0.0, -5.0]))


def test_choose_edges_keeps_defaults_that_fit_and_follows_dollar_data():
    yuan = pd.DataFrame({"customer": list("abcd"), "amount": [5_000.0, 20_000, 60_000, 300_000]})
    assert choose_edges(yuan).source == "default"                    # largest bucket holds 25%
    cdnow = load_cdnow()
    choice = choose_edges(cdnow, currency="美元")
    assert choice.source == "data" and "100%" in choice.note        # every customer under 10,000 dollars
    totals = cdnow.groupby("customer")["amount"].sum()
    expected = tuple(sorted({nice_number(q) for q in totals.quantile([0.5, 0.8, 0.95, 0.99]) if q > 0}))
    assert choice.edges == expected == (50.0, 100.0, 500.0, 1000.0)
    table = revenue_buckets(cdnow, edges=choice.edges, currency="美元")
    assert table["customer_share"].max() < 0.8 and table["customers"].sum() == cdnow["customer"].nunique()
    assert choose_edges(yuan, edges=[1, 2]).edges == (1.0, 2.0)


def test_product_none_for_single_product_data():
    sales = pd.DataFrame({"customer": ["a", "b"], "amount": [10_000.0, 3.0]})   # no product column at all
    assert revenue_buckets(sales, product=None)["customers"].tolist() == [1, 1, 0, 0, 0]


def _slice_box(fig, i):
    patch = next(p for p in fig.axes[0].patches if p.get_gid() == f"slice-{i}")
    xy = patch.get_xy()
    return xy[:, 0].max() - xy[:, 0].min(), xy[:, 1].min(), xy[:, 1].max()


@pytest.mark.parametrize("depth", [0, 50])
def test_funnel_slice_order_matches_amfunnel_inverse(depth):
    """amFunnel(inverse = TRUE): the first row (1万以下) is the wide base, the last the apex."""
    values = [156, 379, 137, 97, 53]
    fig = funnel_chart(values, [f"s{i}" for i in range(5)], inverse=True, depth=depth)
    boxes = [_slice_box(fig, i) for i in range(5)]
    assert boxes[0][1] == pytest.approx(0.0) and boxes[0][0] == pytest.approx(1.0)   # base: bottom, full width
    assert boxes[-1][2] == pytest.approx(1.0)                                      # apex at the top
    assert [b[1] for b in boxes] == sorted(b[1] for b in boxes)                    # stacked upwards in order
    # height of a slice is proportional to its value: 379 of 822 for the second
    assert boxes[1][2] - boxes[1][1] == pytest.approx(379 / 822)
    flat = funnel_chart(values, [f"s{i}" for i in range(5)], inverse=False, depth=depth)
    assert _slice_box(flat, 0)[2] > _slice_box(flat, 4)[2]                       # not inverted: first at the top


def test_funnel_area_shares_by_hand():
    # slices of heights 0.19 and 0.81 from the base of a triangle: 1 - 0.81^2 and 0.81^2
    assert funnel_area_shares([19, 81]) == [pytest.approx(1 - 0.81 ** 2), pytest.approx(0.81 ** 2)]
    assert sum(funnel_area_shares([156, 379, 137, 97, 53])) == pytest.approx(1.0)


def test_push_up_candidates_flag_silent_and_lost_customers():
    sales = pd.DataFrame({
        "customer": ["act", "sil", "lost", "far", "big"],
        "amount": [45_000.0, 48_000, 41_000, 20_000, 80_000],
        "date": pd.to_datetime(["2025-12-01", "2025-05-01", "2024-11-01", "2025-12-01", "2025-12-01"]),
        "owner": ["甲", "乙", "丙", "丁", "戊"]})
    per = customer_buckets(sales)
    table = revenue_buckets(sales)
    out = push_up_candidates(per, table, lifecycle_stages(sales))
    # 1-5万 is the crowded bucket; 80% of 5万 = 40,000: act, sil, lost qualify, far does not
    assert out["customer"].tolist() == ["act", "sil", "lost"]                 # priority first, then revenue
    assert out["priority"].tolist() == [True, False, False]
    assert out["stage"].astype(str).tolist() == ["新客户", "沉默客户", "流失客户"]
    assert out["gap"].tolist() == [5_000.0, 2_000.0, 9_000.0] and out.loc[0, "owner"] == "甲"


def test_exercise_8_1_with_custom_edges():
    sales = pd.DataFrame({"customer": list("abcd"), "amount": [1.0, 20.0, 30.0, 500.0], "product": "P"})
    assert feedback("08.1", 2, sales=sales, product="P", edges=[10, 100]).ok          # b, c in the second bucket
    assert not feedback("08.1", 1, sales=sales, product="P", edges=[10, 100]).ok
    # halved edges 5, 50: a under 5; b, c in 5-50; d above -> the second bucket is the crowded one
    assert feedback("08.3", "5-50美元", sales=sales, product="P", edges=[10, 100], currency="美元").ok


def cdnow_csv(tmp_path):
    """CDNOW in dollars with English headers and no product column: one shape the lesson must handle."""
    frame = load_cdnow().rename(columns={"customer": "Customer", "date": "Order Date", "amount": "Amount",
                                         "cds": "Qty"}).drop(columns="sample_id")
    path = tmp_path / "cdnow.csv"
    frame.to_csv(path, index=False)
    return path


def test_lesson_08_on_cdnow_dollars(tmp_path):
    out_dir = tmp_path / "out"
    params = {"input_path": str(cdnow_csv(tmp_path)), "product": None, "currency": "美元", "output_dir": str(out_dir)}
    done = tmp_path / "08.ipynb"
    retry_kernel_start(lambda: pm.execute_notebook(str(NOTEBOOKS / "08_revenue_bucket_funnel.ipynb"), str(done),
                                                   parameters=params, cwd=str(NOTEBOOKS), kernel_name="python3",
                                                   progress_bar=False))
    table = pd.read_csv(out_dir / "revenue_buckets.csv", encoding="utf-8-sig")
    cdnow = load_cdnow()
    totals = cdnow.groupby("customer")["amount"].sum()
    expected = [int(((totals >= lo) & (totals < hi)).sum())
                for lo, hi in zip([-1e18, 50, 100, 500, 1000], [50, 100, 500, 1000, 1e18])]
    assert table["customers"].tolist() == expected and sum(expected) == 2357
    assert table["bucket"].tolist() == ["50美元以下", "50-100美元", "100-500美元", "500-1,000美元", "1,000美元以上"]
    text = outputs_text(nbformat.read(done, as_version=4))
    assert f"全部销售行：客户 {cdnow['customer'].nunique()} 个，分段合计 {sum(expected)} 个" in text
    assert "默认边界（1万、5万、10万、20万）把 100% 的客户放进了同一段" in text
    assert "万" not in "".join(table["bucket"])
    assert "✓ 练习 08.1" in text and "✓ 练习 08.2" in text and "✓ 练习 08.3" in text


def test_stored_lesson_08_push_up_readout():
    """Issue 15 counted 12 of the 44 push-up customers as 沉默 or 流失: the lesson now says so."""
    import nbformat
    from cvwork.io import read_sales

    sales = read_sales(NOTEBOOKS.parent / "data" / "sales_report.xlsx")
    per, table = customer_buckets(sales, "XX产品"), revenue_buckets(sales, "XX产品")
    out = push_up_candidates(per, table, lifecycle_stages(sales))
    inactive = int((~out["priority"]).sum())
    assert (len(out), inactive) == (44, 12)
    text = outputs_text(nbformat.read(NOTEBOOKS / "08_revenue_bucket_funnel.ipynb", as_version=4))
    assert f"其中 {len(out)} 个客户已达到“5-10万”下限 50,000 元 的八成以上" in text
    assert f"其中 {len(out) - inactive} 个仍在活跃或是新客户，优先跟进；{inactive} 个已沉默或流失" in text
    areas = funnel_area_shares(table["customers"])
    assert f"在金字塔里占面积的 {areas[0]:.1%}" in text and f"面积只有 {areas[-1]:.2%}" in text


# --- revenue_buckets by hand and invariants ------------------------------------

EDGE_SALES = pd.DataFrame({
    "customer": ["a", "b", "b", "c", "d", "e", "e", "f", "g", "h"],
    "product": ["P"] * 9 + ["Q"],
    "amount": [9_999.99, 6_000, 4_000, 50_000, 100_000, 250_000, -50_000.01, -300, 199_999.99, 1e6],
})


def test_edges_are_left_closed():
    table = revenue_buckets(EDGE_SALES, product="P")
    # a 9,999.99 and f -300 -> 1万以下; b 10,000 -> 1-5万; c 50,000 -> 5-10万;
    # d 100,000 and g 199,999.99 and e 199,999.99 -> 10-20万; nobody >= 20万
    assert table["bucket"].tolist() == ["1万以下", "1-5万", "5-10万", "10-20万", "20万以上"]
    assert table["customers"].tolist() == [2, 1, 1, 3, 0]
    assert table["revenue"].tolist() == [9_699.99, 10_000.0, 50_000.0, 499_999.98, 0.0]
    assert table["customers"].sum() == EDGE_SALES.query("product == 'P'")["customer"].nunique()
    assert table["revenue"].sum() == pytest.approx(EDGE_SALES.query("product == 'P'")["amount"].sum())
    assert table["customer_share"].sum() == pytest.approx(1.0)
    assert table["revenue_share"].sum() == pytest.approx(1.0)


def test_all_products_and_custom_edges_and_labels():
    table = revenue_buckets(EDGE_SALES, edges=(100_000,), labels=["小", "大"])
    assert table["customers"].tolist() == [4, 4]          # a b c f | d e g h
    assert table["low"].tolist() == [-np.inf, 100_000]


def test_customer_buckets_sorted_with_returns_netted():
    per = customer_buckets(EDGE_SALES, product="P")
    assert per["customer"].tolist()[:3] == ["e", "g", "d"]  # e and g tie at 199,999.99: by name
    assert per.set_index("customer").loc["e", "revenue"] == 199_999.99


def test_labels():
    assert bucket_labels([5_000, 25_000]) == ["0.5万以下", "0.5-2.5万", "2.5万以上"]


def test_bad_input():
    with pytest.raises(InputError, match="找不到产品 'Z'.*P, Q"):
        revenue_buckets(EDGE_SALES, product="Z")
    with pytest.raises(InputError, match="strictly increasing"):
        revenue_buckets(EDGE_SALES, edges=(50_000, 10_000))
    with pytest.raises(InputError, match="need 3 labels"):
        revenue_buckets(EDGE_SALES, edges=(1, 2), labels=["x"])
    with pytest.raises(InputError, match="missing required column 'amount'"):
        revenue_buckets(EDGE_SALES.drop(columns="amount"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 15), st.integers(-20_000, 300_000)), min_size=1, max_size=60),
       st.lists(st.integers(1, 400_000), min_size=1, max_size=6, unique=True))
def test_every_customer_in_exactly_one_bucket(lines, edges):
    sales = pd.DataFrame(lines, columns=["customer", "amount"]).astype({"amount": float})
    edges = sorted(edges)
    table = revenue_buckets(sales, edges=edges)
    per = customer_buckets(sales, edges=edges)
    assert len(per) == sales["customer"].nunique() == table["customers"].sum()
    assert per["bucket"].notna().all()
    assert table["revenue"].sum() == pytest.approx(sales["amount"].sum())
    for row in table.itertuples():
        inside = per[(per["revenue"] >= row.low) & (per["revenue"] < row.high)]
        assert len(inside) == row.customers
