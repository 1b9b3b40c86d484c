"""cvwork.frames: every engine is recognised and a small result comes home to pandas unchanged."""
import pandas as pd, pytest
from engines import ENGINES, as_engine
from cvwork.frames import engine_of, to_pandas
@pytest.mark.parametrize("engine", ENGINES)
def test_roundtrip(engine, spark):
    df = pd.DataFrame({"customer": ["a", "b"], "date": pd.to_datetime(["2024-01-01 00:00", "2024-02-01 10:00"]), "amount": [1.5, 2.0]})
    f = as_engine(df, engine, spark)
    assert engine_of(f) == engine
    pd.testing.assert_frame_equal(to_pandas(f), df, check_dtype=False)
