"""What one notebook may use: ``Limits``, part of the course's definition.

course.toml sets them (``[limits]`` for every lesson, a lesson's own keys on top; read by
``autograder.config``); the sandbox enforces them (``autograder.sandbox``) and grading
ships them with each task.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one notebook may use. Times in seconds, sizes in MB (2**20 bytes)."""

    cell_timeout: float = 120.0
    """Seconds per cell; a cell over it is interrupted, gets an error and the next cells
    still run (nbgrader's behaviour)."""
    notebook_timeout: float = 600.0
    """Seconds for the whole notebook (not counting the first kernel's start; a restart's
    kernel start and replay count); over it, execution stops and every code cell not run
    gets a NotRun error."""
    memory_mb: int = 4096
    """Memory of the kernel and all its child processes, including what they keep in
    the sandbox's in-memory file systems (the working folder, /tmp, /dev/shm) and in
    memfd files; over it the kernel is killed. Enforced by the memory cgroup where one
    is writable (every page is charged to it), else by polling the RSS every 0.1 s.
    The cell that passed it gets an error and the notebook goes on in a fresh kernel
    (``max_restarts``)."""
    output_mb: float = 5.0
    """Total size of the outputs kept for the whole notebook: it bounds the stored
    notebook and what the grader holds, whatever the kernel prints. Past it, every further
    output is dropped, and each cell that loses one gets an ``OutputLimit`` error note
    (so it fails). Execution goes on."""
    cell_output_mb: float = 1.0
    """Size of the outputs kept per cell (at most ``output_mb``). Past it, the cell's
    further outputs are dropped (of a stream, what fits is kept), an ``OutputLimit`` error
    note goes first in its outputs, so the cell counts as failed (a truncated test can
    never look like a clean pass), and it runs on to its end: a print in a training loop
    still trains the model later cells use. Being smaller than ``output_mb``, it keeps one
    cell's flood from silencing the later cells: it takes ``output_mb / cell_output_mb``
    flooding cells to use up the notebook's room."""
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
    max_restarts: int = 3
    """Fresh kernels a notebook may get after a crash (memory, a dead kernel, a cell that
    ignored the interrupt): each kills the crashed kernel's processes, starts a fresh one
    in a fresh sandbox, re-runs the earlier cells that worked (not tests, not cells that
    failed, not the answers of exercises whose tests failed; their outputs discarded) and
    goes on after the crashed cell. The next crash stops the notebook. 0: every crash
    stops it. Crashes in the grader's canary copies of tests do not count."""

    def __post_init__(self) -> None:
        numbers = ("cell_timeout", "notebook_timeout", "memory_mb", "output_mb", "disk_mb")
        for name in (*numbers, "cell_output_mb", "processes", "cpus"):
            if not getattr(self, name) > 0:
                raise ValueError(f"Limits.{name} must be positive, not {getattr(self, name)!r}")
        if not (isinstance(self.max_restarts, int) and self.max_restarts >= 0):
            raise ValueError(f"Limits.max_restarts must be 0 or more, not {self.max_restarts!r}")
