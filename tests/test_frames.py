"""cvwork.frames: every engine is recognised and a small result comes home to pandas unchanged;
the shared helpers of the compute modules (day numbers, dates, line facts, finishing) agree on every engine."""
import narwhals as nw, pandas as pd, pytest
from engines import ENGINES, as_engine
from cvwork.errors import InputError
from cvwork.frames import date_expr, day_number, engine_of, finish, line_facts, nw_frame, to_pandas
@pytest.mark.parametrize("engine", ENGINES)
def test_roundtrip(engine, spark):
    df = pd.DataFrame({"customer": ["a", "b"], "date": pd.to_datetime(["2024-01-01 00:00", "2024-02-01 10:00"]), "amount": [1.5, 2.0]})
    f = as_engine(df, engine, spark)
    assert engine_of(f) == engine
    pd.testing.assert_frame_equal(to_pandas(f), df, check_dtype=False)
LINES = pd.DataFrame({"customer": ["a", None, "b", None], "amount": [1.0, 2.0, 0.0, 3.0],
                      "date": pd.to_datetime(["1970-01-02 23:59", "2000-02-29 12:00", "2024-03-01 00:00", None])})
@pytest.mark.parametrize("engine", ENGINES)
def test_day_number_with_and_without_cast(engine, spark):
    # 1970-01-02 is day 1; 2000-02-29 is 10957 + 59 (2000 is a leap year); 2024-03-01 is 19783
    lines = nw_frame(as_engine(LINES, engine, spark))
    got = to_pandas(lines.select(day_number(nw.col("date"), cast=False).alias("d")).to_native())["d"]
    assert got.iloc[:3].tolist() == [1, 11016, 19783] and pd.isna(got.iloc[3])   # missing stays missing
    known = lines.filter(~nw.col("date").is_null())
    assert to_pandas(known.select(day_number(nw.col("date")).alias("d")).to_native())["d"].tolist() == [1, 11016, 19783]
@pytest.mark.parametrize("engine", ENGINES)
def test_line_facts_counts_and_refuses(engine, spark):
    lines = as_engine(LINES, engine, spark)
    facts = line_facts(lines, "amount", nw.col("amount").sum().alias("total"))
    assert (facts["rows"], facts["no_customer"], facts["total"]) == (4, 0, 6.0)
    with pytest.raises(InputError, match=r"^'customer' 列有 2 行为空 \(2 rows have no customer\)"):  # 2, not 2.0 (DuckDB)
        line_facts(lines, "customer")
    empty = nw_frame(lines).filter(nw.col("amount") > 9)
    assert line_facts(empty, "amount", empty_ok=True)["rows"] == 0
    with pytest.raises(InputError, match="是空的"):
        line_facts(empty, "amount")
def test_date_expr_parses_text_and_widens_dates():
    import polars as pl
    f = nw.from_native(pl.DataFrame({"t": ["2025-03-01 18:00"], "d": [pd.Timestamp("2025-03-01").date()]}))
    assert f.select(date_expr(f, "t")).schema["t"] == nw.Datetime("us")
    assert f.select(date_expr(f, "d")).schema["d"] == nw.Datetime("us")
    assert f.select(date_expr(f, "d", widen=False)).schema["d"] == nw.Date
@pytest.mark.parametrize("engine", ["pandas", "polars", "polars-lazy"])
def test_finish_sorts_eager_results_and_resets_pandas(engine):
    df = pd.DataFrame({"k": ["b", "a", "c"], "v": [2, 2, 1], "t": pd.to_datetime(["2024-01-02"] * 3).astype("datetime64[us]")},
                      index=[7, 8, 9])
    out = finish(nw_frame(as_engine(df, engine)), ["v", "k"], descending=[True, False])
    assert engine_of(out) == engine
    got = to_pandas(out)
    if engine == "polars-lazy":            # lazy: left unsorted, the engine's order until collected
        got = got.sort_values(["v", "k"], ascending=[False, True])
    assert got["k"].tolist() == ["a", "b", "c"]
    if engine == "pandas":
        assert got.index.tolist() == [0, 1, 2] and str(got["t"].dtype) == "datetime64[ns]"
        assert str(finish(nw_frame(df), ns=False)["t"].dtype) == "datetime64[us]"
