"""`course formgrader`: nbgrader's formgrader on this course, for the written answers.

Starts JupyterLab (with nbgrader's formgrader server extension) as a child process:

- the formgrader reads the same settings as ``course grade`` (``nbgrader_config(course)``:
  workspace, gradebook URL, source/ and release/), from a small ``nbgrader_config.py``
  written to ``<workspace>/.formgrader/`` and found there as the server's working folder;
- the server's root folder is the course's root, which must hold the workspace (nbgrader's
  rule: the course folder lies under the server's root);
- it listens on 127.0.0.1 with a fresh random token, on a free port unless one is given;
- ``--allow-root`` is passed only when running as root.

The child runs in its own session, so Ctrl-C in the terminal reaches only ``course``,
which then stops the server with SIGTERM (Jupyter's clean shutdown) instead of Jupyter's
"Shutdown this Jupyter server (y/[n])?" prompt. The server's log goes to
``<workspace>/.formgrader/server.log``; its last lines are shown when it fails to start.

A submission is hostile, and the formgrader shows it to the instructor in a page of the
server's own origin: a script there could read the ``_xsrf`` cookie and start kernels as
the instructor. nbgrader renders submissions with nbconvert's ``HTMLExporter`` as they
are (no ``sanitize_html``, and its formgrade template never cleans markdown cells), so the
server loads this module as a server extension instead of nbgrader's own formgrader: it
loads nbgrader's, then swaps in ``SafeHTMLExporter`` and headers of its own. Four walls,
each enough alone against script from the submission:

1. ``safe_notebook``: the notebook is rebuilt from an allowlist before rendering (cell
   types, nbgrader metadata with plain grade ids, output types and mime types that
   display as data, never as code); everything else becomes a one-line note.
2. ``clean_html``: every piece of HTML the student wrote (rendered markdown, HTML
   outputs, raw cells) goes through bleach with an allowlist of text tags and attributes:
   no script, event handler, style, frame, form, ``<base>``, ``<meta>``, SVG or MathML,
   no ``javascript:`` or ``data:`` links, no ``id`` or ``name`` to clobber the grading
   form. Disallowed tags are shown as text, so the instructor sees what was tried.
3. A Content-Security-Policy in the page: only the scripts that nbgrader's page has
   without the student's cells may run (a fresh nonce on the head's scripts, the hashes of
   the others), ``'strict-dynamic'``, no plugins, no ``<base>``; no other origin's images.
4. Files of a submission folder served by nbgrader (``/formgrader/submissions/<id>/<file>``)
   get ``Content-Security-Policy: sandbox``: an HTML or SVG file opened there runs nothing
   and has no origin; every formgrader page gets ``object-src 'none'; base-uri 'none'``.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import html
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bleach
import nbformat
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from tornado.web import OutputTransform

from autograder.config import Course, scripts_on_path

# The server extension that `command` enables in place of nbgrader's own formgrader.
EXTENSION = "autograder.formgrader"
NBGRADER_FORMGRADER = "nbgrader.server_extensions.formgrader"

START_TIMEOUT_S = 90  # JupyterLab's first start builds its settings; allow for a slow disk
STOP_TIMEOUT_S = 15


class FormgraderError(RuntimeError):
    """The server could not start; the message says why and what to look at."""


@dataclass(frozen=True)
class Server:
    """A running formgrader: where it listens and how to stop it."""

    process: subprocess.Popen
    host: str
    port: int
    token: str
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "formgrader") -> str:
        """``path`` on the server, with the token: paste it into a browser."""
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}"

    def stop(self) -> int:
        """Stop the server cleanly (SIGTERM, then SIGKILL); its exit status."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


def server_root(course: Course) -> Path:
    """The folder the server serves: the course's root, which must hold the workspace."""
    root, workspace = course.root.resolve(), course.workspace.resolve()
    if not workspace.is_relative_to(root):
        raise FormgraderError(
            f"the workspace {workspace} is not inside the course's folder {root}: nbgrader's "
            "formgrader needs it there (set [course] workspace to a folder under it)"
        )
    return root


def write_config(course: Course) -> Path:
    """The folder with the ``nbgrader_config.py`` that points nbgrader at this course."""
    folder = course.workspace / ".formgrader"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        "# Written by `course formgrader`: nbgrader's settings for this course.\n"
        "from pathlib import Path\n\n"
        "from autograder.config import load_course, nbgrader_config\n\n"
        "c = get_config()  # noqa: F821\n"
        f"c.merge(nbgrader_config(load_course(Path({str(course.file.resolve())!r}))))\n"
        "# Submissions are hostile: never render their HTML as it is. (The server extension\n"
        "# autograder.formgrader does more; this holds even where nbgrader's own is loaded.)\n"
        "c.HTMLExporter.sanitize_html = True\n"
    )
    return folder


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def command(root: Path, host: str, port: int, token: str) -> list[str]:
    """The JupyterLab command line that serves ``root`` with the formgrader."""
    argv = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        # nbgrader's formgrader, loaded by ours (which makes its pages safe), not by itself
        f"--ServerApp.jpserver_extensions={EXTENSION}=True",
        f"--ServerApp.jpserver_extensions={NBGRADER_FORMGRADER}=False",
    ]  # fmt: skip
    if os.geteuid() == 0:
        argv.append("--allow-root")
    return argv


def start(course: Course, *, host: str = "127.0.0.1", port: int | None = None) -> Server:
    """Start the formgrader and wait until it answers; FormgraderError if it does not."""
    folder = write_config(course)
    return launch(server_root(course), folder, host=host, port=port,
                  ready_path="formgrader/api/assignments", log=folder / "server.log")  # fmt: skip


def launch(
    root: Path,
    cwd: Path,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    ready_path: str = "api/status",
    log: Path,
) -> Server:
    """Start JupyterLab serving ``root`` (run in ``cwd``), wait until ``ready_path`` answers.

    Raises FormgraderError, with the end of the server's ``log``, when it exits or does
    not answer within START_TIMEOUT_S.
    """
    port = port or free_port(host)
    token = secrets.token_hex(24)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0")
    scripts_on_path(env)  # nbgrader runs `alembic` when it creates the gradebook's tables
    with log.open("w") as out:
        process = subprocess.Popen(
            command(root, host, port, token),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches `course`, which stops the server
        )
    server = Server(process, host, port, token, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise FormgraderError(f"JupyterLab exited ({process.returncode}):\n{_tail(log)}")
            if _answers(server, ready_path):
                return server
            time.sleep(0.3)
    except BaseException:  # Ctrl-C while starting too: never leave the server behind
        server.stop()
        raise
    server.stop()
    raise FormgraderError(
        f"JupyterLab did not answer on {server.base_url} in {START_TIMEOUT_S} s:\n{_tail(log)}"
    )


def _answers(server: Server, path: str) -> bool:
    request = urllib.request.Request(
        f"{server.base_url}/{path}",
        headers={"Authorization": f"token {server.token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _tail(log: Path, lines: int = 15) -> str:
    try:
        text = log.read_text(errors="replace").splitlines()
    except OSError:
        return f"(no log at {log})"
    return "\n".join(f"  | {line}" for line in text[-lines:]) + f"\n  (whole log: {log})"


# --------------------------------------------------------------------------- safe pages

# Text and structure a written answer or an output may use; anything else is shown as text.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
    "pre", "s", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var",
})  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
}
# Code highlighting's classes (Pygments' short token names, "highlight", "hl-python"), and
# no others: nbgrader's grading form and its script find their elements by class.
_CLASSED = {"code", "div", "pre", "span"}
_CLASS = re.compile(
    r"(?:[a-z]{1,3}[0-9]?|highlight|hl-[a-z0-9]+)(?: (?:[a-z]{1,3}[0-9]?|hl-[a-z0-9]+))*"
)
_URL_NOISE = re.compile(r"[`\x00-\x20\x7f-\xa0\s]+")
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,", re.IGNORECASE)
_CLEANER = None  # built on first use


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return tag in _CLASSED and _CLASS.fullmatch(value) is not None
    if name not in _ATTRIBUTES.get(tag, ()):
        return False
    if name in ("href", "src"):
        # bleach checks the scheme after this (http, https, mailto, data): data: only for
        # an image's raster pixels, never a link (a data: page is a script's way in).
        url = _URL_NOISE.sub("", html.unescape(value)).lower()
        if url.startswith("data:"):
            return name == "src" and _DATA_IMAGE.match(url) is not None
    return True


def clean_html(text: str) -> str:
    """``text`` (HTML a student wrote or a cell displayed) with only ALLOWED_TAGS and their
    plain attributes; every other tag is escaped, so it reads as text and never runs."""
    global _CLEANER
    if _CLEANER is None:
        _CLEANER = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allowed_attribute,
            protocols={"http", "https", "mailto", "data"},
            strip=False,
            strip_comments=True,
        )
    return _CLEANER.clean(str(text))


# Outputs kept as they are: text, and pixels in a data: URL (an SVG is shown as <img>,
# where it runs nothing); HTML and markdown kept once cleaned; all else becomes a note.
_PLAIN_MIMES = ("text/plain", "text/latex", "image/png", "image/jpeg", "image/svg+xml")
_HTML_MIMES = ("text/html", "text/markdown")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
_GRADE_ID = re.compile(r"[A-Za-z0-9_.-]{1,200}")
_CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NBGRADER_FLAGS = ("grade", "solution", "locked", "task")


def safe_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``notebook`` rebuilt from what the formgrader needs to show, each field
    checked: a page rendered from it holds no markup the student chose outside of
    ``clean_html``, wherever nbconvert's or nbgrader's templates put a field."""
    safe = nbformat.v4.new_notebook()
    safe.metadata = nbformat.from_dict({
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "pygments_lexer": "ipython3"},
    })  # fmt: skip
    for cell in notebook.get("cells", []):
        kind = cell.get("cell_type")
        source = _text(cell.get("source", ""))
        if kind == "code":
            new = nbformat.v4.new_code_cell(source)
            count = cell.get("execution_count")
            new.execution_count = count if isinstance(count, int) else None
            new.outputs = [out for raw in cell.get("outputs", []) if (out := _safe_output(raw))]
        elif kind == "markdown":
            new = nbformat.v4.new_markdown_cell(source)  # cleaned once rendered: markdown2html
            attachments = _safe_attachments(cell.get("attachments"))
            if attachments:
                new.attachments = attachments
        else:  # raw, or a type nbformat does not know: shown as cleaned text
            new = nbformat.v4.new_raw_cell(clean_html(source))
        cell_id = cell.get("id")
        if isinstance(cell_id, str) and _CELL_ID.fullmatch(cell_id):
            new.id = cell_id
        nbgrader = _safe_nbgrader(cell.get("metadata", {}).get("nbgrader"))
        if nbgrader:
            new.metadata = nbformat.from_dict({"nbgrader": nbgrader})
        safe.cells.append(new)
    return safe


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else ""


def _safe_nbgrader(meta: Any) -> dict[str, Any] | None:
    """nbgrader's cell metadata, when its grade id is a plain name (the formgrade template
    writes it into an HTML attribute as it is); None otherwise."""
    if not isinstance(meta, dict):
        return None
    grade_id = meta.get("grade_id")
    if not (isinstance(grade_id, str) and _GRADE_ID.fullmatch(grade_id)):
        return None
    safe: dict[str, Any] = {"grade_id": grade_id}
    safe.update({flag: bool(meta.get(flag, False)) for flag in _NBGRADER_FLAGS})
    points = meta.get("points")
    if isinstance(points, int | float) and not isinstance(points, bool):
        safe["points"] = float(points)
    if isinstance(meta.get("schema_version"), int):
        safe["schema_version"] = meta["schema_version"]
    return safe


def _safe_attachments(attachments: Any) -> dict[str, Any]:
    """Pasted images (png, jpeg, gif) of a markdown cell; nothing else."""
    if not isinstance(attachments, dict):
        return {}
    safe = {}
    for name, bundle in attachments.items():
        if not (isinstance(name, str) and _CELL_ID.fullmatch(name.replace(".", "_"))):
            continue
        if not isinstance(bundle, dict):
            continue
        for mime in ("image/png", "image/jpeg", "image/gif"):
            data = bundle.get(mime)
            if isinstance(data, str) and _BASE64.fullmatch(data):
                safe[name] = {mime: data}
                break
    return safe


def _safe_output(output: Any) -> nbformat.NotebookNode | None:
    """One output rebuilt from what it may show; None for an output with nothing to show."""
    if not isinstance(output, dict):
        return None
    kind = output.get("output_type")
    if kind == "stream":
        name = "stderr" if output.get("name") == "stderr" else "stdout"
        return nbformat.v4.new_output("stream", name=name, text=_text(output.get("text")))
    if kind == "error":
        traceback = output.get("traceback")
        return nbformat.v4.new_output(
            "error",
            ename=_text(output.get("ename")),
            evalue=_text(output.get("evalue")),
            traceback=[_text(line) for line in traceback] if isinstance(traceback, list) else [],
        )
    if kind not in ("display_data", "execute_result"):
        return nbformat.v4.new_output(
            "stream", name="stdout", text=f"[{_text(kind)!r} output not shown]\n"
        )
    data = output.get("data") if isinstance(output.get("data"), dict) else {}
    safe, dropped = {}, []
    for mime, value in data.items():
        text = _text(value)
        if mime in ("image/png", "image/jpeg") and not _BASE64.fullmatch(text):
            dropped.append(mime)
        elif mime in _PLAIN_MIMES:
            safe[mime] = text
        elif mime == "text/html":
            safe[mime] = clean_html(text)
        elif mime == "text/markdown":
            safe[mime] = text  # rendered by SafeHTMLExporter.markdown2html, which cleans
        else:
            dropped.append(str(mime))
    if dropped and not any(mime in safe for mime in (*_PLAIN_MIMES, *_HTML_MIMES)):
        safe["text/plain"] = f"[output not shown: {', '.join(sorted(dropped))}]"
    if not safe:
        return None
    sizes = output.get("metadata") if isinstance(output.get("metadata"), dict) else {}
    metadata = {}  # an image's width and height, as numbers; nothing else
    for mime in ("image/png", "image/jpeg"):
        size = sizes.get(mime) if isinstance(sizes.get(mime), dict) else {}
        kept = {key: size[key] for key in ("width", "height") if isinstance(size.get(key), int)}
        if kept:
            metadata[mime] = kept
    if kind == "execute_result":
        count = output.get("execution_count")
        return nbformat.v4.new_output(
            "execute_result", data=safe, metadata=metadata,
            execution_count=count if isinstance(count, int) else None,
        )  # fmt: skip
    return nbformat.v4.new_output("display_data", data=safe, metadata=metadata)


class SafeHTMLExporter(HTMLExporter):
    """nbgrader's exporter (template ``formgrade``) for hostile notebooks: renders
    ``safe_notebook(nb)``, cleans every rendered markdown text with ``clean_html``, never
    emits widget state or JavaScript outputs (``sanitize_html`` on, whatever the config),
    and puts a Content-Security-Policy in the page (``page_policy``)."""

    @pass_context
    def markdown2html(self, context, source):
        return clean_html(super().markdown2html(context, source))

    def default_filters(self):
        yield from super().default_filters()
        # nbconvert's own clean_html escapes <p>, <img>, <th>...: a cleaned answer or a
        # table output would read as markup. Ours keeps text structure (and is idempotent).
        yield ("clean_html", clean_html)

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        resources["should_sanitize_html"] = True
        resources["should_not_encode_svg"] = False  # an SVG only ever as <img>
        return resources

    def from_notebook_node(self, nb, resources=None, **kw):
        given = copy.deepcopy(dict(resources or {}))
        page, out = super().from_notebook_node(safe_notebook(nb), copy.deepcopy(given), **kw)
        skeleton, _ = super().from_notebook_node(nbformat.v4.new_notebook(), given, **kw)
        return with_page_policy(page, skeleton, extra_origins=_origin(self.mathjax_url)), out


_HEAD_END = "</head>"
_SCRIPT_TAG = re.compile(r"<script\b", re.IGNORECASE)
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def with_page_policy(page: str, skeleton: str, *, extra_origins: str = "") -> str:
    """``page`` with a Content-Security-Policy ``<meta>`` first in its head that lets run
    only the scripts of ``skeleton`` (the same page rendered with no cells, so nothing of
    the student's): the head's scripts get a fresh nonce (the head is nbgrader's alone,
    checked equal to the skeleton's), the inline scripts and event handlers of the
    skeleton's body are allowed by hash. Where the two heads differ, no script runs."""
    head_end = page.find(_HEAD_END)
    if head_end < 0 or page[:head_end] != skeleton[: skeleton.find(_HEAD_END)]:
        return _insert_policy(page, "script-src 'none'", extra_origins)
    nonce = secrets.token_urlsafe(18)
    head = _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', page[:head_end])
    body = skeleton[skeleton.find(_HEAD_END) :]
    hashes = {_sha256(code) for attrs, code in _INLINE_SCRIPT.findall(body) if "src" not in attrs}
    hashes |= {_sha256(html.unescape(a or b)) for a, b in _HANDLER.findall(body)}
    sources = " ".join([f"'nonce-{nonce}'", *sorted(hashes)])
    script = f"script-src {sources} 'unsafe-hashes' 'strict-dynamic'"
    return _insert_policy(head + page[head_end:], script, extra_origins)


def page_policy(script_src: str, extra_origins: str = "") -> str:
    """The formgrader submission page's policy, given its ``script-src``."""
    return "; ".join([
        "default-src 'self'",
        script_src,
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-src 'none'",
        "img-src 'self' data:",
        f"style-src 'self' 'unsafe-inline' {extra_origins}".strip(),
        f"font-src 'self' data: {extra_origins}".strip(),
        "connect-src 'self'",
    ])  # fmt: skip


def _insert_policy(page: str, script_src: str, extra_origins: str) -> str:
    meta = (
        '<meta http-equiv="Content-Security-Policy" content="'
        + html.escape(page_policy(script_src, extra_origins))
        + '">'
    )
    head = re.search(r"<head\b[^>]*>", page, re.IGNORECASE)
    at = head.end() if head else 0
    return page[:at] + meta + page[at:]


def _sha256(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def _origin(url: str) -> str:
    """``scheme://host`` of an absolute URL (MathJax's CDN, for its styles and fonts)."""
    match = re.match(r"(https?://[^/?#]+)", url or "")
    return match.group(1) if match else ""


# --------------------------------------------------------------------------- the extension

# Every formgrader response; the files of a submission folder are also sandboxed (an HTML
# or SVG file opened from there is a page of its own, with no script and no origin).
FORMGRADER_POLICY = "frame-ancestors 'self'; object-src 'none'; base-uri 'none'"
SUBMISSION_FILE_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
)
_SUBMISSION_ACTIONS = {"next", "prev", "next_incorrect", "prev_incorrect"}


def response_policy(path: str, base_url: str = "/") -> str | None:
    """The Content-Security-Policy for a response to ``path`` (None: not the formgrader's)."""
    prefix = base_url.rstrip("/") + "/formgrader/"
    if not path.startswith(prefix):
        return None
    parts = path[len(prefix) :].split("/")
    if parts[0] == "submissions" and len(parts) >= 3 and parts[1] != "components":
        rest = "/".join(parts[2:]).strip("/")  # "": the submission's page itself
        if rest and rest not in _SUBMISSION_ACTIONS:
            return SUBMISSION_FILE_POLICY
    return FORMGRADER_POLICY


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": EXTENSION}]


def _load_jupyter_server_extension(server_app) -> None:
    """Load nbgrader's formgrader, then make what it shows safe (see the module's doc)."""
    from nbgrader.server_extensions.formgrader import formgrader as nbgrader_formgrader

    nbgrader_formgrader.load_jupyter_server_extension(server_app)
    web_app = server_app.web_app
    settings = web_app.settings
    settings["nbgrader_exporter"] = SafeHTMLExporter(config=settings["nbgrader_formgrader"].config)
    base_url = settings.get("base_url", "/")

    class FormgraderPolicy(OutputTransform):
        def __init__(self, request):
            self.policy = response_policy(request.path, base_url)

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            if self.policy is not None:
                headers["Content-Security-Policy"] = self.policy
                headers["X-Content-Type-Options"] = "nosniff"
            return status_code, headers, chunk

    web_app.transforms.append(FormgraderPolicy)
    server_app.log.info("autograder: nbgrader's formgrader loaded, rendering submissions safely")
