"""``python -m dlcourse``: what this machine gives the course.

Prints the ``setup()`` line and, for every dataset, whether it loads offline (nothing is
downloaded) and which lessons use it. Exits 1 when a dataset that graded lessons need is
missing.
"""

from __future__ import annotations

import sys

import dlcourse
from dlcourse import data

#: The datasets the lessons load, and which lessons (tests/lib/test_main.py keeps this in
#: step with source/). MNIST and IMDB appear only in optional cells that skip without them.
USED_BY: dict[str, tuple[str, ...]] = {
    "digits": ("01_tensors", "05_classification", "05b_improving", "08_generative"),
    "fashion_mnist": ("01_tensors", "05b_improving", "06_cnn"),
    "breast_cancer": ("03_backprop",),
    "diabetes": ("04_regression",),
    "curve": ("04_regression",),
    "house_prices": ("04_regression",),
    "moons": ("05_classification",),
    "circles": ("05_classification",),
    "spirals": ("05_classification",),
    "sunspots": ("07_rnn",),
    "co2": ("07_rnn",),
    "words": ("07_rnn", "08_generative"),
}
OPTIONAL = ("mnist", "imdb")
NEEDED_OFFLINE = tuple(USED_BY)


def print_datasets() -> list[str]:
    """Print one line per dataset; return the needed ones that are missing."""
    missing_needed = []
    print("datasets, offline:")
    for name, problem in data.available_offline().items():
        info = data.info(name)
        used = ", ".join(USED_BY.get(name, ())) or (
            "optional cells" if name in OPTIONAL else "no lesson"
        )
        if problem is None:
            print(f"  ok       {name:14} {info.title}: {info.returns} [{used}]")
            continue
        needed = name in NEEDED_OFFLINE
        if needed:
            missing_needed.append(name)
        print(f"  {'MISSING' if needed else 'absent':8} {name:14} {info.title} [{used}]")
        print(f"  {'':8} {'':14} how to get it: {info.how_to_get}")
    return missing_needed


def main() -> int:
    dlcourse.setup(seed=0)
    missing = print_datasets()
    if missing:
        print(f"missing datasets that graded lessons need: {', '.join(missing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
