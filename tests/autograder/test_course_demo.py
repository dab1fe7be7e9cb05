"""`course demo` (what `make demo` runs) goes from release to report and checks itself."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("course_demo")]


def test_course_demo_runs_to_the_end(example_demo):
    out, printed = example_demo
    assert "on 00_fixture" in printed
    for step in range(1, 6):
        assert f"[{step}/5]" in printed
    assert "course demo: every demo submission was graded as expected" in printed
    assert (out / "workspace" / "report" / "index.html").is_file()
    assert (out / "workspace" / "export" / "grades.csv").is_file()
    assert len(list((out / "workspace" / "feedback").glob("*/*.html"))) == 15
