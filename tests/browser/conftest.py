"""A headless Chromium for the browser tests, driven by Playwright.

Playwright comes from PyPI (requirements.txt); the browser is the system's Chromium
(Debian's ``chromium``, installed by scripts/install-system-packages), not one Playwright
downloads. Without either, the tests are skipped with the reason. A failing test leaves
``failure.png`` (the page as it was) in its temporary folder, and says where.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str | None:
    """The system's Chromium: $CHROMIUM, or the first of CHROMIUM_NAMES on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -r requirements.txt)")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium: install Debian's `chromium` (scripts/install-system-packages)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request, tmp_path: Path):
    """A fresh page; on failure its screenshot is saved to ``tmp_path/failure.png``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failing page: {shot}")
    context.close()
