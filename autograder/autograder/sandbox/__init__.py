"""Run one student notebook to the end in a sandbox, under time, memory and output limits.

This is the "execute" step of grading. Trusted code (``autograder.scoring``, then
nbgrader's SaveAutoGrades) scores the executed notebook: nothing the kernel says is taken
as a pass (see there). Every code cell that did not run because execution was stopped
gets an ``error`` output here ("NotRun"); outputs the submission arrived with are cleared
first. Test cells run outside the kernel's history (``In``, ``_ih``), and each cell's
execute-reply status is recorded (``ExecutionResult.replies``).

A crash costs only the cell that caused it. An output flood is cut in its cell, which
fails, and the kernel goes on. A memory blow-up, a dead kernel or a cell deaf to the
interrupt in cell k: that kernel and everything in its groups are killed, a fresh kernel
starts in a fresh sandbox, re-runs the earlier cells that worked (set-up, answers whose
tests passed, demos: not tests, not cells that failed, not the answers of failed
exercises; their outputs discarded), cell k gets an error that says what happened, and
execution goes on with cell k + 1; up to ``Limits.max_restarts`` times, within the
notebook's time limit. ``ExecutionResult.restarts`` and ``truncated`` say what happened
as data; ``Status`` says which stops end the notebook.

Threat model: the submission's code is hostile or just broken. It may

- loop forever: each cell has ``Limits.cell_timeout``; a cell over it is interrupted,
  gets an error output and the next cells still run (nbgrader's own behaviour). A cell
  that ignores the interrupt gets the kernel killed and restarted (status "kernel_died",
  cause "unresponsive");
- run too long in total: ``Limits.notebook_timeout`` stops the whole notebook and every
  code cell not run gets a NotRun error. A watchdog kills the kernel shortly after the
  limit even if the kernel ignores interrupts;
- exhaust memory, processes or CPU: the kernel runs in control groups made for this run
  below the grader's own (``cgroups``): memory (anonymous memory, tmpfs, /dev/shm and
  memfd pages alike) capped at ``Limits.memory_mb``, at most ``Limits.processes``
  processes and threads, ``Limits.cpus`` CPUs. The kernel joins them before it runs
  anything; an out-of-memory kill there is status "memory" (and a restart). Where no
  cgroup is writable a watchdog polls the tree's memory instead (said once, as a
  warning). An address-space rlimit is not used: it breaks TensorFlow's allocator;
- crash its kernel (``os._exit``, a segfault): the cell gets an error, the kernel is
  restarted;
- flood the notebook with output: outputs are counted as they arrive; past
  ``Limits.cell_output_mb`` in a cell or ``Limits.output_mb`` in all, further outputs
  are dropped as they arrive (of a stream, what fits is kept) and an error note goes
  first in the cell (it fails), so the stored notebook and the grader's memory stay
  small whatever the kernel prints; the kernel goes on;
- read or write files, open sockets, leave things behind: the kernel runs in bubblewrap
  (``bwrap``) with an allowlist of read-only binds (the interpreter, the virtual
  environment, /usr, the parts of /etc a Python kernel needs; nothing of /run, /var,
  /home, /srv), a size-capped in-memory working folder (``Limits.disk_mb``) filled with
  a copy of the plain files of ``workdir`` (which is never bound, nor written), private
  in-memory /tmp and HOME, no network and its own pid namespace. Nothing the kernel
  writes is read back by trusted code; all of it is discarded. It gets a minimal
  environment: none of the grader's variables (tokens) reach it.

Not covered: for a grader running as root, root-only files inside the bound trees are
readable (the kernel runs as uid 0 without capabilities); run the grader as an
unprivileged user where that matters (README: "Grading as an unprivileged user").

Without bubblewrap (``sandbox=False``, or ``None`` where bwrap does not work) the limits
still hold, but there is no isolation: the kernel can read what the grader can.

The kernel talks to the grader over Unix sockets (jupyter's ``ipc`` transport) in a
private runtime folder (the connection file read-only to the kernel): a TCP client
cannot reach a kernel in a new network namespace.

Modules: ``outcome`` (Status, ExecutionResult), ``runner`` (one execution: kernels, cell
loop, restarts and replays, stop causes), ``client`` (nbclient with per-cell budgets and
the output caps), ``watchdog`` (the kernel's process tree, the polling fallback),
``cgroups`` (the run's control groups), ``bwrap`` (the sandbox's command). The limits it
enforces are the course's: ``autograder.limits.Limits`` (exported here too).
"""

from autograder.limits import Limits
from autograder.sandbox.bwrap import bubblewrap_available
from autograder.sandbox.outcome import ExecutionResult, Status
from autograder.sandbox.runner import REPOSITORY_ROOT, execute_notebook

__all__ = [
    "REPOSITORY_ROOT",
    "ExecutionResult",
    "Limits",
    "Status",
    "bubblewrap_available",
    "execute_notebook",
]
