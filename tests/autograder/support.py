"""Helpers that several test modules of the pipeline share (not tests themselves)."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

EXAMPLE_COURSE = Path(__file__).resolve().parents[2] / "course" / "example"

# The example course's limits, tightened so that attacks end fast.
TIGHT_LIMITS = [
    ("cell_timeout = 20", "cell_timeout = 4"),
    ("notebook_timeout = 60", "notebook_timeout = 30"),
    ("memory_mb = 1024", "memory_mb = 600"),
]


def tight_example_course(base: Path) -> Path:
    """A copy of the example course in ``base/course-root`` with ``TIGHT_LIMITS``; its
    course.toml. Put ``base`` under /var/tmp, which the sandbox does not hide by itself
    (unlike /tmp): an attack on the course's files then fails only if grading hides them."""
    root = base / "course-root"
    shutil.copytree(EXAMPLE_COURSE, root)
    config = root / "course" / "course.toml"
    text = config.read_text()
    for old, new in TIGHT_LIMITS:
        assert old in text, old
        text = text.replace(old, new)
    config.write_text(text)
    return config


def markup(page: str) -> tuple[set[str], list[str], list[str]]:
    """The page as a browser parses it: its tags, its event-handler attributes, and the
    policies of its Content-Security-Policy <meta>s."""
    tags: set[str] = set()
    handlers: list[str] = []
    policies: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.add(tag)
            handlers.extend(f"{tag} {name}" for name, _ in attrs if name.startswith("on"))
            attributes = dict(attrs)
            if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy":
                policies.append(attributes.get("content", ""))

    Parser().feed(page)
    return tags, handlers, policies
