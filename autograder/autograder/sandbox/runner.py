"""One execution: the runtime folder, the kernel in its sandbox, its watchdog, the cell loop.

Nothing the kernel leaves behind is followed by trusted code:

- The caller's ``workdir`` is read-only input. Its regular files are opened here without
  following links (``bwrap.Staged``) and copied into the kernel's working folder: with
  bubblewrap a fresh tmpfs of ``Limits.disk_mb`` at ``bwrap.SCRATCH`` (bwrap copies from
  the descriptors), without it a private folder in the runtime folder. ``workdir`` is
  never bound or written; nothing the kernel writes is read back, and all of it is
  discarded with the run.
- The runtime folder (``_runtime_folder``) holds the connection file, bound read-only, and
  ``sockets/``, the one folder of it the kernel can write to, for its ipc sockets. The
  client keeps the connection info in memory (a rewritten file would not redirect it),
  and the folder is removed with ``shutil.rmtree``, which never follows a link.
- Limits that the kernel cannot escape come from control groups (``cgroups``): memory
  (memfd, tmpfs and /dev/shm pages included), processes and threads, CPU. A ``/bin/sh``
  launcher puts the kernel in them before it runs; at the end every process in them is
  killed and the groups are removed. Without writable cgroups, the watchdog polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from autograder import cells
from autograder.limits import Limits
from autograder.sandbox.bwrap import Staged, bubblewrap_available, bwrap_command
from autograder.sandbox.cgroups import Cgroups
from autograder.sandbox.client import (
    IOPUB_TIMEOUT_S,
    STARTUP_TIMEOUT_S,
    GradingClient,
    error_output,
)
from autograder.sandbox.outcome import ExecutionResult, Status
from autograder.sandbox.watchdog import ConsoleTail, KernelProcesses

log = logging.getLogger("autograder.sandbox")

# The course repository: autograder/autograder/sandbox/runner.py -> the repository's root.
REPOSITORY_ROOT = Path(__file__).resolve().parents[3]


class _Quiet(logging.LoggerAdapter):
    """nbclient logs a cell timeout or a dead kernel as errors; here they are expected."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        super().log(logging.DEBUG, msg, *args, **kwargs)


_nbclient_log = _Quiet(log, {})

# The watchdog kills the kernel this long after the notebook's time limit, whatever
# nbclient is waiting for: the limit holds even if a kernel hangs in a way nbclient misses.
_HARD_GRACE_S = 2 * IOPUB_TIMEOUT_S + 5
# The notebook's clock gives back at most this much of a canary's time (a restart after a
# crash in it included): canaries copy tests that took at most 2 s at release, so an
# honest one costs the student nothing, and a kernel cannot stretch its own time limit
# by spending it inside canaries (at most 3 x this).
CANARY_CREDIT_S = 10.0
_SANDBOX_HOME = "/tmp/home"  # inside the sandbox /tmp is a private tmpfs
_THREAD_VARIABLES = (
    "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
)  # fmt: skip


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
    canaries: Mapping[int, int] | None = None,
    exclude: Sequence[str] = (),
) -> tuple[NotebookNode, ExecutionResult]:
    """Run ``notebook`` to the end in ``workdir`` under ``limits``; return it executed.

    Args:
        notebook: the (sanitized) submission. It is not modified: a copy is executed.
        workdir: the submission's folder, read-only input: the kernel works in a scratch
            copy of its regular files (no links, devices or fifos), never in it, and
            nothing is written back. It must exist.
        limits: time, memory, output, disk, process and CPU limits.
        sandbox: True requires bubblewrap (RuntimeError without it), False runs without
            it, None uses it where it works.
        env: extra environment variables for the kernel (say ``DLCOURSE_DATA_DIR``; a
            folder it names must be readable in the sandbox: see ``ro_binds``).
        kernel_name: the Jupyter kernel spec; its command runs inside the sandbox.
        mask: folders hidden in the sandbox behind empty read-only folders, where they
            lie inside what the sandbox binds (it binds an allowlist: the system's /usr,
            /lib, parts of /etc, the Python installation, the virtual environment, the
            editable ``dlcourse`` package and ``ro_binds``; nothing else of the host).
        ro_binds: further folders bound read-only, e.g. a data cache.
        canaries: cell index -> index of the test cell it copies (``autograder.scoring``).
            A canary always runs, with the cell time limit, and its time (a restart after
            a crash in it included) does not count against the notebook's; only when its
            original already crashed the kernel is it not run (its reply stays None).
            Nothing the kernel does decides whether a canary runs.
        exclude: names of files in ``workdir`` not to copy (``fnmatch`` patterns).

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

    run = _Run(
        nb, workdir, limits, sandboxed, env or {}, kernel_name, mask, ro_binds, canaries, exclude
    )
    result = run_sync(run.execute)()
    result.seconds = time.monotonic() - started
    return nb, result


class _StartFailed(Exception):
    """The kernel did not start; the message says why (its console, or the error)."""


@dataclass
class _Kernel:
    """One kernel and what it runs in: its runtime folder, sandbox, groups and client."""

    runtime: Path
    km: _KernelManager | None = None
    client: GradingClient | None = None
    processes: KernelProcesses | None = None
    cgroups: Cgroups | None = None
    staged: Staged | None = None
    info: dict[str, Any] = field(default_factory=dict)  # its kernel_info reply's content


class _Run:
    """One execution: the runtime folder, the kernel, its watchdog and the cell loop.

    The cell loop runs each code cell once, in order. A crash in cell k (memory, a dead
    kernel, a cell deaf to the interrupt) costs cell k: its kernel and everything in its
    groups are killed, a fresh kernel starts in a fresh sandbox (a fresh copy of the
    working folder), re-runs the earlier cells that worked (``_replay_plan``; their new
    outputs are discarded, the first ones stay) and the loop goes on with cell k + 1. See
    ``Status`` for the stops that end the notebook instead.
    """

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
        canaries: Mapping[int, int] | None = None,
        exclude: Sequence[str] = (),
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
        self.canaries = dict(canaries or {})
        self.exclude = tuple(exclude)  # file name patterns of workdir not copied
        self.kernel: _Kernel | None = None  # the current one
        self.deadline = math.inf  # the notebook's, once its first cell starts
        self.executed = 0  # execution counts shown in the notebook
        self.cells_run = 0
        self.cell_seconds: dict[int, float] = {}
        self.replies: list[str | None] = [None] * len(nb.cells)
        self.crashed: set[int] = set()  # cells whose kernel crashed
        self.restarts: list[dict[str, Any]] = []
        self.truncated: list[dict[str, Any]] = []
        self.peak_bytes = 0  # of the kernels closed so far
        self.stopped_cell: int | None = None
        self.cause = ""  # the finer cause of a stop, see ExecutionResult.cause
        self.unrecovered = ""
        self.failure = ""  # an unexpected error of nbclient's, for the reason
        self.status = "ok"
        self.reason = ""

    async def execute(self) -> ExecutionResult:
        # Outputs the submission came with are not evidence of anything.
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        try:
            try:
                await self._start_kernel(STARTUP_TIMEOUT_S)
            except _StartFailed as error:
                return self._invalid(f"the kernel could not start: {error}")
            assert self.kernel is not None
            if "language_info" in self.kernel.info:
                self.nb.metadata["language_info"] = self.kernel.info["language_info"]
            await self._run_cells()
            return self._result()
        finally:
            await self._close_kernel()

    # --- one kernel --------------------------------------------------------------------

    async def _start_kernel(self, startup_timeout: float) -> None:
        """Start a kernel in a fresh sandbox, as ``self.kernel``; raise ``_StartFailed``.
        Whatever was made is ``self.kernel``'s, for ``_close_kernel``, even on failure."""
        kernel = self.kernel = _Kernel(runtime=_runtime_folder())
        sockets = kernel.runtime / "sockets"  # the one folder of it the kernel can write to
        sockets.mkdir()
        home, kernel_env = self._kernel_env(kernel.runtime)
        km = kernel.km = _KernelManager(
            transport="ipc",
            ip=str(sockets / "k"),
            connection_file=str(kernel.runtime / "kernel.json"),
            kernel_name=self.kernel_name,
            log=_nbclient_log,
        )
        # The submission's regular files, opened without following links, for the
        # kernel's own scratch copy: the caller's folder is input, never the cwd.
        staged = kernel.staged = Staged.workdir(self.workdir, self.exclude)
        if self.sandboxed:
            command_prefix = bwrap_command(
                staged, kernel.runtime, sockets, home, self.mask, self.ro_binds, self.limits
            )
            cwd = kernel.runtime  # bwrap's own; the kernel's is bwrap's --chdir
        else:
            cwd = kernel.runtime / "work"
            cwd.mkdir()
            staged.copy_to(cwd)
            command_prefix = []
        kernel.cgroups = _cgroups(self.limits)
        if kernel.cgroups is not None:
            command_prefix = [*kernel.cgroups.launcher(), *command_prefix]
        km.command_prefix = command_prefix
        client = kernel.client = GradingClient(
            self.nb,
            km,
            output_limit=int(self.limits.output_mb * 2**20),
            cell_output_limit=int(self.limits.cell_output_mb * 2**20),
            log=_nbclient_log,
        )
        try:
            await client.async_start_new_kernel(
                env=kernel_env,
                cwd=str(cwd),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=staged.fds if self.sandboxed else (),
            )
        except Exception as error:
            raise _StartFailed(str(error) or type(error).__name__) from error
        finally:
            staged.close()  # bwrap has its own copies of the descriptors
        assert km.provisioner is not None and km.provisioner.process is not None
        console = ConsoleTail(km.provisioner.process.stdout)
        processes = kernel.processes = KernelProcesses(
            psutil.Process(km.provisioner.pid), self.sandboxed, self.limits, kernel.cgroups
        )
        processes.hard_deadline = self.deadline + _HARD_GRACE_S
        km.processes = processes
        processes.start_watchdog()
        try:
            await client.async_start_new_kernel_client()
            info = await client.kc.kernel_info(reply=True, timeout=max(startup_timeout, 0.1))
        except Exception as error:
            detail = console.text() or str(error) or type(error).__name__
            raise _StartFailed(detail) from error
        kernel.info = info["content"]

    async def _close_kernel(self) -> None:
        """Kill the current kernel and everything in its groups; remove what it had."""
        kernel, self.kernel = self.kernel, None
        if kernel is None:
            return
        processes = kernel.processes
        if kernel.client is not None and kernel.client.kc is not None:
            kernel.client.kc.stop_channels()
        if processes is not None:
            processes.kill(None)
            processes.stop_watchdog()
            self.peak_bytes = max(self.peak_bytes, processes.peak_bytes)
        if kernel.km is not None:
            await _forget(kernel.km, killed=processes is not None)
        if kernel.cgroups is not None:  # no process outlives the kernel, then no group
            kernel.cgroups.remove()
        if kernel.staged is not None:
            kernel.staged.close()
        # rmtree never follows a link the kernel may have left in its sockets folder.
        shutil.rmtree(kernel.runtime, ignore_errors=True)

    def _kernel_env(self, runtime: Path) -> tuple[str, dict[str, str]]:
        """The kernel's whole environment, and its HOME."""
        if self.sandboxed:
            home, tmp = _SANDBOX_HOME, "/tmp"
        else:
            home, tmp = str(runtime / "home"), str(runtime / "tmp")
            os.mkdir(home)
            os.mkdir(tmp)
        # One thread per CPU of the quota for the math libraries and TensorFlow's pools:
        # their defaults (a thread per core of the machine) only contend for the quota,
        # and each thread counts against Limits.processes.
        threads = str(max(1, math.ceil(self.limits.cpus)))
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
            **dict.fromkeys(_THREAD_VARIABLES, threads),
            **self.extra_env,
            # Not overridable: the sandbox's HOME, and the switches the course code reads.
            "HOME": home,
            "NBGRADER_EXECUTION": "autograde",
            "DLCOURSE_OFFLINE": "1",
            # The working folder is not on sys.path: a student's file there (a
            # dlcourse/checks.py of their own) must not shadow what the tests import.
            "PYTHONSAFEPATH": "1",
        }
        return home, kernel_env

    # --- the cell loop -----------------------------------------------------------------

    async def _run_cells(self) -> None:
        self.deadline = time.monotonic() + self.limits.notebook_timeout
        assert self.kernel is not None and self.kernel.processes is not None
        self.kernel.processes.hard_deadline = self.deadline + _HARD_GRACE_S
        stopped: str | None = None  # why execution stopped: the NotRun errors say it
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            if stopped is not None:
                cell.outputs = [error_output("NotRun", f"not run: {stopped}")]
                continue
            if not cell.source.strip():
                continue
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                stopped = self._stop(index, "notebook_timeout")
                cell.outputs = [error_output("NotRun", f"not run: {stopped}")]
                continue
            if index in self.canaries:
                stopped = await self._run_canary(index, cell)
                continue
            cause = await self._run_cell(index, cell, remaining)
            if cause is not None:
                self.crashed.add(index)
                stopped = await self._recover(index, cause)

    async def _run_canary(self, index: int, cell: NotebookNode) -> str | None:
        """Run canary ``index`` off the notebook's clock (up to ``CANARY_CREDIT_S``); None,
        or why execution stopped.

        Not run only when its original already crashed the kernel (the runner saw that;
        a crash costs the original its points, so it buys nothing). Otherwise it runs
        whatever the original cost, so that no choice of the kernel's (a slow or a
        crashing original) can keep a canary from running; a crash in it is judged by
        ``scoring.judge_canaries``."""
        if self.canaries[index] in self.crashed:
            return None
        started = time.monotonic()
        assert self.kernel is not None and self.kernel.processes is not None
        hard = max(self.deadline, started + self.limits.cell_timeout) + _HARD_GRACE_S
        self.kernel.processes.hard_deadline = hard
        cause = await self._run_cell(index, cell, math.inf)
        stopped = None
        credit = CANARY_CREDIT_S
        if cause is not None:
            self.crashed.add(index)
            given = min(time.monotonic() - started, credit)
            self.deadline += given  # before the recovery, which needs the time
            credit -= given
            started = time.monotonic()
            stopped = await self._recover(index, cause)
        self.deadline += min(time.monotonic() - started, credit)
        if self.kernel is not None and self.kernel.processes is not None:
            self.kernel.processes.hard_deadline = self.deadline + _HARD_GRACE_S
        return stopped

    async def _run_cell(self, index: int, cell: NotebookNode, remaining: float) -> str | None:
        """Run one cell in the current kernel; None, or why its kernel is gone."""
        assert self.kernel is not None
        client, processes = self.kernel.client, self.kernel.processes
        assert client is not None and processes is not None
        limits = self.limits
        if processes.killed_for:  # it died between cells (a thread's memory, say)
            self.cell_seconds[index] = 0.0
            return processes.killed_for
        budget = min(limits.cell_timeout, remaining)
        by_notebook = budget < limits.cell_timeout  # a timeout now is the notebook's
        client.prepare(cell, index, budget)
        self.executed += 1
        started = time.monotonic()
        try:
            # Test cells (and canaries) stay out of the kernel's history (In, _ih, _i):
            # hidden tests must not be readable there by the student's code.
            await client.async_execute_cell(
                cell, index, execution_count=self.executed, store_history=not cells.is_test(cell)
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
        self.cell_seconds[index] = time.monotonic() - started
        self.replies[index] = client.replies.get(index)
        if processes.killed_for:  # the watchdog (memory, the hard deadline) killed it
            cause = processes.killed_for
        elif client.timed_out and by_notebook:
            cause = "notebook_timeout"
        if cause is None and client.timed_out:
            message = f"the cell ran longer than {_num(limits.cell_timeout)} s"
            client.clear_display_id_mapping(index)  # the note shifts the outputs
            cell.outputs.insert(
                0, error_output("CellTimeoutError", f"{message} and was interrupted")
            )
        client.cell_done(index)
        if index in client.truncated:
            scope = client.truncated[index]
            mb = limits.cell_output_mb if scope == "cell" else limits.output_mb
            self.truncated.append(
                {"cell": index, "scope": scope, "limit_mb": min(mb, limits.output_mb)}
            )
        if cause is None:
            self.cells_run += 1
        return cause

    # --- crashes -----------------------------------------------------------------------

    async def _recover(self, index: int, cause: str) -> str | None:
        """After the kernel crashed in cell ``index``: a fresh kernel that has re-run the
        earlier cells, and None; or the stop's sentence when there can be none."""
        cell = self.nb.cells[index]
        assert self.kernel is not None and self.kernel.processes is not None
        self.kernel.processes.kill(None)
        if cause == "notebook_timeout":
            return self._end(index, cause)
        canary = index in self.canaries
        if not canary and self._student_restarts() >= self.limits.max_restarts:
            return self._end(index, cause, "limit")
        started = time.monotonic()
        await self._close_kernel()
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return self._end(index, cause, "time")
        try:
            await self._start_kernel(min(STARTUP_TIMEOUT_S, remaining))
        except _StartFailed as error:
            if time.monotonic() >= self.deadline:
                return self._end(index, cause, "time")
            return self._end(index, cause, "start", str(error))
        replay_started = time.monotonic()
        plan, skipped = self._replay_plan(index)
        failure = await self._replay(plan)
        if failure is not None:
            at, why = failure
            if why == "notebook_timeout":
                return self._end(index, cause, "time")
            detail = f"{_cell_name(self.nb.cells[at], at)}: {_what(why, self.limits, '')}"
            return self._end(index, cause, "replay", detail)
        limit, unit = _limit(cause, self.limits)
        self.restarts.append(
            {
                "cell": index,
                "status": _status(cause),
                "cause": cause,
                "limit": limit,
                "unit": unit,
                "replayed": len(plan),
                "skipped": skipped,
                "start_seconds": round(replay_started - started, 3),
                "replay_seconds": round(time.monotonic() - replay_started, 3),
            }
        )
        what = _what(cause, self.limits, self.failure)
        note = f"{what}; the kernel was stopped, and a fresh one re-ran the cells before "
        note += "this one that worked and went on after it"
        cell.outputs.insert(0, error_output(_STOPPED_ENAME[cause], note))
        return None

    def _student_restarts(self) -> int:
        return sum(1 for record in self.restarts if record["cell"] not in self.canaries)

    def _replay_plan(self, before: int) -> tuple[list[int], int]:
        """The cells before ``before`` a fresh kernel re-runs, and how many of the
        student's other code cells it does not: not test cells (canaries included), not
        cells that failed (no ``ok`` reply, an error output: an interrupt, a cut output,
        a crash), not the answers of exercises whose tests failed."""
        failed_answers = self._answers_of_failed_tests(before)
        plan, skipped = [], 0
        for index in range(before):
            cell = self.nb.cells[index]
            if cell.cell_type != "code" or not cell.source.strip() or cells.is_test(cell):
                continue
            if _worked(cell, self.replies[index]) and index not in failed_answers:
                plan.append(index)
            else:
                skipped += 1
        return plan, skipped

    def _answers_of_failed_tests(self, before: int) -> set[int]:
        """Solution cells answering a test before ``before`` that failed: for each such
        test, the nearest code cell above it that is not a test, if it is a solution,
        and the solution cells right above that one (an answer in several cells)."""
        answers: set[int] = set()
        for test in range(before):
            cell = self.nb.cells[test]
            if not cells.is_test(cell) or test in self.canaries:  # canaries always fail
                continue
            if test not in self.cell_seconds or _worked(cell, self.replies[test], test=True):
                continue
            found = False
            for index in range(test - 1, -1, -1):
                above = self.nb.cells[index]
                if above.cell_type != "code" or not above.source.strip():
                    continue
                if cells.is_test(above) and not found:
                    continue
                if cells.is_test(above) or not cells.is_solution(above):
                    break
                answers.add(index)
                found = True
        return answers

    async def _replay(self, plan: Sequence[int]) -> tuple[int, str] | None:
        """Re-run the cells of ``plan`` in the fresh kernel for its state; what they send
        is dropped. None, or the cell where the kernel died again and why (an error or
        an interrupt is not a failure: the replay goes on)."""
        assert self.kernel is not None
        client, processes = self.kernel.client, self.kernel.processes
        assert client is not None and processes is not None
        limits = self.limits
        client.replaying = True
        try:
            for index in plan:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    return index, "notebook_timeout"
                budget = min(limits.cell_timeout, remaining)
                original = self.nb.cells[index]
                copy = nbformat.v4.new_code_cell(original.source)
                client.prepare(copy, index, budget)
                try:
                    await client.async_execute_cell(copy, index, store_history=True)
                    why = None
                except DeadKernelError:
                    why = "kernel_died"
                except CellTimeoutError:
                    why = "unresponsive"
                except Exception as error:
                    log.exception("replaying cell %d failed", index + 1)
                    why, self.failure = "failed", f"{type(error).__name__}: {error}"
                finally:
                    self.nb.cells[index] = original  # nbclient puts the cell it ran there
                if processes.killed_for:
                    why = processes.killed_for
                elif client.timed_out and budget < limits.cell_timeout:
                    why = "notebook_timeout"
                if why is not None:
                    return index, why
        finally:
            client.replaying = False
            client._display_id_map.clear()  # nothing of the replay may be updated later
        return None

    # --- what happened -----------------------------------------------------------------

    def _end(self, index: int, cause: str, unrecovered: str = "", detail: str = "") -> str:
        """The crash in cell ``index`` ends the notebook: its error says why; return it."""
        stopped = self._stop(index, cause, unrecovered, detail)
        self.nb.cells[index].outputs.insert(0, error_output(_STOPPED_ENAME[cause], stopped))
        return stopped

    def _stop(self, index: int, cause: str, unrecovered: str = "", detail: str = "") -> str:
        """Record why execution stopped in cell ``index``; return that sentence."""
        limits = self.limits
        where = _cell_name(self.nb.cells[index], index)
        self.stopped_cell, self.cause, self.unrecovered = index, cause, unrecovered
        self.status = _status(cause)
        if cause == "notebook_timeout":
            what = f"the notebook was stopped after {_num(limits.notebook_timeout)} s"
            self.reason = f"{what} (notebook time limit) in {where}"
        elif cause == "memory":
            what = f"the kernel used more than {limits.memory_mb} MB and was stopped"
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
        if unrecovered == "limit":
            self.reason += f"; it had been restarted {self._student_restarts()} times already"
        elif unrecovered == "time":
            self.reason += "; no time was left to restart it"
        elif unrecovered == "start":
            self.reason += f"; a fresh kernel could not start ({detail})"
        elif unrecovered == "replay":
            self.reason += f"; a fresh kernel stopped again re-running {detail}"
        return self.reason

    def _invalid(self, reason: str) -> ExecutionResult:
        """Nothing ran: every code cell gets a NotRun error."""
        self.status, self.reason = "invalid", reason
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [error_output("NotRun", f"not run: {reason}")]
        return self._result()

    def _result(self) -> ExecutionResult:
        restarts = [r for r in self.restarts if r["cell"] not in self.canaries]
        cut = [t for t in self.truncated if t["cell"] not in self.canaries]
        if self.status == "ok":  # no stop: the first restart, else a cut, else nothing
            if restarts:
                self.status, self.cause = restarts[0]["status"], restarts[0]["cause"]
            elif cut:
                self.status = self.cause = "output_limit"
            verb = "had their turn" if self.restarts else "ran"
            self.reason = f"all {len(self.code_cells)} code cells {verb}"
            if restarts:
                cells_ = ", ".join(f"{r['cell'] + 1} ({r['cause']})" for r in restarts)
                self.reason += f"; the kernel was restarted after cells {cells_}"
            if cut:
                self.reason += "; outputs were cut in cells "
                self.reason += ", ".join(str(t["cell"] + 1) for t in cut)
        processes = self.kernel.processes if self.kernel is not None else None
        peak = max(self.peak_bytes, processes.peak_bytes if processes is not None else 0)
        return ExecutionResult(
            status=self.status,
            reason=self.reason,
            seconds=0.0,  # set by the caller, who knows when it started
            peak_memory_mb=peak / 2**20,
            sandboxed=self.sandboxed,
            cells_run=self.cells_run,
            cells_total=len(self.code_cells),
            stopped_cell=self.stopped_cell,
            cause=self.cause,
            unrecovered=self.unrecovered,
            restarts=self.restarts,
            truncated=self.truncated,
            cell_seconds=[self.cell_seconds.get(i) for i in range(len(self.nb.cells))],
            replies=self.replies,
        )


# The error a cell gets when its kernel stopped while it ran, by cause.
_STOPPED_ENAME = {
    "notebook_timeout": "NotebookTimeout",
    "memory": "MemoryLimit",
    "kernel_died": "KernelDied",
    "unresponsive": "CellTimeoutError",  # reported as "kernel_died"
    "failed": "ExecutionFailed",  # reported as "kernel_died"
}
_STATUSES = tuple(Status)


def _status(cause: str) -> str:
    """The ``Status`` value a stop or restart cause is reported as."""
    return cause if cause in _STATUSES else Status.KERNEL_DIED.value


def _limit(cause: str, limits: Limits) -> tuple[float | None, str]:
    """The limit a crash's cause involves, and its unit."""
    if cause == "memory":
        return limits.memory_mb, "MB"
    if cause == "unresponsive":
        return limits.cell_timeout, "s"
    return None, ""


def _what(cause: str, limits: Limits, failure: str) -> str:
    """What a crash was, in a few words, for a cell's error output."""
    if cause == "memory":
        return f"the kernel used more than {limits.memory_mb} MB in this cell"
    if cause == "unresponsive":
        return f"the cell ran longer than {_num(limits.cell_timeout)} s and ignored the interrupt"
    if cause == "failed":
        return f"running the cell failed ({failure})"
    if cause == "notebook_timeout":
        return "the notebook's time ran out"
    return "the kernel died in this cell (it crashed or exited)"


def _worked(cell: NotebookNode, reply: str | None, *, test: bool = False) -> bool:
    """Whether a cell ran cleanly: an ``ok`` reply and no error output; for a test, no
    stderr either (as ``autograder.scoring.passed_cleanly`` has it). Warnings on stderr
    from a set-up cell or an answer do not make it fail."""
    if reply != "ok":
        return False
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return False
        if test and output.output_type == "stream" and output.get("name") == "stderr":
            return False
    return True


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


def _cgroups(limits: Limits) -> Cgroups | None:
    """The run's control groups; None where none is writable (the watchdog polls then).
    A failure to make them (it is not the submission's doing) falls back the same way."""
    try:
        return Cgroups.create(limits)
    except OSError as error:
        log.warning("cgroups: could not make this run's groups, polling instead: %s", error)
        return None


def _runtime_folder() -> Path:
    """A private folder for the connection file and the kernel's sockets. A Unix socket's
    path has at most 107 bytes: under a long TMPDIR, /tmp is used instead."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-"))
    if len(str(folder)) > 80:
        folder.rmdir()
        folder = Path(tempfile.mkdtemp(prefix="autograder-", dir="/tmp"))
    return folder


class _KernelManager(AsyncKernelManager):
    """A kernel manager whose kernel command runs inside bubblewrap."""

    command_prefix: list[str] = []  # bwrap and its arguments; empty: no sandbox
    processes: KernelProcesses | None = None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [
            *_lift_address_space_limit(),
            *self.command_prefix,
            *super().format_kernel_cmd(extra_arguments),
            *PRELOAD_ARGUMENTS,
        ]

    async def interrupt_kernel(self) -> None:  # type: ignore[override]
        """SIGINT the kernel itself: bwrap would die of it and take the kernel along."""
        pid = self.processes.kernel_pid() if self.processes and self.command_prefix else None
        if pid is None:
            await super().interrupt_kernel()
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)


# The tests' helpers are imported from the installed course library before any student
# code runs (IPython runs exec_lines outside the history): a later `from dlcourse import
# checks` gets this module whatever the student put on sys.path.
PRELOAD_ARGUMENTS = ["--IPKernelApp.exec_lines=import dlcourse.checks as _dlcourse_checks"]


def _lift_address_space_limit() -> list[str]:
    """A command prefix that gives the kernel back the address space a grading worker
    gave up (``autograder.grade`` caps its own, soft limit only): TensorFlow reserves far
    more than it uses, and the kernel's memory is capped by cgroups or the watchdog."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == hard:
        return []
    code = (
        "import os, resource, sys; "
        "resource.setrlimit(resource.RLIMIT_AS, (resource.getrlimit(resource.RLIMIT_AS)[1],) * 2); "
        "os.execvp(sys.argv[1], sys.argv[1:])"
    )
    return [sys.executable, "-S", "-c", code]
