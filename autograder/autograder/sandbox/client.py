"""nbclient, cell by cell, with a time budget per cell and a cap on kept output."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
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
            iopub_timeout=IOPUB_TIMEOUT_S,
            startup_timeout=STARTUP_TIMEOUT_S,
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
        self.replies: dict[int, str] = {}  # cell index -> the kernel's reply status
        self._on_output_limit = on_output_limit
        self._budget = 1.0
        self._cell: NotebookNode | None = None
        self._done = 0  # size of the outputs of the cells done
        self._live = 0  # size of the current cell's outputs, at most (\r is not applied)
        self._rewrote_others = False  # a display update changed an earlier cell

    async def _check_raise_for_error(
        self, cell: NotebookNode, cell_index: int, exec_reply: dict[str, Any] | None
    ) -> None:
        """Record each cell's execute-reply status ("ok", "error", "aborted"); with
        ``allow_errors`` nbclient raises nothing here."""
        if exec_reply is not None:
            self.replies[cell_index] = str(exec_reply.get("content", {}).get("status"))
        await super()._check_raise_for_error(cell, cell_index, exec_reply)

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
        outs.insert(0, error_output("OutputLimit", note))
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
