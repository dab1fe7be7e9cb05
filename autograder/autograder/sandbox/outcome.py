"""How the execution of one notebook went (``ExecutionResult``, ``Status``); what it may
use (``Limits``) is the course's, in ``autograder.limits``.

What happened is data: ``Status`` names it, and ``ExecutionResult`` carries the cells and
the limits involved (``stopped_cell``, ``restarts``, ``truncated``), so feedback and
reports format these fields and never parse English back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Status(enum.StrEnum):
    """What happened to the execution of a notebook: "ok" only when nothing did.

    Which stops end the notebook, and why:

    - ``NOTEBOOK_TIMEOUT`` always: the notebook's time is spent, there is none left for a
      fresh kernel and a replay, and a limit that a restart could reset would be no limit.
    - ``INVALID`` always: nothing ran (not a notebook, or no kernel could start).
    - ``MEMORY`` and ``KERNEL_DIED`` (a crash, ``os._exit``, a cell that ignored the
      interrupt after its time limit) cost only the cell that caused them: the kernel and
      its sandbox are killed, a fresh one re-runs the earlier cells that worked
      (``ExecutionResult.restarts``) and the notebook goes on after that cell. They end
      the notebook only when that cannot be done (``ExecutionResult.unrecovered`` says
      why): ``Limits.max_restarts`` restarts were used already, no time is left, the
      fresh kernel does not start, or it dies again while re-running the earlier cells.
    - ``OUTPUT_LIMIT`` never: outputs past the caps are dropped (``truncated``), the
      kernel goes on.
    """

    OK = "ok"  # nothing happened: ran to the end, no restart, no output cut (cells may err)
    NOTEBOOK_TIMEOUT = "notebook_timeout"  # the whole-notebook time limit; always a stop
    MEMORY = "memory"  # the memory cap; a restart, or a stop if none is possible
    KERNEL_DIED = "kernel_died"  # os._exit, a segfault, a cell deaf to the interrupt: same
    OUTPUT_LIMIT = "output_limit"  # outputs were cut; never a stop
    INVALID = "invalid"  # not a notebook, or the kernel could not start; nothing ran


@dataclass
class ExecutionResult:
    """How the execution of one notebook went: plain JSON-able fields (``asdict``)."""

    status: str
    """A ``Status`` value: what happened. "ok" only when nothing did (ran to the end with
    no restart and no output cut; cells may have errors). Otherwise, in this order:

    - execution stopped before the end (``stopped_cell`` is set): why it stopped, as
      before recovery existed ("notebook_timeout", "memory", "kernel_died"), or "invalid";
    - it ran to the end after restarts: the status of the first restart ("memory" or
      "kernel_died"; ``restarts`` has them all);
    - it ran to the end with outputs cut: "output_limit" (``truncated``).

    So ``stopped_cell is None`` (and status not "invalid") means every code cell had its
    turn; restarts and cuts cost only the cells in ``restarts`` and ``truncated``.
    Events in the grader's canary copies of tests do not count here."""
    reason: str
    """One human sentence, for logs, e.g. "the kernel used more than 4096 MB and was
    stopped in cell 5". Never parse it: the fields below say the same as data."""
    seconds: float
    """Wall time of the whole call, the kernel's starts and replays included."""
    peak_memory_mb: float
    """The most any one of the run's kernels used."""
    sandboxed: bool
    """False when the kernel ran without bubblewrap."""
    cells_run: int
    """Code cells that ran to their end (with or without an error, or interrupted after
    ``cell_timeout``); not those whose kernel crashed."""
    cells_total: int
    """Code cells with code in them."""
    stopped_cell: int | None = None
    """Index (in the executed notebook) of the cell in which execution stopped for good;
    None when every code cell had its turn (after restarts, maybe) or nothing ran."""
    cause: str = ""
    """Finer than ``status``, for the same event (the stop, else the first restart, else
    "output_limit"): a status value, or "unresponsive" (a cell ignored the interrupt
    after its time limit) or "failed" (nbclient broke), both reported as "kernel_died";
    "" when nothing happened."""
    unrecovered: str = ""
    """Why the crash at ``stopped_cell`` ended the notebook instead of a restart: "limit"
    (``Limits.max_restarts`` restarts were used), "time" (no time left for a fresh kernel
    and its replay), "start" (the fresh kernel could not start), "replay" (it died again
    while re-running an earlier cell). "" otherwise (a notebook timeout is always a
    stop, and needs no reason)."""
    restarts: list[dict[str, Any]] = field(default_factory=list)
    """One per fresh kernel, in order, each a dict of:

    - ``cell``: index of the cell whose crash it followed (that cell got an error output
      saying what happened; the notebook went on after it);
    - ``status``: "memory" or "kernel_died"; ``cause``: finer, as ``cause`` above;
    - ``limit`` and ``unit``: the limit involved (``Limits.memory_mb``, "MB", or
      ``Limits.cell_timeout``, "s", for "unresponsive"), else None and "";
    - ``replayed``: how many earlier cells the fresh kernel re-ran; ``skipped``: earlier
      non-test code cells it did not (they failed, or answer an exercise whose tests
      failed); ``start_seconds``: the stop and the fresh kernel's start;
      ``replay_seconds``: the re-run.

    A restart after a crash in a canary copy is here too (``cell`` is the canary's
    index: ``autograder.scoring.remove_canaries`` drops it), but does not count against
    ``Limits.max_restarts``."""
    truncated: list[dict[str, Any]] = field(default_factory=list)
    """One per cell whose outputs were cut, in order: ``cell`` (its index; it got an
    ``OutputLimit`` error first in its outputs, so it fails), ``scope`` ("cell": it passed
    ``Limits.cell_output_mb``; "notebook": the notebook's outputs had passed
    ``Limits.output_mb``) and ``limit_mb`` (that limit)."""
    cell_seconds: list[float | None] = field(default_factory=list)
    """Per cell index: how long the cell ran, or None when it did not (a replay's time is
    in ``restarts``)."""
    replies: list[str | None] = field(default_factory=list)
    """Per cell index: the kernel's execute-reply status ("ok", "error", "aborted"), or
    None when the cell did not run or got no reply (a cell whose kernel crashed gets
    none). The kernel's word: trusted code uses it only to take credit away (a test
    whose reply is not "ok" fails), never to give it."""
