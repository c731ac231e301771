"""The regression: hand-worked leave-one-out, the closed form against refitting, recovery of
known coefficients, and clear Danish errors on degenerate input."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from ungeindsats.benchmark.model import BenchmarkError, fit_expected

CODES = (101, 147, 151, 153, 155)


def test_five_municipalities_by_hand() -> None:
    """Points (x, y) = (1, 1), (2, 3), (3, 2), (4, 5), (5, 4), equal weights. Leaving one out
    and fitting a line through the other four:

    - without 1: x̄ = 3.5, ȳ = 3.5, Sxx = 2.25+0.25+0.25+2.25 = 5, Sxy = 4 × 0.75 = 3, slope 0.6,
      intercept 3.5 − 2.1 = 1.4; at x = 1: 2.0.
    - without 2: x̄ = 3.25, ȳ = 3, Sxx = 8.75, Sxy = 4.5+0.25+1.5+1.75 = 8, slope 32/35,
      intercept 3 − 32/35 × 3.25 = 1/35; at x = 2: 65/35 = 13/7.
    - without 3: x̄ = 3, ȳ = 3.25, so at x = 3: 3.25 (whatever the slope).
    - without 4: x̄ = 2.75, ȳ = 2.5, Sxx = 8.75, Sxy = 2.625−0.375−0.125+3.375 = 5.5, slope
      22/35; at x = 4: 2.5 + 22/35 × 1.25 = 23/7.
    - without 5: x̄ = 2.5, ȳ = 2.75, Sxx = 5, Sxy = 2.625−0.125−0.375+3.375 = 5.5, slope 1.1;
      at x = 5: 2.75 + 1.1 × 2.5 = 5.5.

    Differences actual − expected: −1, 8/7, −1.25, 12/7, −1.5, so the ranks (1 = furthest below
    expected) are 3, 4, 2, 5, 1.

    Interval for municipality 1: the four-point line leaves residuals 0.4, −1.2, 1.2, −0.4,
    SSR = 3.2 on 2 degrees of freedom, s² = 1.6; the prediction variance at x = 1 is
    s² (1 + 1/4 + (1 − 3.5)²/5) = 1.6 × 2.5 = 4, standard error 2; t(0.95; 2) = 2.919986, so
    2 ± 5.839972.
    """
    x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    fit = fit_expected(y, x, np.full(5, 100.0), ["x"], CODES)
    assert fit.expected == pytest.approx([2.0, 13 / 7, 3.25, 23 / 7, 5.5])
    assert fit.difference == pytest.approx([-1.0, 8 / 7, -1.25, 12 / 7, -1.5])
    assert fit.rank.tolist() == [3, 4, 2, 5, 1]
    assert fit.lower[0] == pytest.approx(2.0 - 5.839972, abs=1e-5)
    assert fit.upper[0] == pytest.approx(2.0 + 5.839972, abs=1e-5)
    assert fit.n == 5
    # The full fit: x̄ = 3, ȳ = 3, Sxx = 10, Sxy = 2+0+0+2+2 = 8: slope 0.8, intercept 0.6.
    assert [c.estimate for c in fit.coefficients] == pytest.approx([0.6, 0.8])


def test_a_weight_counts_like_a_repeated_municipality() -> None:
    """Weight 2 on (1, 1) and 1 elsewhere is the same as the point (1, 1) twice. Without
    municipality 3: points (1,1), (1,1), (2,3), (4,5), (5,4); x̄ = 2.6, ȳ = 2.8,
    Sxx = 2 × 2.56 + 0.36 + 1.96 + 5.76 = 13.2, Sxy = 2 × 2.88 − 0.12 + 3.08 + 2.88 = 11.6,
    slope 29/33; at x = 3: 2.8 + 29/33 × 0.4 = 104/33."""
    x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    fit = fit_expected(y, x, np.array([200.0, 100, 100, 100, 100]), ["x"], CODES)
    assert fit.expected[2] == pytest.approx(104 / 33)


def _simulated(seed: int, n: int = 98) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """y = 2 + 0.5 x1 − 1.2 x2 + e, with Var(e) = 4 / (w / mean w), w = population."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2)) * [2.0, 1.0] + [5.0, 1.0]
    w = rng.lognormal(10, 1, n)
    e = rng.normal(size=n) * 2.0 / np.sqrt(w / w.mean())
    return 2.0 + x @ [0.5, -1.2] + e, x, w


def test_known_coefficients_are_recovered_within_their_intervals() -> None:
    """On 98 simulated municipalities the 90 % intervals hold the true coefficients (2, 0.5,
    −1.2); over 300 simulations each interval holds its coefficient about 90 % of the time."""
    truth = np.array([2.0, 0.5, -1.2])
    codes = tuple(range(1, 99))
    y, x, w = _simulated(1)
    fit = fit_expected(y, x, w, ["x1", "x2"], codes)
    for c, true in zip(fit.coefficients, truth, strict=True):
        assert c.lower < true < c.upper, c
        assert abs(c.estimate - true) < 3 * c.std_error
    hits = np.zeros(3)
    for seed in range(300):
        y, x, w = _simulated(1000 + seed)
        fit = fit_expected(y, x, w, ["x1", "x2"], codes)
        hits += [c.lower < t < c.upper for c, t in zip(fit.coefficients, truth, strict=True)]
    assert np.all((hits / 300 > 0.85) & (hits / 300 < 0.95)), hits / 300


def test_closed_form_equals_refitting_without_each_municipality() -> None:
    """The hat-matrix shortcut against statsmodels refitted 30 times, prediction intervals
    (obs=True, with the left-out municipality's weight) included."""
    y, x, w = _simulated(7, n=30)
    fit = fit_expected(y, x, w, ["x1", "x2"], tuple(range(1, 31)))
    wn = w / w.mean()
    design = sm.add_constant(x)
    for i in range(30):
        keep = np.arange(30) != i
        model = sm.WLS(y[keep], design[keep], weights=wn[keep]).fit()
        frame = model.get_prediction(design[i : i + 1], weights=wn[i : i + 1]).summary_frame(
            alpha=0.10
        )
        assert fit.expected[i] == pytest.approx(frame["mean"].iloc[0])
        assert fit.lower[i] == pytest.approx(frame["obs_ci_lower"].iloc[0])
        assert fit.upper[i] == pytest.approx(frame["obs_ci_upper"].iloc[0])


def test_own_outcome_does_not_move_own_expected_value() -> None:
    """Changing only municipality i's outcome leaves i's expected value as it was (everyone
    else's may move)."""
    y, x, w = _simulated(3, n=40)
    codes = tuple(range(1, 41))
    before = fit_expected(y, x, w, ["x1", "x2"], codes)
    for i in (0, 17, 39):
        changed = y.copy()
        changed[i] += 25.0
        after = fit_expected(changed, x, w, ["x1", "x2"], codes)
        assert after.expected[i] == pytest.approx(before.expected[i])
        assert after.actual[i] == pytest.approx(before.actual[i] + 25.0)
        assert not np.allclose(np.delete(after.expected, i), np.delete(before.expected, i))


def test_degenerate_inputs_give_clear_danish_errors() -> None:
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 3.0], [5.0, 4.0]])
    y = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    w = np.full(5, 100.0)
    with pytest.raises(BenchmarkError, match="for få kommuner: 5 kommuner kan ikke bære 3"):
        fit_expected(y, np.column_stack([x, x[:, 0] ** 2]), w, ["a", "b", "c"], CODES)
    constant = np.column_stack([x[:, :1], np.full(5, 7.0)])
    with pytest.raises(BenchmarkError, match="rammevilkåret b har samme værdi \\(7\\) i alle"):
        fit_expected(y, constant, w, ["a", "b"], CODES)
    zero = w.copy()
    zero[1] = 0.0
    with pytest.raises(BenchmarkError, match="befolkningen er 0 eller ukendt for 147 Frederiksb"):
        fit_expected(y, x, zero, ["a", "b"], CODES)
    missing = x.copy()
    missing[3, 1] = np.nan
    with pytest.raises(BenchmarkError, match="rammevilkåret b mangler en værdi for 153 Brøndby"):
        fit_expected(y, missing, w, ["a", "b"], CODES)
    with pytest.raises(BenchmarkError, match="resultatmålet er det samme \\(0\\) i alle"):
        fit_expected(np.zeros(5), x, w, ["a", "b"], CODES)
    twice = np.column_stack([x[:, 0], 2 * x[:, 0] + 1])
    with pytest.raises(BenchmarkError, match="lineært afhængige"):
        fit_expected(y, twice, w, ["a", "b"], CODES)


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_fit_equals_statsmodels(seed: int) -> None:
    """The fit is weighted least squares with t inference, done in NumPy so that a report does
    not import statsmodels: coefficients, standard errors, intervals, p-values and R² equal
    those of ``sm.WLS(y, X, weights=w).fit()`` to 1e-9 (relative)."""
    y, x, w = _simulated(seed, n=98)
    fit = fit_expected(y, x, w, ["x1", "x2"], tuple(range(1, 99)))
    wn = w / w.mean()
    design = np.column_stack([np.ones(98), x])
    result = sm.WLS(y, design, weights=wn).fit()
    bounds = np.asarray(result.conf_int(alpha=1 - 0.90))
    close = {"rtol": 1e-9, "atol": 0.0}
    np.testing.assert_allclose([c.estimate for c in fit.coefficients], result.params, **close)
    np.testing.assert_allclose([c.std_error for c in fit.coefficients], result.bse, **close)
    np.testing.assert_allclose([c.lower for c in fit.coefficients], bounds[:, 0], **close)
    np.testing.assert_allclose([c.upper for c in fit.coefficients], bounds[:, 1], **close)
    np.testing.assert_allclose([c.p_value for c in fit.coefficients], result.pvalues, **close)
    assert fit.r_squared == pytest.approx(result.rsquared, rel=1e-9)
    np.testing.assert_allclose(fit.fitted, design @ np.asarray(result.params), **close)


def test_rank_equals_scipy_rankdata_min_with_ties() -> None:
    """Ranks are scipy's ``rankdata(method="min")``. Differences −1, 2, −1, 0.5, 2, −3 by hand:
    −3 is 1st; the two −1 share 2nd; 0.5 is 4th; the two 2 share 5th."""
    from scipy.stats import rankdata

    from ungeindsats.benchmark.model import ModelFit

    difference = np.array([-1.0, 2.0, -1.0, 0.5, 2.0, -3.0])
    zeros = np.zeros(6)
    fit = ModelFit((1, 2, 3, 4, 5, 6), (), 0.0, 6, 0.9, difference, zeros, zeros, zeros, zeros)
    assert fit.rank.tolist() == [2, 5, 2, 4, 5, 1]
    assert fit.rank.tolist() == rankdata(difference, method="min").tolist()
