"""``python -m dlcourse``: what this machine gives the course.

Prints the ``setup()`` line and, for every dataset, whether it loads offline (nothing is
downloaded). Exits 1 when a dataset that graded lessons need is missing.
"""

from __future__ import annotations

import sys

import dlcourse
from dlcourse import data

#: Datasets that graded cells use; the others appear only in optional cells.
NEEDED_OFFLINE = ("digits", "iris", "wine", "breast_cancer", "diabetes", "fashion_mnist")


def print_datasets() -> list[str]:
    """Print one line per dataset; return the needed ones that are missing."""
    missing_needed = []
    print("datasets, offline:")
    for name, problem in data.available_offline().items():
        info = data.info(name)
        if problem is None:
            print(f"  ok       {name:14} {info.title}: {info.returns}")
            continue
        needed = name in NEEDED_OFFLINE
        if needed:
            missing_needed.append(name)
        print(f"  {'MISSING' if needed else 'absent':8} {name:14} {info.title}")
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
