"""Sample data: byte-for-byte regeneration and the shape the lessons rely on."""
import pandas as pd
import pytest

from cvwork import InputError, load_sample
from cvwork.datasets import DATA_DIR, FILES, write_samples


def test_regeneration_is_byte_for_byte(tmp_path):
    for path in write_samples(tmp_path):
        assert path.read_bytes() == (DATA_DIR / path.name).read_bytes(), f"{path.name} differs: run `make data`"


def test_data_folder_is_small_and_complete():
    sizes = {name: (DATA_DIR / f).stat().st_size for name, f in FILES.items()}
    assert sum(sizes.values()) < 5_000_000


def test_sales_shape():
    sales = load_sample("sales")
    assert 10_000 <= len(sales) <= 60_000
    assert 300 <= sales["customer"].nunique() <= 5_000
    assert sales["date"].min() == pd.Timestamp("2024-01-01") and sales["date"].max() <= pd.Timestamp("2025-12-31")
    assert "XX产品" in set(sales["product"]) and sales["product"].nunique() >= 4
    assert (sales["amount"] < 0).any()  # returns
    totals = sales.groupby("customer")["amount"].sum().sort_values(ascending=False)
    top20 = totals.head(len(totals) // 5).sum() / totals.sum()
    assert top20 > 0.5  # a few large customers carry most revenue
    months = sales.groupby(sales["date"].dt.month)["amount"].sum()
    assert months[12] > months[2]  # Q4 busy, Spring Festival quiet
    xx = sales[sales["product"] == "XX产品"].groupby("customer")["amount"].sum()
    assert {10_000.0, 50_000.0} <= set(xx.round(2))  # the planted edge customers


def test_other_samples_have_canonical_columns():
    assert {"lead_id", "company", "phone", "email", "source", "created"} <= set(load_sample("leads").columns)
    opps = load_sample("opportunities")
    assert {"opportunity_id", "stage", "amount", "probability", "created", "expected_close",
            "closed", "outcome", "owner"} <= set(opps.columns)
    assert opps["probability"].between(0, 1).all()
    survey = load_sample("survey")
    assert survey["score"].dropna().between(0, 10).all() and survey["score"].isna().any()
    leads = load_sample("leads")
    assert leads["company"].str.contains("有限责任公司|（").any()  # name variants to dedupe


def test_unknown_sample():
    with pytest.raises(InputError, match="no sample named 'x'.*sales"):
        load_sample("x")
