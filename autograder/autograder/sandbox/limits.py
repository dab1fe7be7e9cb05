"""What one notebook may use (``Limits``) and how its execution went (``ExecutionResult``).

Stop causes are data: ``Status`` says why execution stopped and ``ExecutionResult`` carries
the cell and the limit involved, so feedback and reports never parse English back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Status(enum.StrEnum):
    """Why the execution of a notebook ended."""

    OK = "ok"  # ran to the end; cells may have errors
    NOTEBOOK_TIMEOUT = "notebook_timeout"  # the whole-notebook time limit
    MEMORY = "memory"  # the memory cap
    KERNEL_DIED = "kernel_died"  # os._exit, a segfault, or a cell that ignored the interrupt
    OUTPUT_LIMIT = "output_limit"  # the output cap
    INVALID = "invalid"  # not a notebook, or the kernel could not start


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
    """Memory of the kernel and all its child processes, including what they keep in
    the sandbox's in-memory file systems (the working folder, /tmp, /dev/shm) and in
    memfd files; over it the kernel is killed. Enforced by the memory cgroup where one
    is writable (every page is charged to it), else by polling the RSS every 0.1 s."""
    output_mb: float = 5.0
    """Total size of the outputs kept; beyond it outputs are dropped, one note replaces
    them and execution stops."""
    disk_mb: int = 512
    """Size of the kernel's working folder, a tmpfs in the sandbox holding a copy of the
    submission's files: a write past it fails with ENOSPC. It is memory too, so what is
    written there also counts against ``memory_mb``."""
    processes: int = 256
    """Processes and threads (each thread is a task) the kernel may have at once; past
    it ``fork`` and thread starts fail (EAGAIN). Enforced by the pids cgroup; TensorFlow
    with a small Keras fit uses about 10 at one thread per pool (the sandbox sets one
    per CPU of ``cpus``)."""
    cpus: float = 1.0
    """CPUs the kernel and its children may use together (a CFS quota: 0.5 is half of
    one CPU, 2 is two), so one submission's spinning processes cannot slow another's."""

    def __post_init__(self) -> None:
        numbers = ("cell_timeout", "notebook_timeout", "memory_mb", "output_mb", "disk_mb")
        for name in (*numbers, "processes", "cpus"):
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
    stopped_cell: int | None = None
    """Index (in the executed notebook) of the cell in which execution stopped, when
    ``status`` is not "ok"."""
    cause: str = ""
    """What stopped it, finer than ``status``: a status value, or "unresponsive" (a cell
    ignored the interrupt after its time limit) or "failed" (nbclient broke), both
    reported as "kernel_died"; "" when it ran to the end."""
    cell_seconds: list[float | None] = field(default_factory=list)
    """Per cell index: how long the cell ran, or None when it did not."""
    replies: list[str | None] = field(default_factory=list)
    """Per cell index: the kernel's execute-reply status ("ok", "error", "aborted"), or
    None when the cell did not run or got no reply. The kernel's word: trusted code uses
    it only to take credit away (a test whose reply is not "ok" fails), never to give it."""
