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

Modules: ``limits`` (Limits, Status, ExecutionResult), ``runner`` (one execution: kernel,
cell loop, stop causes), ``client`` (nbclient with per-cell budgets and the output cap),
``watchdog`` (the kernel's process tree and its limits), ``bwrap`` (the sandbox's command).
"""

from autograder.sandbox.bwrap import bubblewrap_available
from autograder.sandbox.limits import ExecutionResult, Limits, Status
from autograder.sandbox.runner import REPOSITORY_ROOT, execute_notebook

__all__ = [
    "REPOSITORY_ROOT",
    "ExecutionResult",
    "Limits",
    "Status",
    "bubblewrap_available",
    "execute_notebook",
]
