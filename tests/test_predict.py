"""BG/NBD and Gamma-Gamma against published CDNOW figures and independent checks."""
import numpy as np
import pandas as pd
import pytest

from cvwork import InputError, load_sample
from cvwork import predict as pr


@pytest.fixture(scope="module")
def cdnow():
    return pr.rfm_summary(load_sample("cdnow_sample"), "1997-09-30", "1998-06-30")


def test_summary_shape(cdnow):
    assert len(cdnow) == 2357 and int((cdnow["frequency"] > 0).sum()) == 946
    assert cdnow["T"].max() == pytest.approx(272 / 7)         # first purchase on 1997-01-01
    assert (cdnow["duration_holdout"] == 39).all()


def test_reproduces_fader_hardie_lee_2005(cdnow):
    bg = pr.fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert (round(bg.r, 3), round(bg.alpha, 3), round(bg.a, 3), round(bg.b, 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(bg.fit.log_likelihood, 1) == -9582.4 and bg.fit.converged and bg.fit.n == 2357
    gg = pr.fit_gamma_gamma(cdnow["frequency"], cdnow["monetary"])
    assert (round(gg.p, 2), round(gg.q, 2), round(gg.v, 2)) == (6.25, 3.74, 15.44)


def test_published_conditional_expectation():
    """FHL (2005): x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks."""
    bg = pr.BGNBD(0.243, 4.414, 0.793, 2.426)
    assert pr.expected_purchases(bg, 39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=5e-4)


def test_unconditional_expectation_by_simulation():
    """A new customer (x = t_x = T = 0): the closed form against a simulated BG/NBD population."""
    bg = pr.BGNBD(0.243, 4.414, 0.793, 2.426)
    rng = np.random.default_rng(1)
    n, horizon = 200_000, 39.0
    lam = rng.gamma(bg.r, 1 / bg.alpha, n)
    p = rng.beta(bg.a, bg.b, n)
    counts = np.zeros(n)
    clock = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        clock[alive] += rng.exponential(1 / lam[alive])
        bought = alive & (clock <= horizon)
        counts[bought] += 1
        alive = bought & (rng.random(n) >= p)
    closed_form = pr.expected_purchases(bg, horizon, [0], [0], [0])[0]
    assert counts.mean() == pytest.approx(closed_form, rel=0.02)


def test_prob_alive_and_spend_identities():
    bg = pr.BGNBD(0.243, 4.414, 0.793, 2.426)
    assert pr.prob_alive(bg, [0], [0], [30])[0] == 1.0
    recent, stale = pr.prob_alive(bg, [5, 5], [30, 5], [30, 30])
    assert recent > stale                                       # long silence after many buys: likely gone
    gg = pr.GammaGamma(6.25, 3.74, 15.44)
    x, m = 4, 30.0
    population = gg.p * gg.v / (gg.q - 1)
    weight = gg.p * x / (gg.p * x + gg.q - 1)
    assert pr.expected_spend(gg, [x], [m])[0] == pytest.approx(weight * m + (1 - weight) * population)


def test_expected_clv_is_discounted_sum():
    bg, gg = pr.BGNBD(0.243, 4.414, 0.793, 2.426), pr.GammaGamma(6.25, 3.74, 15.44)
    undiscounted = pr.expected_clv(bg, gg, [2], [30.43], [38.86], [29.0], months=12, monthly_discount=0.0)[0]
    purchases = pr.expected_purchases(bg, 12 * 30.4375 / 7, [2], [30.43], [38.86])[0]
    assert undiscounted == pytest.approx(purchases * pr.expected_spend(gg, [2], [29.0])[0])
    assert pr.expected_clv(bg, gg, [2], [30.43], [38.86], [29.0], monthly_discount=0.05)[0] < undiscounted


def test_rfm_summary_hand_built():
    log = pd.DataFrame({"customer": ["a", "a", "a", "a", "b", "c"],
                        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15", "2024-03-01",
                                                "2024-02-01", "2024-05-01"]),
                        "amount": [10.0, 5.0, 20.0, 40.0, 7.0, 1.0]})
    s = pr.rfm_summary(log, "2024-02-26", "2024-04-22").set_index("customer")
    assert list(s.index) == ["a", "b"]                         # c first bought after calibration
    assert s.loc["a", "frequency"] == 1                        # two lines on Jan 1 are one purchase
    assert s.loc["a", "recency"] == 2.0 and s.loc["a", "T"] == 8.0
    assert s.loc["a", "monetary"] == 20.0 and s.loc["b", "monetary"] == 0.0
    assert s.loc["a", "frequency_holdout"] == 1 and s.loc["a", "duration_holdout"] == 8.0


def test_purchase_days_times_of_day_and_the_calibration_boundary():
    """Hand-computed: calibration ends 2024-01-31 (a whole day), holdout 2024-02-28."""
    log = pd.DataFrame({"customer": ["a"] * 6 + ["b"] * 2,
                        "date": pd.to_datetime(["2024-01-03 09:15", "2024-01-03 18:40",   # same day: one purchase
                                                "2024-01-31 23:59",                       # end day: calibration
                                                "2024-02-01 00:01",                       # next day: holdout
                                                "2024-02-10 10:00", "2024-02-12 10:00",
                                                "2024-01-10 08:00", "2024-01-20 08:00"]),
                        "amount": [30.0, 20.0, 40.0, 25.0, -25.0, 60.0, 10.0, -10.0]})
    s = pr.rfm_summary(log, "2024-01-31", "2024-02-28", unit_days=1).set_index("customer")
    assert s.loc["a", "frequency"] == 1 and s.loc["a", "recency"] == 28 and s.loc["a", "T"] == 28
    assert s.loc["a", "monetary"] == 40.0                      # the 23:59 purchase
    assert s.loc["a", "frequency_holdout"] == 2                # 00:01 and 02-12; the return on 02-10 is no purchase
    assert s.loc["b", "frequency"] == 0 and s.loc["b", "T"] == 21   # a return is not activity
    assert s.loc["a", "first_purchase"] == pd.Timestamp("2024-01-03")


def test_zero_amount_day_counts_but_a_cancelled_day_does_not():
    log = pd.DataFrame({"customer": ["a", "a", "a", "a"],
                        "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-09", "2024-01-09"]),
                        "amount": [10.0, 0.0, 50.0, -50.0]})
    days = pr.purchase_days(log)
    assert days["date"].dt.day.tolist() == [1, 5]             # free goods count, buy-and-cancel does not


@pytest.mark.parametrize("args, message", [
    (([], [], []), "no customers"),
    (([0, 0, 0], [0, 0, 0], [5, 6, 7]), "all frequencies are zero"),
])
def test_degenerate_input_is_refused(args, message):
    for fit in (pr.fit_bgnbd, pr.fit_mbgnbd, pr.fit_pareto_nbd):
        with pytest.raises(InputError, match=message):
            fit(*args)


def test_constant_spend_is_refused():
    with pytest.raises(InputError, match="constant spend 25"):
        pr.fit_gamma_gamma([1, 2, 3, 0], [25.0, 25.0, 25.0, 0.0])


def test_spend_correlated_with_frequency_warns():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 10, 300)
    m = 10 * x + rng.gamma(5, 2, 300)                           # spend grows with frequency: rho ~ 0.9
    assert pr.spend_frequency_correlation(x, m) > pr.SPEND_CORRELATION_LIMIT
    with pytest.warns(pr.ModelWarning, match="correlate at 0.9"):
        pr.fit_gamma_gamma(x, m)


def test_parameters_running_away_warn_and_are_flagged():
    """Everyone buys at an identical steady pace and nobody leaves: the dropout
    parameters run off to a bound, which must be said, not returned silently."""
    x = np.full(200, 10.0)
    t = np.full(200, 40.0)
    with pytest.warns(pr.ModelWarning, match="ran to a bound"):
        m = pr.fit_bgnbd(x, t, t)
    assert m.fit.at_bound and not m.fit.converged


@pytest.mark.parametrize("args, message", [
    (([-1], [0], [5]), "frequency must be >= 0"),
    (([2], [6], [5]), r"recency must be within \[0, T\]"),
    (([0], [1], [5]), "recency must be 0 when frequency is 0"),
])
def test_bad_summary_values(args, message):
    with pytest.raises(InputError, match=message):
        pr.fit_bgnbd(*args)


def test_bad_monetary():
    with pytest.raises(InputError, match="monetary must be > 0"):
        pr.fit_gamma_gamma([1, 2], [10.0, 0.0])
    with pytest.raises(InputError, match="no repeat buyers"):
        pr.fit_gamma_gamma([0, 0], [0.0, 0.0])


def test_win_model_backtest_runs_on_sample():
    result = pr.win_model_backtest(load_sample("opportunities"), "2025-04-01")
    assert 0.5 < result["auc_model"] < 1 and 0.5 < result["auc_rule"] < 1
    assert result["n_train"] + result["n_test"] == int(load_sample("opportunities")["outcome"].isin(["赢单", "输单"]).sum())
    assert result["calibration"]["n"].sum() == result["n_test"]
    with pytest.raises(InputError, match="need wins and losses"):
        pr.win_model_backtest(load_sample("opportunities"), "2030-01-01")
