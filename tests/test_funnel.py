"""revenue_buckets against hand-computed answers and invariants."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvwork import InputError
from cvwork.funnel import bucket_labels, customer_buckets, revenue_buckets

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
