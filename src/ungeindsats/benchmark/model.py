"""Expected vs actual: weighted least squares across municipalities, predicted leave-one-out.

The outcome y (a share in per cent) of municipality i is regressed on its framework variables
x_i (rammevilkår) with an intercept, weighted by population w_i: the model says the variance of
a municipality's share is σ²/w_i, so large municipalities pull harder and small ones may stray
further. A municipality's *expected* value is predicted by the model fitted on the others
(leave-one-out), so its own result cannot flatter or excuse itself.

Leave-one-out needs no refitting. With the weighted hat value h_i = w_i x_i (X'WX)⁻¹ x_i' and the
full fit's residual e_i, the fit without i predicts y_i − e_i/(1 − h_i); the residual variance
without i is s²_(i) = (Σ w_j e_j² − w_i e_i²/(1 − h_i)) / (n − p − 1), and the prediction error
for i has variance s²_(i) / (w_i (1 − h_i)). The 90 % prediction interval is the prediction ±
t(0.95; n − p − 1) times its square root. These are the textbook deletion identities (e.g.
Belsley, Kuh & Welsch 1980, ch. 2); a test checks them against refitting n times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import stdtr, stdtrit

from ungeindsats.classifications import municipality
from ungeindsats.ingest.errors import UserError

F64 = npt.NDArray[np.float64]

LEVEL = 0.90
"""Coverage of the prediction intervals and the coefficients' confidence intervals."""


class BenchmarkError(UserError):
    """Data the benchmark model cannot be fitted on; the message is Danish."""


def place(code: int) -> str:
    """'791 Viborg' for messages."""
    try:
        return f"{code} {municipality(code).name}"
    except KeyError:
        return f"kommune {code}"


@dataclass(frozen=True)
class Coefficient:
    """One term of the model: estimate, standard error and confidence interval (LEVEL)."""

    name: str
    estimate: float
    std_error: float
    lower: float
    upper: float
    p_value: float


@dataclass(frozen=True)
class ModelFit:
    """The fitted model and, per municipality (in ``codes`` order), the leave-one-out results."""

    codes: tuple[int, ...]
    coefficients: tuple[Coefficient, ...]
    r_squared: float
    n: int
    level: float
    actual: F64
    expected: F64  # leave-one-out prediction
    lower: F64
    upper: F64
    fitted: F64  # in-sample prediction of the full fit

    @property
    def difference(self) -> F64:
        """Actual − expected in percentage points (negative: below expected)."""
        return self.actual - self.expected

    @property
    def rank(self) -> npt.NDArray[np.int64]:
        """1 = furthest below expected; ties share the lower rank."""
        values = self.difference
        ordered = np.sort(values)
        # scipy.stats.rankdata(method="min"): one plus the number strictly smaller
        return np.asarray(np.searchsorted(ordered, values, side="left") + 1, np.int64)


def _check(y: F64, x: F64, weights: F64, names: Sequence[str], codes: Sequence[int]) -> None:
    n, k = x.shape
    if len(y) != n or len(weights) != n or len(codes) != n or len(names) != k:
        raise ValueError("outcome, variables, weights and codes must have matching sizes")
    bad = [place(c) for c, w in zip(codes, weights, strict=True) if not w > 0]
    if bad:
        raise BenchmarkError(
            f"befolkningen er 0 eller ukendt for {', '.join(bad)}; kommunen kan ikke vægtes "
            "(indlæs FOLK1A for perioden, eller udelad kommunen)"
        )
    if n < k + 3:
        raise BenchmarkError(
            f"for få kommuner: {n} kommuner kan ikke bære {k} rammevilkår; modellen med "
            f"konstantled og udeladelse af én kommune ad gangen kræver mindst {k + 3} kommuner"
        )
    for j, name in enumerate(names):
        column = x[:, j]
        if not np.all(np.isfinite(column)):
            where = [place(c) for c, v in zip(codes, column, strict=True) if not np.isfinite(v)]
            raise BenchmarkError(f"rammevilkåret {name} mangler en værdi for {', '.join(where)}")
        if np.ptp(column) == 0:
            raise BenchmarkError(
                f"rammevilkåret {name} har samme værdi ({column[0]:g}) i alle kommuner og kan "
                "ikke forklare forskelle mellem dem; udelad det"
            )
    if not np.all(np.isfinite(y)):
        where = [place(c) for c, v in zip(codes, y, strict=True) if not np.isfinite(v)]
        raise BenchmarkError(f"resultatet mangler for {', '.join(where)}")
    if np.ptp(y) == 0:
        raise BenchmarkError(
            f"resultatmålet er det samme ({y[0]:g}) i alle kommuner; der er ingen forskelle at "
            "forklare (vælg en anden periode eller et andet resultatmål)"
        )


@dataclass(frozen=True)
class _WlsFit:
    params: F64
    bse: F64
    pvalues: F64
    lower: F64  # confidence interval at the level asked
    upper: F64
    rsquared: float


def _wls(y: F64, design: F64, w: F64, level: float) -> _WlsFit:
    """Weighted least squares with classical (non-robust) standard errors and t inference,
    ``design`` holding a constant: the textbook fit on the rows scaled by the root of their
    weight, through the pseudo-inverse (as statsmodels' ``WLS(...).fit()`` does; a test holds
    the two to 1e-9). Importing statsmodels (and pandas with it) took longer than the whole
    fit, on every report and benchmark."""
    root = np.sqrt(w)
    scaled_x, scaled_y = design * root[:, None], y * root
    pinv = np.linalg.pinv(scaled_x, rcond=1e-15)
    params = pinv @ scaled_y
    residual = scaled_y - scaled_x @ params
    ssr = float(residual @ residual)
    df_resid = float(scaled_x.shape[0] - np.linalg.matrix_rank(scaled_x))
    bse = np.sqrt(np.diag(pinv @ pinv.T) * ssr / df_resid)
    q = stdtrit(df_resid, 0.5 + level / 2)
    mean = np.average(y, weights=w)
    return _WlsFit(
        params=params,
        bse=bse,
        pvalues=2 * stdtr(df_resid, -np.abs(params / bse)),
        lower=params - q * bse,
        upper=params + q * bse,
        rsquared=1 - ssr / float(np.sum(w * (y - mean) ** 2)),
    )


def fit_expected(
    y: F64,
    x: F64,
    weights: F64,
    names: Sequence[str],
    codes: Sequence[int],
    level: float = LEVEL,
) -> ModelFit:
    """Fit y on x (n × k, without intercept) weighted by ``weights``; predict each row
    leave-one-out with a ``level`` prediction interval."""
    y = np.asarray(y, np.float64)
    x = np.asarray(x, np.float64).reshape(len(y), -1)
    weights = np.asarray(weights, np.float64)
    _check(y, x, weights, names, codes)
    n = len(y)
    design = np.column_stack([np.ones(n), x])
    p = design.shape[1]
    if np.linalg.matrix_rank(design) < p:
        raise BenchmarkError(
            "rammevilkårene er lineært afhængige (et af dem kan regnes ud af de andre: "
            f"{', '.join(names)}); udelad et af dem"
        )
    w = weights / weights.mean()  # scale-free: predictions and intervals do not change
    result = _wls(y, design, w, level)
    coefficients = tuple(
        Coefficient(
            name,
            float(result.params[j]),
            float(result.bse[j]),
            float(result.lower[j]),
            float(result.upper[j]),
            float(result.pvalues[j]),
        )
        for j, name in enumerate(("Konstantled", *names))
    )
    fitted = design @ result.params
    residual = y - fitted
    inverse = np.linalg.inv(design.T @ (design * w[:, None]))
    hat = w * np.einsum("ij,jk,ik->i", design, inverse, design)
    if np.any(hat > 1 - 1e-9):
        alone = [place(c) for c, h in zip(codes, hat, strict=True) if h > 1 - 1e-9]
        raise BenchmarkError(
            f"{', '.join(alone)} bestemmer alene et rammevilkårs virkning, så den forventede "
            "værdi kan ikke beregnes uden kommunen; udelad rammevilkåret"
        )
    expected = y - residual / (1 - hat)
    sse = float(np.sum(w * residual**2))
    s2_loo = (sse - w * residual**2 / (1 - hat)) / (n - p - 1)
    half = stdtrit(n - p - 1, 0.5 + level / 2) * np.sqrt(np.maximum(s2_loo, 0.0) / (w * (1 - hat)))
    return ModelFit(
        codes=tuple(int(c) for c in codes),
        coefficients=coefficients,
        r_squared=result.rsquared,
        n=n,
        level=level,
        actual=y,
        expected=expected,
        lower=expected - half,
        upper=expected + half,
        fitted=fitted,
    )
