"""`course formgrader`: nbgrader's formgrader on this course, for the written answers.

Starts JupyterLab (with nbgrader's formgrader server extension) as a child process:

- the formgrader reads the same settings as ``course grade`` (``nbgrader_config(course)``:
  workspace, gradebook URL, source/ and release/), from a small ``nbgrader_config.py``
  written to ``<workspace>/.formgrader/`` and found there as the server's working folder;
- the server's root folder is the course's root, which must hold the workspace (nbgrader's
  rule: the course folder lies under the server's root);
- it listens on 127.0.0.1 with a fresh random token, on a free port unless one is given;
- ``--allow-root`` is passed only when running as root.

The child runs in its own session, so Ctrl-C in the terminal reaches only ``course``,
which then stops the server with SIGTERM (Jupyter's clean shutdown) instead of Jupyter's
"Shutdown this Jupyter server (y/[n])?" prompt. The server's log goes to
``<workspace>/.formgrader/server.log``; its last lines are shown when it fails to start.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from autograder.config import Course

START_TIMEOUT_S = 90  # JupyterLab's first start builds its settings; allow for a slow disk
STOP_TIMEOUT_S = 15


class FormgraderError(RuntimeError):
    """The server could not start; the message says why and what to look at."""


@dataclass(frozen=True)
class Server:
    """A running formgrader: where it listens and how to stop it."""

    process: subprocess.Popen
    host: str
    port: int
    token: str
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "formgrader") -> str:
        """``path`` on the server, with the token: paste it into a browser."""
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}"

    def stop(self) -> int:
        """Stop the server cleanly (SIGTERM, then SIGKILL); its exit status."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


def server_root(course: Course) -> Path:
    """The folder the server serves: the course's root, which must hold the workspace."""
    root, workspace = course.root.resolve(), course.workspace.resolve()
    if not workspace.is_relative_to(root):
        raise FormgraderError(
            f"the workspace {workspace} is not inside the course's folder {root}: nbgrader's "
            "formgrader needs it there (set [course] workspace to a folder under it)"
        )
    return root


def write_config(course: Course) -> Path:
    """The folder with the ``nbgrader_config.py`` that points nbgrader at this course."""
    folder = course.workspace / ".formgrader"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        "# Written by `course formgrader`: nbgrader's settings for this course.\n"
        "from pathlib import Path\n\n"
        "from autograder.config import load_course, nbgrader_config\n\n"
        "c = get_config()  # noqa: F821\n"
        f"c.merge(nbgrader_config(load_course(Path({str(course.file.resolve())!r}))))\n"
    )
    return folder


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def command(root: Path, host: str, port: int, token: str) -> list[str]:
    """The JupyterLab command line that serves ``root`` with the formgrader."""
    argv = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
    ]  # fmt: skip
    if os.geteuid() == 0:
        argv.append("--allow-root")
    return argv


def start(course: Course, *, host: str = "127.0.0.1", port: int | None = None) -> Server:
    """Start the formgrader and wait until it answers; FormgraderError if it does not."""
    folder = write_config(course)
    return launch(server_root(course), folder, host=host, port=port,
                  ready_path="formgrader/api/assignments", log=folder / "server.log")  # fmt: skip


def launch(
    root: Path,
    cwd: Path,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    ready_path: str = "api/status",
    log: Path,
) -> Server:
    """Start JupyterLab serving ``root`` (run in ``cwd``), wait until ``ready_path`` answers.

    Raises FormgraderError, with the end of the server's ``log``, when it exits or does
    not answer within START_TIMEOUT_S.
    """
    port = port or free_port(host)
    token = secrets.token_hex(24)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0")
    with log.open("w") as out:
        process = subprocess.Popen(
            command(root, host, port, token),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches `course`, which stops the server
        )
    server = Server(process, host, port, token, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise FormgraderError(f"JupyterLab exited ({process.returncode}):\n{_tail(log)}")
            if _answers(server, ready_path):
                return server
            time.sleep(0.3)
    except BaseException:  # Ctrl-C while starting too: never leave the server behind
        server.stop()
        raise
    server.stop()
    raise FormgraderError(
        f"JupyterLab did not answer on {server.base_url} in {START_TIMEOUT_S} s:\n{_tail(log)}"
    )


def _answers(server: Server, path: str) -> bool:
    request = urllib.request.Request(
        f"{server.base_url}/{path}",
        headers={"Authorization": f"token {server.token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _tail(log: Path, lines: int = 15) -> str:
    try:
        text = log.read_text(errors="replace").splitlines()
    except OSError:
        return f"(no log at {log})"
    return "\n".join(f"  | {line}" for line in text[-lines:]) + f"\n  (whole log: {log})"
