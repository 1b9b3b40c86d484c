"""Pareto/NBD, MBG/NBD, BG/BB and sBG: published fits, simulation recovery,
the shared result type, comparison, intervals and diagnostics."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cvwork import load_sample
from cvwork import predict as pr
from cvwork.predict.bgnbd import two_branch_ll
from cvwork.predict.core import numeric_grad

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def cdnow():
    return pr.rfm_summary(load_sample("cdnow_sample"), "1997-09-30", "1998-06-30")


@pytest.fixture(scope="module")
def models(cdnow):
    return pr.fit_models(cdnow)


def test_pareto_nbd_reproduces_fader_hardie_lee_cdnow(models):
    m = models["Pareto/NBD"]
    assert (round(m.r, 2), round(m.alpha, 2), round(m.s, 2), round(m.beta, 2)) == (0.55, 10.58, 0.61, 11.67)
    assert round(m.fit.log_likelihood, 1) == -9595.0 and m.fit.converged


def test_bgbb_reproduces_fader_hardie_shang_donations():
    d = pd.read_csv(DATA / "donations_1995_cohort.csv")
    assert d["donors"].sum() == 11104                          # the 1995 cohort
    m = pr.fit_bgbb(d["frequency"], d["recency"], d["n"], weights=d["donors"])
    assert (round(m.alpha, 3), round(m.beta, 3), round(m.gamma, 3), round(m.delta, 3)) == (1.204, 0.750, 0.657, 2.783)
    assert round(m.fit.log_likelihood, 1) == -33225.6 and m.fit.n == 11104


def test_bgbb_expectation_against_simulation():
    m = pr.BGBB(1.204, 0.750, 0.657, 2.783)
    rng = np.random.default_rng(7)
    n = 400_000
    p, theta = rng.beta(m.alpha, m.beta, n), rng.beta(m.gamma, m.delta, n)
    alive, hist = np.ones(n, bool), np.zeros((n, 11), bool)
    for k in range(11):                                        # 6 calibration + 5 future opportunities
        alive &= rng.random(n) >= theta
        hist[:, k] = alive & (rng.random(n) < p)
    x, tx = hist[:, :6].sum(1), np.where(hist[:, :6].any(1), 6 - np.argmax(hist[:, :6][:, ::-1], 1), 0)
    cell = (x == 4) & (tx == 6)
    expected = pr.bgbb_expected(m, 5, [4], [6], [6])[0]
    assert hist[cell, 6:].sum(1).mean() == pytest.approx(expected, rel=0.03)


def test_sbg_reproduces_fader_hardie_2007():
    high_end = pr.fit_sbg([1000, 869, 743, 653, 593, 551, 517, 491])
    regular = pr.fit_sbg([1000, 631, 468, 382, 326, 289, 262, 241])
    assert (round(high_end.alpha, 3), round(high_end.beta, 3)) == (0.668, 3.806)
    assert (round(regular.alpha, 3), round(regular.beta, 3)) == (0.704, 1.182)
    assert pr.sbg_survival(regular, 7)[1] == pytest.approx(1 - 0.704 / (0.704 + 1.182), abs=1e-3)


def simulate_mbgnbd(r, alpha, a, b, n, seed):
    """Customers who may leave right after any purchase, the first included."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    big_t = rng.uniform(20, 60, n)
    x, tx, clock = np.zeros(n), np.zeros(n), np.zeros(n)
    alive = rng.random(n) >= p                                  # the flip after the first purchase
    while alive.any():
        clock[alive] += rng.exponential(1 / lam[alive])
        bought = alive & (clock <= big_t)
        x[bought] += 1
        tx[bought] = clock[bought]
        alive = bought & (rng.random(n) >= p)
    return x, tx, big_t


def test_mbgnbd_recovers_simulated_parameters_within_their_standard_errors():
    truth = {"r": 0.8, "alpha": 6.0, "a": 0.9, "b": 3.0}
    m = pr.fit_mbgnbd(*simulate_mbgnbd(**truth, n=6000, seed=11))
    for name, value in truth.items():
        assert abs(m.fit.params[name] - value) < 2 * m.fit.se[name], name
    assert m.fit.converged and all(0 < se < np.inf for se in m.fit.se.values())


@pytest.mark.parametrize("shift", [0, 1])
def test_analytic_gradient_matches_numeric(cdnow, shift):
    x, tx, t = (cdnow[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    z, w = np.log([0.3, 5.0, 0.7, 2.0]), np.ones(len(x))
    analytic = two_branch_ll(z, x, tx, t, w, shift)[1]
    numeric = numeric_grad(lambda v: two_branch_ll(v, x, tx, t, w, shift, False)[0], z)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5)


def test_standard_errors_and_intervals(models):
    bg = models["BG/NBD"]
    table = bg.fit.intervals()
    assert list(table["parameter"]) == ["r", "alpha", "a", "b"]
    assert (table["lower"] < table["estimate"]).all() and (table["estimate"] < table["upper"]).all()
    # the Wald interval is estimate +- 1.96 se
    np.testing.assert_allclose(table["upper"] - table["estimate"], 1.959964 * table["se"], rtol=1e-6)
    assert 0.005 < bg.fit.se["r"] < 0.05                       # r is pinned down by 2,357 customers


def test_standard_errors_match_an_independent_implementation(models):
    """lifetimes 0.11.3 (installed outside the project, only to compare) reports these
    standard errors for the same CDNOW fits."""
    lifetimes_se = {"BG/NBD": [0.0125574, 0.378224, 0.185734, 0.705414],
                    "MBG/NBD": [0.0832681, 0.695620, 0.154790, 0.537495]}
    for name, expected in lifetimes_se.items():
        np.testing.assert_allclose(list(models[name].fit.se.values()), expected, rtol=2e-4)


def test_mbgnbd_lets_one_time_buyers_leave(models):
    bg, mbg = models["BG/NBD"], models["MBG/NBD"]
    assert bg.prob_alive([0], [0], [38])[0] == 1.0
    assert 0 < mbg.prob_alive([0], [0], [38])[0] < 1


def test_count_probabilities_sum_to_one_and_match_simulation(cdnow, models):
    for m in models.values():
        probs = pr.count_probabilities(m, cdnow["T"].to_numpy())
        np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-9)
        assert (probs >= -1e-12).all()
    bg = models["BG/NBD"]
    rng = np.random.default_rng(5)
    n, horizon = 200_000, 30.0
    lam, p = rng.gamma(bg.r, 1 / bg.alpha, n), rng.beta(bg.a, bg.b, n)
    counts, clock, alive = np.zeros(n), np.zeros(n), np.ones(n, bool)
    while alive.any():
        clock[alive] += rng.exponential(1 / lam[alive])
        bought = alive & (clock <= horizon)
        counts[bought] += 1
        alive = bought & (rng.random(n) >= p)
    closed = pr.count_probabilities(bg, [horizon])[0]
    assert (counts == 0).mean() == pytest.approx(closed[0], abs=0.005)
    assert (counts == 2).mean() == pytest.approx(closed[2], abs=0.005)


def test_repeat_count_table_totals(cdnow, models):
    t = pr.repeat_count_table(cdnow, models["BG/NBD"])
    assert t["actual"].tolist() == [1411, 439, 214, 100, 62, 38, 29, 64]
    assert t["predicted"].sum() == pytest.approx(len(cdnow))


def test_tracking_reconciles_with_the_summary(cdnow, models):
    track = pr.tracking(load_sample("cdnow_sample"), cdnow, models["BG/NBD"], "1998-06-30")
    assert len(track) == 78                                      # 546 days = 78 whole weeks
    assert track["actual"].sum() == cdnow["frequency"].sum() + cdnow["frequency_holdout"].sum()
    cal = track[track["period_start"] < "1997-10-01"]
    assert cal["actual"].sum() == cdnow["frequency"].sum()       # 39 weeks = the calibration period
    expected_new = models["BG/NBD"].expected_purchases(78.0, [0], [0], [0])[0]
    assert track["cumulative_predicted"].iloc[-1] < len(cdnow) * expected_new   # later cohorts had less time


def test_compare_models_on_cdnow(cdnow, models):
    table = pr.compare_models(cdnow, models).set_index("model")
    assert table.loc["BG/NBD", "log_likelihood"] == pytest.approx(-9582.43, abs=0.01)
    assert table.loc["BG/NBD", "bic"] == pytest.approx(2 * 9582.43 + 4 * np.log(2357), abs=0.05)
    assert (table["holdout_actual"] == cdnow["frequency_holdout"].sum()).all()
    bg_pred = models["BG/NBD"].expected_purchases(39, cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert table.loc["BG/NBD", "mae"] == pytest.approx(np.abs(bg_pred - cdnow["frequency_holdout"]).mean())


def test_purchase_and_total_intervals(cdnow, models):
    bg = models["BG/NBD"]
    per = pr.purchase_intervals(bg, 39, [2, 0], [30.43, 0], [38.86, 38.86], draws=300)
    assert (per["lower"] < per["expected"]).all() and (per["expected"] < per["upper"]).all()
    assert per["expected"].iloc[0] == pytest.approx(1.226, abs=2e-3)
    gg = pr.fit_gamma_gamma(cdnow["frequency"], cdnow["monetary"])

    def clv(m, g):
        return pr.predicted_clv(m, g, cdnow["frequency"], cdnow["recency"], cdnow["T"], cdnow["monetary"])

    totals = pr.total_intervals(bg, gg, cdnow, 39, clv=clv, draws=100).set_index("quantity")
    assert totals.loc["purchases", "estimate"] == pytest.approx(bg_total := float(
        bg.expected_purchases(39, cdnow["frequency"], cdnow["recency"], cdnow["T"]).sum()))
    assert totals.loc["purchases", "lower"] < bg_total < totals.loc["purchases", "upper"]
    assert totals.loc["clv", "lower"] < totals.loc["clv", "estimate"] < totals.loc["clv", "upper"]


def test_predicted_clv_is_lesson_03_formula():
    """Flat purchases (a fake model) make the CLV a plain discounted sum of monthly margins."""
    from cvwork.clv import discounted_clv

    class Flat:
        def expected_purchases(self, t, frequency, recency, T):
            return np.full(len(np.atleast_1d(frequency)), t / (30.4375 / 7))   # one purchase a month

    gg = pr.GammaGamma(1e6, 1e6 + 1, 100.0)                     # expected spend ~ 100 for everyone
    value = pr.predicted_clv(Flat(), gg, [1], [1.0], [2.0], [100.0], months=24, margin=0.3, discount_rate=0.1)[0]
    spend = pr.expected_spend(gg, [1], [100.0])[0]
    revenue = [0.0] + [spend] * 24                               # lesson 03 counts periods from t = 0
    cost = [0.0] + [0.7 * spend] * 24                            # R - C = margin x revenue
    assert value == pytest.approx(discounted_clv(revenue, cost, 1.1 ** (1 / 12) - 1))
    assert value == pytest.approx(sum(0.3 * spend / 1.1 ** (k / 12) for k in range(1, 25)))


def test_saved_model_round_trips_through_json(models):
    import json

    bg = models["BG/NBD"]
    back = pr.model_from_dict(json.loads(json.dumps(pr.model_to_dict(bg))))
    assert back == bg and back.fit.se == bg.fit.se
    np.testing.assert_allclose(back.expected_purchases(39, [2], [30.43], [38.86]), bg.expected_purchases(39, [2], [30.43], [38.86]))
    assert pr.purchase_intervals(back, 39, [2], [30.43], [38.86], draws=50).equals(
        pr.purchase_intervals(bg, 39, [2], [30.43], [38.86], draws=50))


def test_tracking_errors_explain_the_b2b_over_prediction():
    """The course's sales file, calibration = 2024: calibration fits, the holdout is over-predicted."""
    log = load_sample("sales")
    s = pr.rfm_summary(log, "2024-12-31", "2025-12-31")
    bg = pr.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    total = bg.expected_purchases(52.14, s["frequency"], s["recency"], s["T"]).sum()
    assert s["frequency_holdout"].sum() == 6282 and 0.25 < total / 6282 - 1 < 0.35
    e = pr.tracking_errors(pr.tracking(log, s, bg, "2025-12-31"), "2024-12-31")
    assert abs(e["calibration_error"]) < 0.05 and e["holdout_error"] > 0.2
    assert e["last_window_excess"] > 0.1 and e["after"] < e["before"]       # a year-end peak, then less
    groups = pr.holdout_comparison(s, bg)
    assert (groups["predicted"] > groups["actual"]).all()


def test_diagnostic_charts_render_chinese_without_glyph_warnings(cdnow, models):
    import warnings

    import matplotlib.pyplot as plt

    from cvwork.charts import predictive as pc

    bg = models["BG/NBD"]
    track = pr.tracking(load_sample("cdnow_sample"), cdnow, bg, "1998-06-30")
    figs = [pc.repeat_count_bars(pr.repeat_count_table(cdnow, bg)), pc.tracking_chart(track, "1997-09-30"),
            pc.holdout_bars(pr.holdout_comparison(cdnow, bg), model="BG/NBD")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fig in figs:
            fig.canvas.draw()
    top = figs[1].axes[0]
    assert [line.get_xdata()[0] for line in top.lines if len(line.get_xdata()) == 2] == [pd.Timestamp("1997-09-30")]
    plt.close("all")
