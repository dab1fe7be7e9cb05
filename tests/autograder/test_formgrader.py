"""`course formgrader`'s pieces that need no browser (tests/browser drives the real thing)."""

from __future__ import annotations

import dataclasses
import runpy

import pytest

from autograder import formgrader
from autograder.config import load_course
from autograder.demo import EXAMPLE_COURSE_FILE


@pytest.fixture
def course(tmp_path):
    """The example course, its workspace under tmp_path."""
    example = load_course(EXAMPLE_COURSE_FILE)
    return dataclasses.replace(example, root=tmp_path, workspace=tmp_path / "workspace")


def test_the_config_file_points_nbgrader_at_the_course(course):
    folder = formgrader.write_config(course)
    assert folder == course.workspace / ".formgrader"

    class Config(dict):  # what nbgrader's loader hands a config file
        def merge(self, other):
            self.update(other)

    config = Config()
    runpy.run_path(str(folder / "nbgrader_config.py"), {"get_config": lambda: config})
    example = load_course(EXAMPLE_COURSE_FILE)
    assert config["CourseDirectory"]["root"] == str(example.workspace)
    assert config["CourseDirectory"]["db_url"] == example.gradebook_url


def test_the_workspace_must_lie_under_the_served_folder(course, tmp_path):
    assert formgrader.server_root(course) == tmp_path.resolve()
    outside = dataclasses.replace(course, root=tmp_path / "course-root")
    with pytest.raises(formgrader.FormgraderError, match="not inside the course's folder"):
        formgrader.server_root(outside)


@pytest.mark.parametrize(("uid", "allowed"), [(0, True), (1000, False)])
def test_allow_root_only_as_root(monkeypatch, tmp_path, uid, allowed):
    monkeypatch.setattr(formgrader.os, "geteuid", lambda: uid)
    argv = formgrader.command(tmp_path, "127.0.0.1", 8123, "secret")
    assert ("--allow-root" in argv) == allowed
    assert "--ServerApp.port=8123" in argv and "--IdentityProvider.token=secret" in argv
    assert "--no-browser" in argv


def test_a_server_that_cannot_start_is_a_clear_error(tmp_path, monkeypatch):
    """A port already taken: JupyterLab exits, and the error shows its log's last lines."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(formgrader.FormgraderError, match="JupyterLab exited") as error:
            formgrader.launch(tmp_path, tmp_path, port=port, log=tmp_path / "server.log")
    assert "server.log" in str(error.value)
