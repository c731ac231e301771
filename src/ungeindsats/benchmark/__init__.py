"""Fair benchmarking (docs/benchmark.md): expected vs actual, comparable municipalities, ranks
and potential, for any outcome that is a share of a population."""

from ungeindsats.benchmark.analysis import Benchmark, Potential, run_benchmark
from ungeindsats.benchmark.model import BenchmarkError, ModelFit, fit_expected
from ungeindsats.benchmark.outcomes import OUTCOMES, Outcome, get_outcome
from ungeindsats.benchmark.publish import (
    PublishedBenchmark,
    key_figure_tables,
    publish_benchmark,
)

__all__ = [
    "OUTCOMES",
    "Benchmark",
    "BenchmarkError",
    "ModelFit",
    "Outcome",
    "Potential",
    "PublishedBenchmark",
    "fit_expected",
    "get_outcome",
    "key_figure_tables",
    "publish_benchmark",
    "run_benchmark",
]
