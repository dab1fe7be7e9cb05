"""``python -m dlcourse``: what this machine gives the course.

Prints the ``setup()`` line and, for every dataset, whether it loads offline (nothing is
downloaded). Exits 1 when a dataset that graded lessons need is missing.
"""

from __future__ import annotations

import os
import sys

import dlcourse
from dlcourse import data

#: Datasets that graded cells use; the others appear only in optional cells.
NEEDED_OFFLINE = ("digits", "iris", "wine", "breast_cancer", "diabetes", "fashion_mnist")


def main() -> int:
    dlcourse.setup(seed=0)
    os.environ["DLCOURSE_OFFLINE"] = "1"  # a check, not a download
    missing_needed = []
    print("datasets (offline):")
    for name in data.names():
        info = data.info(name)
        try:
            data.load(name)
        except data.DatasetUnavailableError as error:
            needed = name in NEEDED_OFFLINE
            if needed:
                missing_needed.append(name)
            print(f"  {'MISSING' if needed else 'absent':8} {name:14} {info.title}")
            print(f"  {'':8} {'':14} how to get it: {info.how_to_get}")
        else:
            print(f"  {'ok':8} {name:14} {info.title} ({info.kind}): {info.returns}")
    if missing_needed:
        print(f"missing datasets that graded lessons need: {', '.join(missing_needed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
