"""nbclient, cell by cell, with a time budget per cell and caps on kept output.

Output caps (``Limits.cell_output_mb`` per cell, ``Limits.output_mb`` for the notebook)
never stop the kernel: past a cap a cell's further outputs are dropped as they arrive (the
grader holds at most the caps, whatever the kernel prints), an ``OutputLimit`` error goes
first in its outputs (the cell fails) and the cell runs on to its end. Widget messages are
not kept at all (``handle_comm_msg``): nothing grows with what the kernel sends.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode

IOPUB_TIMEOUT_S = 5  # after a cell's reply (or an interrupt), for its last outputs
STARTUP_TIMEOUT_S = 60  # for the kernel to answer its first kernel_info


def error_output(ename: str, evalue: str) -> NotebookNode:
    """An error output, as nbgrader scores it: 0 points for the cell."""
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


class GradingClient(NotebookClient):
    """nbclient, cell by cell, with a time budget per cell and caps on kept output.

    One client per kernel: after a restart a fresh client counts the outputs the
    notebook holds already. While ``replaying``, cells run for their effect on the
    kernel only: nothing they send is kept or recorded.
    """

    def __init__(
        self,
        nb: NotebookNode,
        km: AsyncKernelManager,
        *,
        output_limit: int,
        cell_output_limit: int,
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
            iopub_timeout=IOPUB_TIMEOUT_S,
            startup_timeout=STARTUP_TIMEOUT_S,
            # nbclient skips cells with this tag; a submission could add it to a test cell.
            skip_cells_with_tag=f"never-{uuid.uuid4()}",
            # nbclient's own merging of streams takes time quadratic in the length of a
            # line (a regex): a 1 MB line would stall grading for minutes. See cell_done.
            coalesce_streams=False,
            # Widget state would be kept for the whole run, however much the kernel sends.
            store_widget_state=False,
            **kw,
        )
        self.timeout_func = self._timeout  # floats: the trait `timeout` takes integers only
        self.output_limit = output_limit
        self.cell_output_limit = min(cell_output_limit, output_limit)
        self.timed_out = False
        self.replaying = False  # run for the kernel's state only: keep and record nothing
        self.replies: dict[int, str] = {}  # cell index -> the kernel's reply status
        self.truncated: dict[int, str] = {}  # cell index -> "cell" or "notebook": cut there
        self._budget = 1.0
        self._cell: NotebookNode | None = None
        self._index: int | None = None
        self._cut = False  # the current cell's outputs were cut: drop the rest
        # Size of the outputs of the cells done: those the notebook holds already.
        self._done = sum(_size(out) for cell in nb.cells for out in _outputs(cell))
        self._live = 0  # size of the current cell's outputs, at most (\r is not applied)
        self._rewrote_others = False  # a display update changed an earlier cell

    async def _check_raise_for_error(
        self, cell: NotebookNode, cell_index: int, exec_reply: dict[str, Any] | None
    ) -> None:
        """Record each cell's execute-reply status ("ok", "error", "aborted"); with
        ``allow_errors`` nbclient raises nothing here."""
        if exec_reply is not None and not self.replaying:
            self.replies[cell_index] = str(exec_reply.get("content", {}).get("status"))
        await super()._check_raise_for_error(cell, cell_index, exec_reply)

    def _timeout(self, cell: NotebookNode) -> float:
        return self._budget

    def prepare(self, cell: NotebookNode, index: int, budget: float) -> None:
        """Before running ``cell`` (at ``index``): its time budget in seconds."""
        self._cell, self._index, self._budget = cell, index, max(budget, 0.01)
        self.timed_out, self._live, self._cut = False, 0, False

    def cell_done(self, index: int) -> None:
        """After cell ``index`` ran (or its kernel died): merge its streams, count its
        outputs."""
        self._merge_streams(self.nb.cells[index].outputs, index)
        if self._rewrote_others:
            self._done = sum(_size(out) for cell in self.nb.cells for out in _outputs(cell))
            self._rewrote_others = False
        else:
            self._done += sum(_size(out) for out in self.nb.cells[index].outputs)
        self._live, self._cut = 0, False

    def handle_comm_msg(
        self, outs: list[NotebookNode], msg: dict[str, Any], cell_index: int
    ) -> None:
        """Widgets are not kept: their state and comm objects would grow with whatever
        the kernel sends (an Output widget's contents come as the cell's own outputs)."""

    async def _async_handle_timeout(
        self, timeout: int, cell: NotebookNode | None = None
    ) -> None | dict[str, Any]:
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        if self.replaying or self._cut:
            return None  # dropped as it arrives: nothing accumulates
        size = _size(msg["content"])
        scope = self._over(size, outs, cell_index)
        if scope is not None:
            # Keep what fits of a stream (the start of a flood shows what it was).
            room = self._room() - self._live - 100
            if msg["msg_type"] == "stream" and room > 0:
                text = msg["content"]["text"][:room]
                msg["content"]["text"] = text.encode()[:room].decode(errors="ignore")
                super().output(outs, msg, display_id, cell_index)
            self._cut_cell(outs, cell_index, scope)
            return None
        self._live += size
        return super().output(outs, msg, display_id, cell_index)

    def clear_output(self, outs: list[NotebookNode], msg: dict[str, Any], cell_index: int) -> None:
        if not (self.replaying or self._cut):  # a cut cell keeps its note
            super().clear_output(outs, msg, cell_index)

    def _update_display_id(self, display_id: str, msg: dict[str, Any]) -> None:
        # An update rewrites outputs, earlier cells' included: count it as new output.
        if self.replaying or self._cut or display_id not in self._display_id_map:
            return
        copies = sum(len(indices) for indices in self._display_id_map[display_id].values())
        size = _size(msg["content"]) * copies
        outs = self._cell.outputs if self._cell is not None else []
        scope = self._over(size, outs, None)
        if scope is not None:
            if self._index is not None:
                self._cut_cell(outs, self._index, scope)
            return
        self._live += size
        self._rewrote_others = True
        super()._update_display_id(display_id, msg)

    def _room(self) -> int:
        """Bytes the current cell's outputs may take: its own cap, or what the notebook's
        cap leaves."""
        return min(self.cell_output_limit, self.output_limit - self._done)

    def _over(self, size: int, outs: list[NotebookNode], cell_index: int | None) -> str | None:
        """Whether ``size`` more bytes pass a cap, measured exactly if need be: None, or
        which cap: "notebook" when what the notebook had left was less than the cell's
        own cap (the cell lost output to earlier cells' outputs), else "cell"."""
        if self._live + size <= self._room():
            return None
        # The tally overcounts: merge and apply \r to this cell's streams, and measure.
        if cell_index is not None:
            self._merge_streams(outs, cell_index)
        if self._rewrote_others:
            others = (cell for cell in self.nb.cells if cell is not self._cell)
            self._done = sum(_size(out) for cell in others for out in _outputs(cell))
            self._rewrote_others = False
        self._live = sum(_size(out) for out in outs)
        if self._live + size <= self._room():
            return None
        return "notebook" if self.output_limit - self._done < self.cell_output_limit else "cell"

    def _cut_cell(self, outs: list[NotebookNode], cell_index: int, scope: str) -> None:
        """Keep no more of this cell's outputs; an error note first says so: the cell
        fails. The kernel runs on."""
        self._cut = True
        self.truncated.setdefault(cell_index, scope)
        # The note shifts the outputs: no display update may rewrite them (nor the note).
        self.clear_display_id_mapping(cell_index)
        if scope == "cell":
            mb = _mb(self.cell_output_limit)
            note = f"the outputs of this cell passed {mb} MB (the limit per cell)"
        else:
            note = f"the outputs of the notebook passed {_mb(self.output_limit)} MB"
        note += "; the rest were dropped, and the cell counts as failed"
        outs.insert(0, error_output("OutputLimit", note))

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


def _mb(size: int) -> str:
    return f"{size / 2**20:g}"


def _outputs(cell: NotebookNode) -> list[NotebookNode]:
    return cell.get("outputs", []) if cell.cell_type == "code" else []


def _size(value: Any) -> int:
    """Bytes of ``value`` as JSON, about what it takes in the stored notebook."""
    return len(json.dumps(value, ensure_ascii=False, default=str).encode())
