"""Where submissions execute: Dask distributed workers, local or on a cluster.

``course grade`` hands each sanitised submission to a Dask worker as one task
(``execute_task``): the notebook (hidden tests and canaries in place), the lesson's and the
student's plain files, and the limits. The worker runs it in the sandbox
(``autograder.sandbox``) and returns the executed notebook and the ExecutionResult; it
needs the course's Python environment and bubblewrap, nothing else: no gradebook, no
course folder, no nbgrader configuration.

``dask_client`` gives a client: to an embedded ``LocalCluster`` (loopback only, no
dashboard, one single-threaded worker process per job) by default, or to an existing
scheduler (``--scheduler tcp://host:8786`` or ``[grading] scheduler`` in course.toml).

Fault handling is Dask's: a worker that dies mid-task has its tasks rescheduled on
another worker. The embedded cluster allows one such death per task
(``distributed.scheduler.allowed-failures = 1``): a submission that kills two workers
ends as ``KilledWorker``, which grading records as an error. A scheduler started by hand
should get the same setting (README: "A large class"). A kernel never outlives its
worker: bubblewrap runs it with ``--die-with-parent`` in its own pid namespace.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from distributed import WorkerPlugin

# What the embedded cluster and the tasks are allowed (see the module docstring).
ALLOWED_FAILURES = 1
DASK_SETTINGS = {
    "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
    # Grading tasks are independent and each holds one notebook: no work stealing of
    # tasks already assigned (a stolen task would have been sent twice), no spilling.
    "distributed.scheduler.work-stealing": False,
    "distributed.worker.memory.target": False,
    "distributed.worker.memory.spill": False,
    "distributed.worker.memory.pause": False,
    "distributed.worker.memory.terminate": False,
    "distributed.comm.timeouts.connect": "30s",
}


class GradingImports(WorkerPlugin):
    """Import what ``execute_task`` needs when a worker starts, before it takes a task.

    On Python 3.11 the ``ast`` module's recursion counter is shared by all threads: an
    ``ast.parse`` in one (a traceback being formatted, say) while another parses too
    fails with "AST constructor recursion depth mismatch". Importing nbformat parses
    jsonschema's grammars that way, and a worker's first task used to import it in the
    task thread while the worker's event loop went on; it failed the task once in CI.
    Dask sets plugins up on the event loop before it hands the worker any task."""

    name = "course-grading-imports"

    def setup(self, worker: Any) -> None:
        import nbformat  # noqa: F401

        import autograder.sandbox  # noqa: F401


@contextlib.contextmanager
def dask_client(jobs: int, scheduler: str = "") -> Iterator[Any]:
    """A Dask client: to ``scheduler`` when given, else to a LocalCluster of ``jobs``
    single-threaded worker processes on the loopback interface, closed at the end."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set(DASK_SETTINGS):
        if scheduler:
            try:
                client = Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as error:
                message = f"cannot reach the Dask scheduler {scheduler}: {error}"
                raise RuntimeError(message) from None
            with client:
                client.register_plugin(GradingImports())
                yield client
            return
        # Dask's servers put their scratch folder first on sys.path (for uploaded code):
        # a private one, never the shared /tmp/dask-scratch-space, and off sys.path again
        # at once, so that nothing there can shadow a module this process imports.
        scratch = tempfile.mkdtemp(prefix="course-grade-dask-")
        try:
            with _without_sigint(), dask.config.set({"temporary-directory": scratch}):
                cluster = LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    # The scheduler serves a few HTTP routes (health) even without a
                    # dashboard: on the loopback interface and a free port, never :8787.
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                    memory_limit=0,
                    silence_logs=logging.ERROR,
                )
            sys.path[:] = [entry for entry in sys.path if not entry.startswith(scratch)]
            with cluster, Client(cluster) as client:
                client.register_plugin(GradingImports())
                yield client
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


@contextlib.contextmanager
def _without_sigint() -> Iterator[None]:
    """Start the local cluster's processes with SIGINT ignored (they keep it so, across
    exec): Ctrl-C in the terminal reaches the whole process group, and the coordinator
    alone should handle it (it cancels the tasks and closes the cluster). Kernels are not
    concerned: ipykernel installs its own SIGINT handler while a cell runs, which is what
    the cell time limit's interrupt needs."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; Ctrl-C goes there too
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def separate_processes(folder: Path, workers: int = 2) -> Iterator[str]:
    """A `dask scheduler` and ``workers`` `dask worker` commands on the loopback
    interface, each started as its own command, as on separate machines (README, "A large
    class"); yields the scheduler's address once the workers are in, and stops them all
    at the end. For the tests and benchmarks of that set-up."""
    import subprocess

    from distributed import Client

    dask_command = str(Path(sys.executable).parent / "dask")
    env = {
        **os.environ,
        "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": str(ALLOWED_FAILURES),
        "DASK_TEMPORARY_DIRECTORY": str(folder / "dask-scratch"),  # private: see README
    }
    scheduler_file = folder / "scheduler.json"
    started: list[subprocess.Popen] = []

    def start(*arguments: str) -> None:
        started.append(
            subprocess.Popen(
                [dask_command, *arguments],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )  # fmt: skip
        )

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(scheduler_file))  # fmt: skip
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # written in one go, but let it land
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(workers):
            start("worker", address, "--nthreads", "1", "--no-dashboard", "--host",
                  "127.0.0.1", "--memory-limit", "0")  # fmt: skip
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)
        yield address
    finally:
        for process in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def worker_threads(client: Any) -> int:
    """How many tasks the cluster runs at once now (at least 1)."""
    return max(1, sum(client.nthreads().values()))


def dashboard(client: Any) -> str:
    """The Dask dashboard's address, "" when the scheduler has none."""
    try:
        info = client.scheduler_info()
    except Exception:  # an old scheduler, or one going away: no dashboard to show
        return ""
    if not info.get("services", {}).get("dashboard"):
        return ""
    return str(client.dashboard_link or "")


# --------------------------------------------------------------------------- the task


def execute_task(task: dict[str, Any]) -> dict[str, Any]:
    """Run on a worker: execute one sanitised submission in the sandbox.

    ``task`` (built by ``autograder.grade``): ``notebook`` (JSON text), ``files``
    (relative POSIX path -> bytes), ``limits`` (a Limits as a dict), ``sandbox`` (True,
    False or None for "where it works"), ``mask`` (folders to hide, where they exist on
    this machine), ``canaries`` ({cell index: original index}). Returns ``notebook``
    (the executed one, JSON text), ``execution`` (the ExecutionResult as a dict) and
    ``worker`` (this worker's address).
    """
    import nbformat

    from autograder.limits import Limits
    from autograder.sandbox import execute_notebook

    notebook = nbformat.reads(task["notebook"], as_version=4)
    with tempfile.TemporaryDirectory(prefix="grading-task-") as folder:
        write_files(Path(folder), task["files"])
        executed, outcome = execute_notebook(
            notebook, Path(folder), Limits(**task["limits"]), sandbox=task["sandbox"],
            mask=[Path(path) for path in task["mask"]],
            canaries={int(k): int(v) for k, v in task["canaries"].items()},
        )  # fmt: skip
    return {
        "notebook": nbformat.writes(executed),
        "execution": asdict(outcome),
        "worker": _worker_address(),
    }


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` below ``folder``; a path that would leave it is refused."""
    for name, content in files.items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"unsafe file name in a grading task: {name!r}")
        path = folder.joinpath(*relative.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except ValueError:  # not on a worker (called directly, in tests)
        return "local"


# --------------------------------------------------------------------------- progress


class Progress:
    """Progress over submissions for an instructor to watch: a tqdm bar on a terminal
    (done, failed, rate, ETA), else one line a minute (for logs and batch jobs)."""

    LOG_EVERY_S = 60.0

    def __init__(self, total: int, *, terminal: bool, stream: TextIO | None = None) -> None:
        from tqdm import tqdm

        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.started = self.logged = time.monotonic()
        self.bar = tqdm(total=total, desc="grade", unit="notebook", disable=not terminal)
        self.terminal = terminal

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        self.bar.update(1)
        if failed:
            self.bar.set_postfix(failed=self.failed)
        now = time.monotonic()
        if not self.terminal and now - self.logged >= self.LOG_EVERY_S:
            self.logged = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float | None = None) -> str:
        elapsed = (now or time.monotonic()) - self.started
        rate = self.done / elapsed * 60 if elapsed > 0 else 0.0
        left = self.total - self.done
        eta = f", about {_duration(left / rate * 60)} left" if rate > 0 and left else ""
        return (
            f"course grade: {self.done}/{self.total} done, {self.failed} failed, "
            f"{left} remaining, {rate:.1f}/min{eta}"
        )

    def close(self) -> None:
        self.bar.close()


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def describe_failure(error: BaseException) -> str:
    """Why a task gave no result, for the SubmissionResult's reason."""
    name = type(error).__name__
    if name == "KilledWorker":
        return (
            f"its execution killed {ALLOWED_FAILURES + 1} grading workers (each died while "
            "running it); it was not retried again"
        )
    if name == "CancelledError":
        return "its execution was cancelled (the scheduler or the grading run went away)"
    return f"execution failed on the worker: {name}: {error}"[:500]
