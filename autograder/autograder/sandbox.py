"""Run one student notebook to the end in a sandbox, under time, memory and output limits.

This is the "execute" step of grading. nbgrader (trusted, with the gradebook) then scores
the executed notebook from its outputs with ``nbgrader autograde --no-execute``: a test
cell with an ``error`` output (or stderr) gets 0 points, any other test cell full points.
So every code cell that did not run because execution was stopped gets an ``error``
output here ("NotRun"); an unexecuted test cell would otherwise score full marks.
Outputs the submission arrived with are cleared first, for the same reason.

Threat model: the submission's code is hostile or just broken. It may

- loop forever: each cell has ``Limits.cell_timeout``; a cell over it is interrupted,
  gets an error output and the next cells still run (nbgrader's own behaviour). A cell
  that ignores the interrupt gets the kernel killed (status "kernel_died");
- run too long in total: ``Limits.notebook_timeout`` stops the whole notebook and every
  code cell not run gets a NotRun error. A watchdog kills the kernel shortly after the
  limit even if the kernel ignores interrupts;
- exhaust memory: a watchdog thread sums the RSS of the kernel and all its descendants
  (plus what they wrote to the sandbox's in-memory /tmp and /dev/shm) every 0.1 s and
  kills all of them over ``Limits.memory_mb``. An address-space rlimit is not used: it
  breaks TensorFlow's allocator, which reserves far more address space than it uses;
- crash its kernel (``os._exit``, a segfault): the cell and the rest get errors;
- flood the notebook with output: outputs are counted as they arrive; past
  ``Limits.output_mb`` later outputs are dropped (of a stream, what fits is kept), one
  note replaces them and the notebook is stopped, so the stored notebook stays small;
- read or write files, open sockets, spawn processes: the kernel runs in bubblewrap
  with the file system read-only except for the submission's working folder and
  private in-memory /tmp and HOME; the course repository (solutions, hidden tests,
  gradebook), /root and the grader's HOME are hidden behind empty read-only folders;
  the kernel has no network (a new network namespace without interfaces but loopback)
  and its own pid namespace, so everything it starts dies with it. It gets a minimal
  environment: none of the grader's variables (tokens) reach it.

Not covered: files the submission writes to its working folder (disk space, and links
that point elsewhere: treat the folder as untrusted afterwards); the number of processes
(a fork bomb ends at the memory limit); and, for a grader running as root, files that
root can read outside the hidden folders (say /etc/shadow): the kernel runs as uid 0,
without capabilities. Run the grader as an unprivileged user where that matters.

Without bubblewrap (``sandbox=False``, or ``None`` where bwrap does not work) every limit
still holds, but there is no isolation: the kernel can read what the grader can, and a
process that leaves the kernel's process tree before the watchdog sees it can survive.

The kernel talks to the grader over Unix sockets (jupyter's ``ipc`` transport) in a
private runtime folder bound into the sandbox: a TCP client cannot reach a kernel in a
new network namespace.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

log = logging.getLogger(__name__)


class _Quiet(logging.LoggerAdapter):
    """nbclient logs a cell timeout or a dead kernel as errors; here they are expected."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        super().log(logging.DEBUG, msg, *args, **kwargs)


_nbclient_log = _Quiet(log, {})

# The course repository: autograder/autograder/sandbox.py -> the repository's root.
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]

_POLL_S = 0.1  # how often the watchdog measures memory
_STARTUP_TIMEOUT_S = 60  # for the kernel to answer its first kernel_info
# After a cell's reply (or an interrupt), how long to wait for its last outputs. A kernel
# that ignores the interrupt is killed after this; it cannot run the next cells.
_IOPUB_TIMEOUT_S = 5
# The watchdog kills the kernel this long after the notebook's time limit, whatever
# nbclient is waiting for: the limit holds even if a kernel hangs in a way nbclient misses.
_HARD_GRACE_S = 2 * _IOPUB_TIMEOUT_S + 5
_SANDBOX_HOME = "/tmp/home"  # inside the sandbox /tmp is a private tmpfs
_WRITABLE_TMPFS = ("/tmp", "/dev/shm")  # what the kernel can write in memory


@dataclass(frozen=True)
class Limits:
    """What one notebook may use. Times in seconds, sizes in MB (2**20 bytes)."""

    cell_timeout: float = 120.0
    """Seconds per cell; a cell over it is interrupted, gets an error and the next cells
    still run (nbgrader's behaviour)."""
    notebook_timeout: float = 600.0
    """Seconds for the whole notebook (not counting the kernel's start); over it,
    execution stops and every code cell not run gets a NotRun error."""
    memory_mb: int = 4096
    """RSS of the kernel and all its child processes, plus what they keep in the
    sandbox's in-memory file systems; over it the kernel is killed."""
    output_mb: float = 5.0
    """Total size of the outputs kept; beyond it outputs are dropped, one note replaces
    them and execution stops."""

    def __post_init__(self) -> None:
        for name in ("cell_timeout", "notebook_timeout", "memory_mb", "output_mb"):
            if not getattr(self, name) > 0:
                raise ValueError(f"Limits.{name} must be positive, not {getattr(self, name)!r}")


@dataclass
class ExecutionResult:
    """How the execution of one notebook went."""

    status: str
    """One of "ok" (ran to the end; cells may have errors), "notebook_timeout", "memory",
    "kernel_died" (also: a cell ignored the interrupt after its time limit, so the kernel
    was stopped), "output_limit", "invalid" (not a notebook / the kernel cannot start)."""
    reason: str
    """One human sentence, e.g. "the kernel used more than 4096 MB and was stopped in
    cell 5"."""
    seconds: float
    """Wall time of the whole call, the kernel's start included."""
    peak_memory_mb: float
    sandboxed: bool
    """False when the kernel ran without bubblewrap."""
    cells_run: int
    """Code cells that ran to their end (with or without an error, or interrupted after
    ``cell_timeout``)."""
    cells_total: int
    """Code cells with code in them."""


@cache
def bubblewrap_available() -> bool:
    """Whether ``bwrap`` is on PATH and can make the namespaces the sandbox needs.

    bwrap can be installed and still fail (no unprivileged user namespaces, a container
    without the rights to mount), so a trivial sandbox is tried. The answer is cached.
    """
    if shutil.which("bwrap") is None:
        return False
    probe = [
        "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session", "true",
    ]  # fmt: skip
    try:
        done = subprocess.run(probe, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def execute_notebook(
    notebook: NotebookNode,
    workdir: Path,
    limits: Limits = Limits(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    sandbox: bool | None = None,
    env: dict[str, str] | None = None,
    kernel_name: str = "python3",
    mask: Sequence[Path] = (REPOSITORY_ROOT,),
    ro_binds: Sequence[Path] = (),
) -> tuple[NotebookNode, ExecutionResult]:
    """Run ``notebook`` to the end in ``workdir`` under ``limits``; return it executed.

    Args:
        notebook: the (sanitized) submission. It is not modified: a copy is executed.
        workdir: the submission's own working copy: the kernel's cwd and the only host
            folder it can write to in the sandbox. It must exist.
        limits: time, memory and output limits.
        sandbox: True requires bubblewrap (RuntimeError without it), False runs without
            it, None uses it where it works.
        env: extra environment variables for the kernel (say ``DLCOURSE_DATA_DIR``; a
            folder it names must be readable in the sandbox: see ``ro_binds``).
        kernel_name: the Jupyter kernel spec; its command runs inside the sandbox.
        mask: folders hidden in the sandbox behind empty read-only folders; /root and the
            grader's HOME are always hidden too.
        ro_binds: folders (under a masked one) bound back read-only, e.g. a data cache.
            The Python installation, the virtual environment and the editable ``dlcourse``
            package are bound back automatically.

    Returns:
        The executed copy of the notebook (every code cell that did not run has an error
        output) and an :class:`ExecutionResult`. Nothing the submission does raises.

    Raises:
        FileNotFoundError: ``workdir`` is not a folder.
        RuntimeError: ``sandbox=True`` and bubblewrap does not work here.
    """
    started = time.monotonic()
    workdir = Path(workdir).resolve()
    if not workdir.is_dir():
        raise FileNotFoundError(f"the working folder {workdir} does not exist")
    if sandbox is None:
        sandboxed = bubblewrap_available()
    elif sandbox and not bubblewrap_available():
        raise RuntimeError("sandbox=True but bubblewrap (bwrap) is missing or does not work")
    else:
        sandboxed = bool(sandbox)

    try:
        # A JSON round trip copies the notebook, upgrades old formats and joins sources.
        nb = nbformat.reads(json.dumps(notebook), as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as error:  # anything unreadable is "invalid"
        result = ExecutionResult(
            status="invalid",
            reason=f"not a notebook: {error}",
            seconds=time.monotonic() - started,
            peak_memory_mb=0.0,
            sandboxed=sandboxed,
            cells_run=0,
            cells_total=0,
        )
        return nbformat.v4.new_notebook(), result

    run = _Run(nb, workdir, limits, sandboxed, env or {}, kernel_name, mask, ro_binds)
    result = run_sync(run.execute)()
    result.seconds = time.monotonic() - started
    return nb, result


# --- one execution --------------------------------------------------------------------------


class _Run:
    """One execution: the runtime folder, the kernel, its watchdog and the cell loop."""

    def __init__(
        self,
        nb: NotebookNode,
        workdir: Path,
        limits: Limits,
        sandboxed: bool,
        env: dict[str, str],
        kernel_name: str,
        mask: Sequence[Path],
        ro_binds: Sequence[Path],
    ) -> None:
        self.nb = nb
        self.workdir = workdir
        self.limits = limits
        self.sandboxed = sandboxed
        self.extra_env = env
        self.kernel_name = kernel_name
        self.mask = mask
        self.ro_binds = ro_binds
        self.code_cells = [
            cell for cell in nb.cells if cell.cell_type == "code" and cell.source.strip()
        ]
        self.cells_run = 0
        self.failure = ""  # an unexpected error of nbclient's, for the reason
        self.status = "ok"
        self.reason = f"all {len(self.code_cells)} code cells ran"

    async def execute(self) -> ExecutionResult:
        # Outputs the submission came with are not evidence of anything.
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        runtime = _runtime_folder()
        processes: _Processes | None = None
        km: _KernelManager | None = None
        client: _Client | None = None
        try:
            home, kernel_env = self._kernel_env(runtime)
            km = _KernelManager(
                transport="ipc",
                ip=str(runtime / "k"),
                connection_file=str(runtime / "kernel.json"),
                kernel_name=self.kernel_name,
                log=_nbclient_log,
            )
            if self.sandboxed:
                km.command_prefix = _bwrap_command(
                    self.workdir, runtime, home, self.mask, self.ro_binds, self.limits.memory_mb
                )
            client = _Client(
                self.nb,
                km,
                output_limit=int(self.limits.output_mb * 2**20),
                on_output_limit=lambda: processes.kill("output_limit") if processes else None,
                log=_nbclient_log,
            )
            try:
                await client.async_start_new_kernel(
                    env=kernel_env,
                    cwd=str(self.workdir),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            except Exception as error:  # a kernel that cannot start is "invalid"
                return self._invalid(f"the kernel could not start: {error}", processes)
            assert km.provisioner is not None and km.provisioner.process is not None
            console = _Tail(km.provisioner.process.stdout)
            processes = _Processes(psutil.Process(km.provisioner.pid), self.sandboxed, self.limits)
            km.processes = processes
            processes.start_watchdog()
            try:
                await client.async_start_new_kernel_client()
                info = await client.kc.kernel_info(reply=True, timeout=_STARTUP_TIMEOUT_S)
            except Exception as error:
                detail = console.text() or str(error) or type(error).__name__
                return self._invalid(f"the kernel could not start: {detail}", processes)
            if "language_info" in info["content"]:
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            await self._run_cells(client, processes)
            return self._result(processes)
        finally:
            if client is not None and client.kc is not None:
                client.kc.stop_channels()
            if processes is not None:
                processes.kill(None)
                processes.stop_watchdog()
            if km is not None:
                await _forget(km, killed=processes is not None)
            shutil.rmtree(runtime, ignore_errors=True)

    def _kernel_env(self, runtime: Path) -> tuple[str, dict[str, str]]:
        """The kernel's whole environment, and its HOME."""
        if self.sandboxed:
            home, tmp = _SANDBOX_HOME, "/tmp"
        else:
            home, tmp = str(runtime / "home"), str(runtime / "tmp")
            os.mkdir(home)
            os.mkdir(tmp)
        kernel_env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "TMPDIR": tmp,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "TF_ENABLE_ONEDNN_OPTS": "0",
            "MPLBACKEND": "Agg",
            "KERAS_HOME": f"{home}/.keras",
            "MPLCONFIGDIR": f"{home}/.config/matplotlib",
            "PYTHONDONTWRITEBYTECODE": "1",
            **self.extra_env,
            # Not overridable: the sandbox's HOME, and the switches the course code reads.
            "HOME": home,
            "NBGRADER_EXECUTION": "autograde",
            "DLCOURSE_OFFLINE": "1",
        }
        return home, kernel_env

    async def _run_cells(self, client: _Client, processes: _Processes) -> None:
        limits = self.limits
        deadline = time.monotonic() + limits.notebook_timeout
        processes.hard_deadline = deadline + _HARD_GRACE_S
        stopped: str | None = None  # why execution stopped: the NotRun errors say it
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            if stopped is not None:
                cell.outputs = [_error("NotRun", f"not run: {stopped}")]
                continue
            if not cell.source.strip():
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0 or processes.killed_for:
                stopped = self._stop(index, processes.killed_for or "notebook_timeout")
                cell.outputs = [_error("NotRun", f"not run: {stopped}")]
                continue
            budget = min(limits.cell_timeout, remaining)
            by_notebook = budget < limits.cell_timeout  # a timeout now is the notebook's
            client.prepare(cell, budget)
            try:
                await client.async_execute_cell(
                    cell, index, execution_count=client.code_cells_executed + 1
                )
                cause = None
            except DeadKernelError:
                cause = "kernel_died"
            except CellTimeoutError:
                # No last outputs after the interrupt (or after the reply): the kernel is
                # stuck, or this cell's outputs are incomplete. It cannot go on.
                cause = "unresponsive"
            except Exception as error:  # nbclient choked on something; never raise
                log.exception("executing cell %d failed", index + 1)
                cause, self.failure = "failed", f"{type(error).__name__}: {error}"
            if processes.killed_for:  # the watchdog, or the output cap, stopped the kernel
                cause = processes.killed_for
            elif client.timed_out and by_notebook:
                cause = "notebook_timeout"
            if cause is None:
                if client.timed_out:
                    message = f"the cell ran longer than {_num(limits.cell_timeout)} s"
                    cell.outputs.insert(
                        0, _error("CellTimeoutError", f"{message} and was interrupted")
                    )
                self.cells_run += 1
                client.cell_done(index)
                continue
            processes.kill(None)
            stopped = self._stop(index, cause)
            if not client.output_limited:  # otherwise the cell has its note already
                cell.outputs.insert(0, _error(_STOPPED_ENAME[cause], stopped))

    def _stop(self, index: int, cause: str) -> str:
        """Record why execution stopped in cell ``index``; return that sentence."""
        limits = self.limits
        where = _cell_name(self.nb.cells[index], index)
        self.status = cause if cause in _STATUSES else "kernel_died"
        if cause == "notebook_timeout":
            what = f"the notebook was stopped after {_num(limits.notebook_timeout)} s"
            self.reason = f"{what} (notebook time limit) in {where}"
        elif cause == "memory":
            what = f"the kernel used more than {limits.memory_mb} MB and was stopped"
            self.reason = f"{what} in {where}"
        elif cause == "output_limit":
            what = f"the outputs passed {_num(limits.output_mb)} MB and the notebook was stopped"
            self.reason = f"{what} in {where}"
        elif cause == "unresponsive":
            self.reason = (
                f"{where} ran longer than {_num(limits.cell_timeout)} s, ignored the interrupt "
                "and the kernel was stopped"
            )
        elif cause == "failed":
            self.reason = f"the execution failed in {where} ({self.failure})"
        else:
            self.reason = f"the kernel died in {where}"
        return self.reason

    def _invalid(self, reason: str, processes: _Processes | None) -> ExecutionResult:
        """Nothing ran: every code cell gets a NotRun error."""
        self.status, self.reason = "invalid", reason
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [_error("NotRun", f"not run: {reason}")]
        return self._result(processes)

    def _result(self, processes: _Processes | None) -> ExecutionResult:
        return ExecutionResult(
            status=self.status,
            reason=self.reason,
            seconds=0.0,  # set by the caller, who knows when it started
            peak_memory_mb=processes.peak_bytes / 2**20 if processes else 0.0,
            sandboxed=self.sandboxed,
            cells_run=self.cells_run,
            cells_total=len(self.code_cells),
        )


# The error a cell gets when execution stopped while it ran, by cause.
_STOPPED_ENAME = {
    "notebook_timeout": "NotebookTimeout",
    "memory": "MemoryLimit",
    "output_limit": "OutputLimit",
    "kernel_died": "KernelDied",
    "unresponsive": "CellTimeoutError",  # reported as "kernel_died"
    "failed": "ExecutionFailed",  # reported as "kernel_died"
}
_STATUSES = ("ok", "notebook_timeout", "memory", "kernel_died", "output_limit", "invalid")


def _error(ename: str, evalue: str) -> NotebookNode:
    """An error output, as nbgrader scores it: 0 points for the cell."""
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


def _cell_name(cell: NotebookNode, index: int) -> str:
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1} ({grade_id})" if grade_id else f"cell {index + 1}"


def _num(value: float) -> str:
    return f"{value:g}"


async def _forget(km: AsyncKernelManager, killed: bool) -> None:
    """Reap the killed kernel and remove its connection file and sockets.

    Not ``shutdown_kernel``: it would first signal the process group of a kernel that may
    have been reaped already, a group id the system may have given to someone else.
    """
    with contextlib.suppress(Exception):
        if not killed:
            await km.shutdown_kernel(now=True)
        elif km.has_kernel and km.provisioner is not None:
            await asyncio.wait_for(km.provisioner.wait(), timeout=5)
    with contextlib.suppress(Exception):
        await km.cleanup_resources()


def _runtime_folder() -> Path:
    """A private folder for the connection file and the kernel's sockets. A Unix socket's
    path has at most 107 bytes: under a long TMPDIR, /tmp is used instead."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-"))
    if len(str(folder)) > 80:
        folder.rmdir()
        folder = Path(tempfile.mkdtemp(prefix="autograder-", dir="/tmp"))
    return folder


# --- the sandbox ----------------------------------------------------------------------------


def _bwrap_command(
    workdir: Path,
    runtime: Path,
    home: str,
    mask: Sequence[Path],
    ro_binds: Sequence[Path],
    memory_mb: int,
) -> list[str]:
    """bubblewrap's arguments, up to the kernel's own command."""
    size = str(memory_mb * 2**20)  # a tmpfs holds memory: no more than the whole budget
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += ["--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", "/dev/shm"]
    hidden = _folders([*mask, Path("/root"), Path.home()], skip_under=[Path("/tmp")])
    hidden = [folder for folder in hidden if folder != Path("/")]  # a HOME of / hides all
    for folder in hidden:
        args += ["--tmpfs", str(folder)]
    # Put back, read-only, what the kernel needs from under the hidden folders.
    needed = [Path(sys.base_prefix), Path(sys.prefix), *_editable_sources(), *ro_binds]
    for folder in _folders(needed, skip_under=[]):
        args += ["--ro-bind", str(folder), str(folder)]
    for folder in (workdir, runtime):  # the only writable host folders
        args += ["--bind", str(folder), str(folder)]
    args += ["--dir", home]
    # Last, so bwrap could first make the mount points the binds above needed.
    for folder in [*hidden, Path("/dev")]:
        args += ["--remount-ro", str(folder)]
    args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    args += ["--unshare-cgroup-try", "--die-with-parent"]
    args += ["--new-session"]  # no TIOCSTI into the grader's terminal
    if os.geteuid() == 0:
        args += ["--cap-drop", "ALL"]
    # ipykernel exits when the process JPY_PARENT_PID names is not its parent; in a new
    # pid namespace it never is.
    args += ["--unsetenv", "JPY_PARENT_PID", "--chdir", str(workdir), "--"]
    return args


def _folders(paths: Sequence[Path], skip_under: Sequence[Path]) -> list[Path]:
    """Existing folders among ``paths``, resolved, without duplicates or ones in ``skip_under``."""
    found: list[Path] = []
    for path in paths:
        folder = Path(path).resolve()
        if not folder.is_dir() or folder in found:
            continue
        if any(folder == top or top in folder.parents for top in skip_under):
            continue
        found.append(folder)
    return found


def _editable_sources() -> list[Path]:
    """The folders holding the course's editable packages (dlcourse lives in lib/)."""
    spec = importlib.util.find_spec("dlcourse")
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(location).parent for location in spec.submodule_search_locations]


class _KernelManager(AsyncKernelManager):
    """A kernel manager whose kernel command runs inside bubblewrap."""

    command_prefix: list[str] = []  # bwrap and its arguments; empty: no sandbox
    processes: _Processes | None = None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [*self.command_prefix, *super().format_kernel_cmd(extra_arguments)]

    async def interrupt_kernel(self) -> None:  # type: ignore[override]
        """SIGINT the kernel itself: bwrap would die of it and take the kernel along."""
        pid = self.processes.kernel_pid() if self.processes and self.command_prefix else None
        if pid is None:
            await super().interrupt_kernel()
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)


class _Processes:
    """The kernel's process tree: measures its memory, enforces limits, kills all of it.

    ``root`` is the process the kernel manager started: bwrap, or the kernel itself. From
    the host, processes in bwrap's pid namespace are ordinary descendants of it.
    """

    def __init__(self, root: psutil.Process, sandboxed: bool, limits: Limits) -> None:
        self.root = root
        self.sandboxed = sandboxed
        self.limit_bytes = limits.memory_mb * 2**20
        self.hard_deadline = float("inf")
        self.peak_bytes = 0
        self.killed_for: str | None = None  # "memory", "output_limit", "notebook_timeout"
        self._kernel: psutil.Process | None = None
        self._seen: set[psutil.Process] = set()  # without a sandbox: kill these too
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="kernel-watchdog", daemon=True)

    def tree(self) -> list[psutil.Process]:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return []
        if not self.sandboxed:
            with self._lock:
                self._seen.update(procs)
        return procs

    def kernel_pid(self) -> int | None:
        """The kernel's pid on the host: in the sandbox, the oldest child of bwrap's init."""
        if self._kernel is None:
            if not self.sandboxed:
                self._kernel = self.root
            else:
                with contextlib.suppress(psutil.Error, IndexError, ValueError):
                    init = self.root.children()[0]
                    self._kernel = min(init.children(), key=lambda p: p.create_time())
        return self._kernel.pid if self._kernel else None

    def memory_bytes(self) -> int:
        total = 0
        for proc in self.tree():
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        if self.sandboxed:  # files in the sandbox's tmpfs are memory too
            with contextlib.suppress(psutil.Error, IndexError, OSError):
                inside = self.root.children()[0].pid
                for mount in _WRITABLE_TMPFS:
                    fs = os.statvfs(f"/proc/{inside}/root{mount}")
                    total += (fs.f_blocks - fs.f_bfree) * fs.f_frsize
        return total

    def kill(self, cause: str | None) -> None:
        """SIGKILL the whole tree; ``cause`` (the first one given) says why."""
        with self._lock:
            if cause and self.killed_for is None:
                self.killed_for = cause
        procs = set(self.tree())
        with self._lock:
            procs |= self._seen
        # The kernel manager started root in its own session: its group is root's pid (the
        # check keeps a reused pid safe).
        if self.root.is_running():
            with contextlib.suppress(OSError):
                os.killpg(self.root.pid, signal.SIGKILL)
        for proc in procs:  # psutil checks that a pid was not reused
            with contextlib.suppress(psutil.Error):
                proc.kill()

    def start_watchdog(self) -> None:
        self._thread.start()

    def stop_watchdog(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        while not self._stop.wait(_POLL_S):
            used = self.memory_bytes()
            self.peak_bytes = max(self.peak_bytes, used)
            if used > self.limit_bytes:
                self.kill("memory")
                return
            if time.monotonic() > self.hard_deadline:
                self.kill("notebook_timeout")
                return
            if not self.sandboxed:  # forget the dead, so the set stays small
                with self._lock:
                    self._seen = {proc for proc in self._seen if proc.is_running()}


class _Tail:
    """Drains the kernel's console (stdout and stderr), keeping the last few KB."""

    def __init__(self, stream: Any, keep: int = 4096) -> None:
        self._stream = stream
        self._keep = keep
        self._data = b""
        if stream is not None:
            threading.Thread(target=self._drain, name="kernel-console", daemon=True).start()

    def _drain(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := os.read(self._stream.fileno(), 65536):
                self._data = (self._data + chunk)[-self._keep :]

    def text(self) -> str:
        time.sleep(0.2)  # let the last lines of a kernel that just failed arrive
        return self._data.decode(errors="replace").strip()


# --- the notebook client --------------------------------------------------------------------


class _Client(NotebookClient):
    """nbclient, cell by cell, with a time budget per cell and a cap on kept output."""

    def __init__(
        self,
        nb: NotebookNode,
        km: AsyncKernelManager,
        *,
        output_limit: int,
        on_output_limit: Callable[[], None],
        **kw: Any,
    ) -> None:
        super().__init__(
            nb,
            km=km,
            allow_errors=True,
            interrupt_on_timeout=True,
            # After the interrupt, do not wait for the kernel's reply: that is what
            # nbgrader does. The cell still gets the kernel's KeyboardInterrupt error.
            error_on_timeout={"ename": "CellTimeoutError", "evalue": "", "traceback": []},
            raise_on_iopub_timeout=True,
            iopub_timeout=_IOPUB_TIMEOUT_S,
            startup_timeout=_STARTUP_TIMEOUT_S,
            # nbclient skips cells with this tag; a submission could add it to a test cell.
            skip_cells_with_tag=f"never-{uuid.uuid4()}",
            # nbclient's own merging of streams takes time quadratic in the length of a
            # line (a regex): a 1 MB line would stall grading for minutes. See cell_done.
            coalesce_streams=False,
            **kw,
        )
        self.timeout_func = self._timeout  # floats: the trait `timeout` takes integers only
        self.output_limit = output_limit
        self.output_limited = False
        self.timed_out = False
        self._on_output_limit = on_output_limit
        self._budget = 1.0
        self._cell: NotebookNode | None = None
        self._done = 0  # size of the outputs of the cells done
        self._live = 0  # size of the current cell's outputs, at most (\r is not applied)
        self._rewrote_others = False  # a display update changed an earlier cell

    def _timeout(self, cell: NotebookNode) -> float:
        return self._budget

    def prepare(self, cell: NotebookNode, budget: float) -> None:
        """Before running ``cell``: its time budget in seconds."""
        self._cell, self._budget, self.timed_out, self._live = cell, max(budget, 0.01), False, 0

    def cell_done(self, index: int) -> None:
        """After cell ``index`` ran: merge its streams, count its outputs."""
        self._merge_streams(self.nb.cells[index].outputs, index)
        if self._rewrote_others:
            self._done = sum(_size(out) for cell in self.nb.cells for out in _outputs(cell))
            self._rewrote_others = False
        else:
            self._done += sum(_size(out) for out in self.nb.cells[index].outputs)
        self._live = 0

    async def _async_handle_timeout(
        self, timeout: int, cell: NotebookNode | None = None
    ) -> None | dict[str, Any]:
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        if self.output_limited:
            return None
        size = _size(msg["content"])
        if self._over(size, outs, cell_index):
            # Keep what fits of a stream (the start of a flood shows what it was).
            room = self.output_limit - self._done - self._live - 100
            if msg["msg_type"] == "stream" and room > 0:
                text = msg["content"]["text"][:room]
                msg["content"]["text"] = text.encode()[:room].decode(errors="ignore")
                super().output(outs, msg, display_id, cell_index)
            self._stop(outs)
            return None
        self._live += size
        return super().output(outs, msg, display_id, cell_index)

    def clear_output(self, outs: list[NotebookNode], msg: dict[str, Any], cell_index: int) -> None:
        if not self.output_limited:  # keep the note
            super().clear_output(outs, msg, cell_index)

    def _update_display_id(self, display_id: str, msg: dict[str, Any]) -> None:
        # An update rewrites outputs, earlier cells' included: count it as new output.
        if self.output_limited or display_id not in self._display_id_map:
            return
        copies = sum(len(indices) for indices in self._display_id_map[display_id].values())
        size = _size(msg["content"]) * copies
        outs = self._cell.outputs if self._cell is not None else []
        if self._over(size, outs, None):
            self._stop(outs)
            return
        self._live += size
        self._rewrote_others = True
        super()._update_display_id(display_id, msg)

    def _over(self, size: int, outs: list[NotebookNode], cell_index: int | None) -> bool:
        """Whether ``size`` more bytes pass the limit, measured exactly if need be."""
        if self._done + self._live + size <= self.output_limit:
            return False
        # The tally overcounts: merge and apply \r to this cell's streams, and measure.
        if cell_index is not None:
            self._merge_streams(outs, cell_index)
        if self._rewrote_others:
            others = (cell for cell in self.nb.cells if cell is not self._cell)
            self._done = sum(_size(out) for cell in others for out in _outputs(cell))
            self._rewrote_others = False
        self._live = sum(_size(out) for out in outs)
        return self._done + self._live + size > self.output_limit

    def _stop(self, outs: list[NotebookNode]) -> None:
        """Keep no more output; one note says so; the kernel is stopped."""
        self.output_limited = True
        mb = f"{self.output_limit / 2**20:g}"
        note = f"the outputs passed {mb} MB; the rest were dropped and the notebook was stopped"
        outs.insert(0, _error("OutputLimit", note))
        self._on_output_limit()

    def _merge_streams(self, outs: list[NotebookNode], cell_index: int) -> None:
        """Merge each stream into the first of its name and apply \r, in place, as nbclient
        does, in linear time. Not where display updates rely on the outputs' positions."""
        if any(cell_index in cells for cells in self._display_id_map.values()):
            return
        merged: list[NotebookNode] = []
        first: dict[str, NotebookNode] = {}
        for out in outs:
            if out.output_type != "stream":
                merged.append(out)
            elif out.name in first:
                first[out.name].text += out.text
            else:
                first[out.name] = out
                merged.append(out)
        for out in first.values():
            out.text = _apply_carriage_returns(out.text)
        outs[:] = merged


def _apply_carriage_returns(text: str) -> str:
    """Each line as a terminal shows it: what follows its last \\r but a final one (as
    nbclient's regex ``.*\\r(?=[^\\n])`` does)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        last = line.rfind("\r", 0, len(line) - 1)
        if last >= 0:
            lines[i] = line[last + 1 :]
    return "\n".join(lines)


def _outputs(cell: NotebookNode) -> list[NotebookNode]:
    return cell.get("outputs", []) if cell.cell_type == "code" else []


def _size(value: Any) -> int:
    """Bytes of ``value`` as JSON, about what it takes in the stored notebook."""
    return len(json.dumps(value, ensure_ascii=False, default=str).encode())
