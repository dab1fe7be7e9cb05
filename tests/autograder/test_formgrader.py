"""`course formgrader`'s pieces that need no browser (tests/browser drives the real thing)."""

from __future__ import annotations

import dataclasses
import html
import re
import runpy
from html.parser import HTMLParser

import pytest

from autograder import formgrader
from autograder.config import load_course
from autograder.demo import EXAMPLE_COURSE_FILE


@pytest.fixture
def course(tmp_path):
    """The example course, its workspace under tmp_path."""
    example = load_course(EXAMPLE_COURSE_FILE)
    return dataclasses.replace(example, root=tmp_path, workspace=tmp_path / "workspace")


def test_the_config_file_points_nbgrader_at_the_course(course):
    folder = formgrader.write_config(course)
    assert folder == course.workspace / ".formgrader"

    config = _read_config(folder)
    example = load_course(EXAMPLE_COURSE_FILE)
    assert config["CourseDirectory"]["root"] == str(example.workspace)
    assert config["CourseDirectory"]["db_url"] == example.gradebook_url


class _Config(dict):
    """What nbgrader's loader hands a config file, as far as ours uses it."""

    def merge(self, other):
        self.update(other)

    def __getattr__(self, name):
        return self.setdefault(name, _Config())

    def __setattr__(self, name, value):
        self[name] = value


def _read_config(folder):
    config = _Config()
    runpy.run_path(str(folder / "nbgrader_config.py"), {"get_config": lambda: config})
    return config


def test_the_workspace_must_lie_under_the_served_folder(course, tmp_path):
    assert formgrader.server_root(course) == tmp_path.resolve()
    outside = dataclasses.replace(course, root=tmp_path / "course-root")
    with pytest.raises(formgrader.FormgraderError, match="not inside the course's folder"):
        formgrader.server_root(outside)


@pytest.mark.parametrize(("uid", "allowed"), [(0, True), (1000, False)])
def test_allow_root_only_as_root(monkeypatch, tmp_path, uid, allowed):
    monkeypatch.setattr(formgrader.os, "geteuid", lambda: uid)
    argv = formgrader.command(tmp_path, "127.0.0.1", 8123, "secret")
    assert ("--allow-root" in argv) == allowed
    assert "--ServerApp.port=8123" in argv and "--IdentityProvider.token=secret" in argv
    assert "--no-browser" in argv


def test_a_server_that_cannot_start_is_a_clear_error(tmp_path, monkeypatch):
    """A port already taken: JupyterLab exits, and the error shows its log's last lines."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(formgrader.FormgraderError, match="JupyterLab exited") as error:
            formgrader.launch(tmp_path, tmp_path, port=port, log=tmp_path / "server.log")
    assert "server.log" in str(error.value)


# --------------------------------------------------------------------------- hostile HTML


def test_the_config_file_turns_sanitising_on(course):
    """Even where nbgrader's own formgrader is loaded (not ours), it cleans outputs."""
    folder = formgrader.write_config(course)

    config = _read_config(folder)
    assert config["HTMLExporter"]["sanitize_html"] is True


def test_the_server_loads_our_formgrader_in_place_of_nbgraders(tmp_path):
    from jupyter_server.serverapp import ServerApp

    argv = formgrader.command(tmp_path, "127.0.0.1", 8123, "secret")
    app = ServerApp()
    app.parse_command_line([arg for arg in argv if arg.startswith("--ServerApp.jpserver_")])
    assert app.jpserver_extensions == {
        "autograder.formgrader": True,
        "nbgrader.server_extensions.formgrader": False,
    }
    assert formgrader._jupyter_server_extension_points() == [{"module": "autograder.formgrader"}]


def _beacon(variant):
    return f"window.__pwned='{variant}';fetch('/api/kernels',{{method:'POST'}})"


# Each a way in that a browser runs as it is; none may reach the page as markup that runs.
MARKDOWN_ATTACKS = [
    f'<img src="x" onerror="{_beacon("img")}">',
    f'<IMG SRC="x" OnError = "{_beacon("case")}">',
    f'<svg onload="{_beacon("svg")}"><circle r="5"/></svg>',
    f"<svg><script>{_beacon('svgscript')}</script></svg>",
    f"<script>{_beacon('script')}</script>",
    f"<scr<script>ipt>{_beacon('nested')}</script>",
    f'<iframe srcdoc="<script>{_beacon("iframe")}</script>"></iframe>',
    f'<details open ontoggle="{_beacon("details")}">d</details>',
    f'<a href="javascript:{_beacon("js")}">a</a>',
    f'<a href="jav&#x09;ascript:{_beacon("entity")}">b</a>',
    f"[c](javascript:{_beacon('mdlink')})",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<meta http-equiv="refresh" content="0;url=/api/kernels">',
    '<base href="http://evil.example/">',
    '<form action="/api/kernels" method="post"><button>go</button></form>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<link rel="stylesheet" href="/api/kernels"><style>@import "/api/kernels";</style>',
    '<div style="background:url(javascript:alert(1))" id="why_axis" name="x">clobber</div>',
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
]
RUNS = {
    "script",
    "iframe",
    "frame",
    "svg",
    "math",
    "object",
    "embed",
    "meta",
    "base",
    "form",
    "link",
    "style",
    "details",
    "input",
    "button",
    "textarea",
    "video",
    "audio",
}


def runnable(markup: str) -> list[str]:
    """The tags and attributes in ``markup`` (as a browser parses it) that can run or load
    something, or clobber the grading form; [] for inert markup."""
    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in RUNS:
                found.append(f"<{tag}>")
            for name, value in attrs:
                url = re.sub(r"[\x00-\x20]+", "", value or "").lower()
                if name.startswith("on") or name in ("style", "id", "name", "srcdoc"):
                    found.append(f"{tag} {name}")
                elif url.startswith(("javascript:", "vbscript:", "data:text")):
                    found.append(f"{tag} {name}={value}")

    Parser().feed(markup)
    return found


def _render(cells):
    import nbformat
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config()  # as nbgrader configures its exporter
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    notebook = nbformat.v4.new_notebook(cells=cells)
    resources = {"base_url": "", "submission_id": "s1", "notebook_id": "n", "index": 0,
                 "assignment_id": "a", "total": 1, "student": "s", "last_name": None,
                 "first_name": None, "notebook_path": "p"}  # fmt: skip
    page, _ = formgrader.SafeHTMLExporter(config=config).from_notebook_node(notebook, resources)
    start = page.index('<div class="container" id="notebook-container">')
    return page, page[start:]


def _answer(source):
    import nbformat

    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": "why_axis", "solution": True, "grade": True,
                                 "points": 1.0, "locked": False, "schema_version": 3}  # fmt: skip
    return cell


@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS)
def test_a_written_answer_renders_inert(attack):
    _, cells = _render([_answer(f"My answer.\n\n{attack}\n\nThe end.")])
    start = cells.index('rendered_html">')
    answer = cells[start : cells.index('<div class="panel-footer">', start)]
    assert runnable(answer) == [], answer
    assert "My answer." in answer
    assert cells.count('id="why_axis"') == 1  # the grading form's own input only


def test_a_plain_written_answer_stays_readable():
    source = (
        "Axis **1** runs along a *row*:\n\n- one mean per row\n- shape $(n,)$\n\n"
        "$$\\bar x_i = \\frac{1}{d}\\sum_j X_{ij}, \\quad a < b$$\n\n"
        "```python\nX.mean(axis=1)  # a < b\n```\n\n> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    _, cells = _render([_answer(source)])
    for kept in ("<strong>1</strong>", "<em>row</em>", "<li>one mean per row</li>",
                 "$(n,)$", "\\frac{1}{d}", "a &lt; b", "<blockquote>", "<td>1</td>",
                 '<span class="n">X</span>'):  # fmt: skip
        assert kept in cells, kept
    assert "&amp;lt;" not in cells  # not escaped twice


def test_outputs_render_as_data_never_as_code():
    import nbformat

    html = f'<b>bold</b><script>{_beacon("html")}</script><img src=x onerror="{_beacon("i")}">'
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{_beacon("svg")}"></svg>'
    cell = nbformat.v4.new_code_cell("display(...)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": html}),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": svg}),
        nbformat.v4.new_output("display_data", data={"application/javascript": _beacon("js")}),
        nbformat.v4.new_output("display_data", data={"text/markdown": f"**md** {html}"}),
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": "<i>isolated</i><script>1</script>"},
            metadata={"text/html": {"isolated": True}},
        ),
        nbformat.v4.new_output(
            "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"}}
        ),
        nbformat.v4.new_output("display_data", data={"image/png": '"><script>1</script>'}),
        nbformat.v4.new_output(
            "display_data", data={"text/html": "<table><tr><th>h</th></tr></table>"}
        ),
    ]
    bad = nbformat.v4.new_code_cell("x = 1")
    bad.metadata["nbgrader"] = {"grade_id": 'a"><img src=x onerror=alert(1)>', "grade": True}
    bad.metadata["tags"] = ['"><script>alert(1)</script>']
    page, cells = _render([cell, bad])
    cells = re.sub(
        r' id="cell-id=[\w-]+"',
        "",
        cells[cells.index('<div class="output_wrapper">') : cells.index('<div class="help">')],
    )
    # the SVG is there, as an image (where it runs nothing)
    assert 'src="data:image/svg+xml;base64,' in cells
    cells = re.sub(r'src="data:image/svg\+xml;base64,[^"]*"', "", cells)
    assert runnable(cells) == [], cells
    assert "<b>bold</b>" in cells and "<strong>md</strong>" in cells and "<th>h</th>" in cells
    assert "output not shown: application/javascript" in cells
    assert "application/vnd.jupyter.widget-view+json" in cells
    assert "application/vnd.jupyter.widget-state" not in page


def test_the_page_lets_run_only_nbgraders_own_scripts():
    page, cells = _render([_answer("answer")])
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert meta and page.index(meta.group(0)) < page.index("<script")
    policy = html.unescape(meta.group(1))
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    head = page[: page.index("</head>")]
    assert head.count("<script") == head.count(f'<script nonce="{nonce}"') > 0
    assert "'strict-dynamic'" in policy and "object-src 'none'" in policy
    assert "base-uri 'none'" in policy and "'unsafe-inline'" not in policy.split(";")[1]
    # a second page gets another nonce
    again, _ = _render([_answer("answer")])
    assert nonce not in again


def test_a_page_whose_head_is_not_nbgraders_runs_no_script():
    page = formgrader.with_page_policy(
        "<html><head><script>x()</script></head><body></body></html>",
        "<html><head></head><body></body></html>",
    )
    assert "script-src 'none'" in html.unescape(page)


@pytest.mark.parametrize(
    ("path", "policy"),
    [
        ("/formgrader/submissions/abc/", formgrader.FORMGRADER_POLICY),
        ("/formgrader/submissions/abc", formgrader.FORMGRADER_POLICY),
        ("/formgrader/submissions/abc/next", formgrader.FORMGRADER_POLICY),
        ("/formgrader/submissions/abc/evil.html", formgrader.SUBMISSION_FILE_POLICY),
        ("/formgrader/submissions/abc/sub/next", formgrader.SUBMISSION_FILE_POLICY),
        ("/formgrader/submissions/components/x.js", formgrader.FORMGRADER_POLICY),
        ("/formgrader/gradebook", formgrader.FORMGRADER_POLICY),
        ("/lab", None),
    ],
)
def test_files_of_a_submission_are_sandboxed(path, policy):
    assert formgrader.response_policy(path) == policy
    assert formgrader.response_policy("/base" + path, "/base/") == policy
