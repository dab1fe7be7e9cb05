"""Measure what the foundation costs a student at the top of every notebook.

    .venv/bin/python benchmarks/foundation.py            # prints a Markdown table

Measured, not asserted: each number is the median of ``--repeat`` runs, each in a fresh
Python (imports are cached within a process, so only a new one shows the real cost).
Results for this repository's reference machine are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# label -> (untimed prelude, timed statement)
CASES: dict[str, tuple[str, str]] = {
    "import dlcourse": ("", "import dlcourse"),
    "import dlcourse + setup()": ("", "import dlcourse; dlcourse.setup(verbose=False)"),
    "import tensorflow (for comparison)": ("", "import tensorflow"),
    "load('fashion_mnist'), first time in a process": (
        "from dlcourse import data",
        "data.load('fashion_mnist')",
    ),
    "load('breast_cancer'), first time (imports scikit-learn)": (
        "from dlcourse import data",
        "data.load('breast_cancer')",
    ),
    "load('spirals', n_samples=10_000)": (
        "from dlcourse import data",
        "data.load('spirals', n_samples=10_000)",
    ),
    "missing dataset error (downloads on, network down)": (
        "from dlcourse import data",
        "try:\n    data.load('mnist')\nexcept data.DatasetUnavailableError:\n    pass",
    ),
}

TIMER = """
{prelude}
import time
start = time.perf_counter()
{statement}
print(time.perf_counter() - start)
"""


def run_case(prelude: str, statement: str, env: dict[str, str]) -> float:
    result = subprocess.run(
        [sys.executable, "-c", TIMER.format(prelude=prelude, statement=statement)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="dlcourse-bench-")
    env = {**os.environ, "HOME": home, "KERAS_HOME": f"{home}/.keras", "MPLCONFIGDIR": home}
    env.pop("DLCOURSE_OFFLINE", None)  # the missing-dataset case probes the network

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.repeat}")
    print()
    print("| what | seconds |")
    print("| --- | ---: |")
    started = time.perf_counter()
    for label, (prelude, statement) in CASES.items():
        times = [run_case(prelude, statement, env) for _ in range(args.repeat)]
        print(f"| {label} | {statistics.median(times):.2f} |", flush=True)
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
