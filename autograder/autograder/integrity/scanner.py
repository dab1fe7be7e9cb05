"""The scanner: one ``ast.NodeVisitor`` that walks the student's cells in order.

See the package docstring for what is scanned and how.
"""

from __future__ import annotations

import ast
import functools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autograder.integrity.rules import (
    _BUILTIN_NAMES,
    _ENV_PATH,
    _FILE_PATH,
    _HISTORY_NUMBERED,
    _MAX_NESTING,
    _OUTPUT_NUMBERED,
    ALLOWED_DUNDER_ATTRS,
    ALLOWED_DUNDER_NAMES,
    CONTAINER_FILLERS,
    DEFAULT_ALIASES,
    DICT_MUTATORS,
    DISPLAY_FUNCTIONS,
    DLCOURSE_CHECK_NAMES,
    DYNAMIC_NAME_FUNCTIONS,
    EXEC_FUNCTIONS,
    FRAME_ATTRS,
    HISTORY_NAMES,
    IMPORT_FUNCTIONS,
    IMPORT_RULES,
    LINK_METHODS,
    MAGIC_RULES,
    NAMESPACE_FUNCTIONS,
    NAMESPACE_METHODS,
    OPEN_FUNCTIONS,
    OUTPUT_HISTORY_NAMES,
    PASS_THROUGH,
    PASS_THROUGH_PREFIXES,
    PATH_FUNCTION_PREFIXES,
    PATH_FUNCTIONS,
    PATH_KEYWORDS,
    PATH_METHODS,
    PATH_WRITE_METHODS,
    PYTHON_MAGICS,
    REDIRECTS,
    SETATTR_FUNCTIONS,
    SHADOWABLE_BUILTINS,
    SHELL,
    SHELL_CODE_METHODS,
    SHELL_COMMAND_METHODS,
    SHELL_GETTERS,
    SHELL_HOOK_ATTRS,
    SHELL_MAGIC_METHODS,
    SHELL_PROTOCOL_METHODS,
    SHELL_TRANSFORMER_METHODS,
    TWO_PATH_FUNCTIONS,
    USE_RULES,
    WATCHED_IMPORT_PREFIXES,
    WATCHED_IMPORTS,
    WRAPPERS,
    WRITEFILE_MAGICS,
    Finding,
    _canonical,
    _clip,
    _finding,
    _match,
    _store_rule,
    _unique,
)


def scan_source(source: str, cell: str = "cell 0") -> list[Finding]:
    """Scan one cell's code (IPython syntax allowed) and return its findings in line order.

    Names the code does not bind itself are resolved with ``DEFAULT_ALIASES`` (``np`` is
    NumPy, ...). A cell that does not parse has no findings.
    """
    scanner = _Scanner()
    scanner.add(source, cell)
    return _unique(finding for _, finding in scanner.run())


_OWN_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _top_level_names(tree: ast.Module) -> set[str]:
    """The names a cell binds at the top level (not inside its functions or classes)."""
    names: set[str] = set()
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            continue
        if isinstance(node, _OWN_SCOPES):
            continue  # a lambda's or a comprehension's names are its own
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        pending.extend(ast.iter_child_nodes(node))
    names.discard("*")
    return names


def _shown(node: ast.AST) -> str:
    """Short source text of a node, in backquotes."""
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every node ast.parse makes
        text = type(node).__name__
    return f"`{_clip(' '.join(text.split()), 60)}`"


def _str_const(node: ast.AST | None) -> str | None:
    """The value of a string literal, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_outside(text: str) -> bool:
    """Whether a path (with ``{}`` for unknown parts) leaves the working folder."""
    path = text.replace("\\", "/")
    if path == "~/.keras" or path.startswith("~/.keras/"):
        return False  # Keras' own download cache (keras.utils.get_file)
    if path.startswith(("/", "~")) or re.match(r"[A-Za-z]:/", path):
        return True
    normal = posixpath.normpath(path)
    return normal == ".." or normal.startswith("../")


def _describe_path(text: str) -> str:
    """A path for the report."""
    if _ENV_PATH in text:
        return "a path from an environment variable"
    if _FILE_PATH in text:
        return "a path built from `__file__`"
    return f"`{_clip(text.replace('{}', '…'), 60)}`"


def _is_grading_file(text: str) -> bool:
    """Whether a path names nbgrader's database or folder."""
    lowered = text.lower()
    return "gradebook" in lowered or ".nbgrader" in lowered


@functools.cache
def _transformer() -> Any:
    """IPython's cell transformer (imported on first use; it holds no per-cell state)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _parse(code: str) -> tuple[ast.Module, int] | None:
    """IPython-transformed, parsed code and the number of leading lines the transform drops.

    None when the code does not parse (it could not run either).
    """
    lines = code.split("\n")
    dropped = next((i for i, line in enumerate(lines) if line.strip()), 0)
    try:
        python = _transformer().transform_cell(code)
    except Exception:
        python = code
        dropped = 0
    try:
        return ast.parse(python), dropped
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# --------------------------------------------------------------------------------------
# The visitor


#: An origin: where a value may come from, as a set of atoms. ``("path", "numpy")``: an
#: import path; ``("unknown", why)``: something the scan cannot prove the student made;
#: ``("func", key)``/``("class", key)``: a function or class the student defined. The
#: empty set is the student's own object (a literal, a call's result, an instance).
Origin = frozenset
_OWN: Origin = frozenset()
_RISKY = ("path", "unknown")


def _unknown(why: str) -> Origin:
    return frozenset({("unknown", why)})


def _risky(origin: Origin) -> Origin:
    """The atoms of an origin that may be a module or the shell."""
    return frozenset(atom for atom in origin if atom[0] in _RISKY)


def _carried(origin: Origin) -> Origin:
    """The atoms worth following through containers and attributes: what may be a module,
    and the student's functions (whose calls must be followed)."""
    return frozenset(atom for atom in origin if atom[0] in ("path", "unknown", "func"))


def _single_path(origin: Origin | None) -> str | None:
    """The import path of an origin that is exactly one import path, else None."""
    if origin and len(origin) == 1:
        (atom,) = origin
        if atom[0] == "path":
            return atom[1]
    return None


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


@dataclass
class _Scope:
    """Names bound in one scope, each with its origin."""

    kind: str  # "module", "function", "class" or "comprehension"
    key: int = 0  # id of the defining node (0 for the module)
    names: dict[str, Origin] = field(default_factory=dict)
    #: Names whose binding comes from an import statement.
    imported: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)


@dataclass
class _Function:
    """A function or lambda the student defined, as calls see it."""

    name: str
    params: list[str]  # positional parameters, in order
    keywords: set[str]  # every parameter that a keyword argument can name
    vararg: str | None
    kwarg: str | None
    self_param: str | None  # a method's first parameter (the instance)


@dataclass
class _Facts:
    """What one walk over the cells learnt, for the next walk; only ever grows.

    A walk is flow-sensitive at the top level (``m = np`` then ``m = Model()``), but code
    in a function runs later, with whatever its free names, parameters and the objects it
    reaches hold by then; these tables give it the union over the whole submission.
    """

    #: (scope key, name) -> every origin the name was bound to in that scope.
    history: dict[tuple[int, str], Origin] = field(default_factory=dict)
    #: (function key, parameter) -> the origins of the arguments passed to it.
    params: dict[tuple[int, str], Origin] = field(default_factory=dict)
    returns: dict[int, Origin] = field(default_factory=dict)
    #: attribute name -> what was stored into ``<the student's object>.<name>`` that may
    #: be a module or is a function of the student's.
    attrs: dict[str, Origin] = field(default_factory=dict)
    functions: dict[int, _Function] = field(default_factory=dict)
    methods: dict[str, set[int]] = field(default_factory=dict)
    class_attrs: dict[tuple[int, str], Origin] = field(default_factory=dict)
    #: classes whose "instances" may be anything (``__new__``, a metaclass).
    opaque_classes: set[int] = field(default_factory=set)

    def add(self, table: dict[Any, Origin], key: Any, origin: Origin) -> None:
        if origin and not origin <= table.get(key, _OWN):
            table[key] = table.get(key, _OWN) | origin

    def size(self) -> int:
        tables = (self.history, self.params, self.returns, self.attrs, self.class_attrs)
        return (
            sum(len(origin) for table in tables for origin in table.values())
            + len(self.functions)
            + sum(len(keys) for keys in self.methods.values())
            + len(self.opaque_classes)
        )


@dataclass
class _Cell:
    """One cell to walk: its parsed code and how to report on it."""

    tree: ast.Module
    dropped: int
    lines: list[str]
    label: str
    report: bool
    position: int  # the caller's number for the cell (its index in the notebook)


class _Scanner(ast.NodeVisitor):
    """Walks the cells of one notebook in order, keeping bindings across cells.

    ``add`` the cells, then ``run``: the cells are walked again until a walk learns
    nothing new (``_Facts``), and the last walk's findings are the scan's.
    """

    def __init__(self) -> None:
        #: (the cell's position, a finding), in walk order.
        self.findings: list[tuple[int, Finding]] = []
        self._facts = _Facts()
        self._cells: list[_Cell] = []
        self._parsed: dict[str, tuple[ast.Module, int] | None] = {}
        #: Top-level names the instructor's cells bind: those of locked set-up cells (the
        #: tests find them as the set-up left them) and those of test cells (helpers that a
        #: test cell defines and then calls, around the student's code).
        self._setup_names: set[str] = set()
        self._test_names: set[str] = set()
        self._reset()
        self._cell = ""
        self._lines: list[str] = []
        self._report_on = True
        self._position = 0
        self._line_of: Callable[[int], int] = lambda line: line
        self._depth = 0

    def _reset(self) -> None:
        """The per-walk state: bindings, what was reported, paths."""
        self._module = _Scope("module")
        self._scopes: list[_Scope] = [self._module]
        #: Names whose import line was itself reported; their uses are not reported again.
        self._reported_imports: set[str] = set()
        self._reported_builtins: set[str] = set()
        #: Names bound to paths (string literals, ``Path(...)``, ``os.path.join``).
        self._path_names: dict[str, str] = {}
        #: Nodes already covered by a finding on an enclosing attribute chain.
        self._covered: set[int] = set()
        self._with_items: set[int] = set()
        #: Name/Lambda nodes used as a callee, an alias's value or an attribute's base:
        #: the function they hold does not escape there.
        self._held: set[int] = set()
        #: Nodes that are the base of an attribute (``np`` of ``np.zeros``).
        self._bases: set[int] = set()
        #: ``get_ipython()`` calls that only run a magic or a command.
        self._shell_ok: set[int] = set()
        #: ``globals()`` calls used with a literal name.
        self._namespace_ok: set[int] = set()
        #: The origin each assignment target receives.
        self._pending: dict[int, Origin] = {}

    # ---- entry point ------------------------------------------------------------------

    def _parse_cached(self, code: str) -> tuple[ast.Module, int] | None:
        """``_parse``, once per text: the walks must see the same nodes (ids are keys)."""
        if code not in self._parsed:
            self._parsed[code] = _parse(code)
        return self._parsed[code]

    def add(
        self, source: str, cell: str, report: bool = True, position: int = 0, test: bool = False
    ) -> None:
        """Queue one cell; with ``report=False`` (an instructor's cell) it is only followed for
        what it binds, and its top-level names are protected: ``test`` says it is a test cell.
        """
        parsed = self._parse_cached(source)
        if parsed is not None:
            tree, dropped = parsed
            if not report:
                names = _top_level_names(tree)
                (self._test_names if test else self._setup_names).update(names)
            lines = source.split("\n")
            self._cells.append(_Cell(tree, dropped, lines, cell, report, position))

    def run(self, max_walks: int = 8) -> list[tuple[int, Finding]]:
        """Walk the queued cells until the facts stop growing; the last walk's findings,
        each with its cell's position."""
        for _ in range(max_walks):
            before = self._facts.size()
            self.findings = []
            self._reset()
            for cell in self._cells:
                self._walk(cell)
            if self._facts.size() == before:
                break
        return self.findings

    def _walk(self, cell: _Cell) -> None:
        self._cell, self._lines, self._report_on = cell.label, cell.lines, cell.report
        self._position = cell.position
        self._line_of = lambda line: line + cell.dropped
        self._scopes = [self._module]
        self._covered.clear()
        self._with_items.clear()
        start = len(self.findings)
        for statement in cell.tree.body:
            self.visit(statement)
        self.findings[start:] = sorted(self.findings[start:], key=lambda found: found[1].line)

    def _scan_nested(self, code: str, line_of: Callable[[int], int]) -> None:
        """Scan code that runs from a string (a magic's body, ``exec("...")``)."""
        parsed = self._parse_cached(code) if self._depth < _MAX_NESTING else None
        if parsed is None:
            return
        tree, dropped = parsed
        saved = self._line_of
        self._line_of = lambda line: line_of(line + dropped)
        self._depth += 1
        try:
            for statement in tree.body:
                self.visit(statement)
        finally:
            self._depth -= 1
            self._line_of = saved

    # ---- reporting --------------------------------------------------------------------

    def _report(self, node: ast.AST, rule: str, what: str) -> None:
        """Record a finding at the node's line."""
        if not self._report_on:
            return
        line = self._line_of(getattr(node, "lineno", 1))
        code = self._lines[line - 1] if 1 <= line <= len(self._lines) else ""
        self.findings.append((self._position, _finding(self._cell, line, code, rule, what)))

    def _cover(self, node: ast.AST) -> None:
        """Mark the attribute chain under ``node`` as reported."""
        while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
            self._covered.add(id(node))
            node = node.func if isinstance(node, ast.Call) else node.value
        self._covered.add(id(node))

    # ---- names ------------------------------------------------------------------------

    def _name_origin(self, name: str) -> tuple[bool, Origin]:
        """(bound anywhere visible, its origin).

        Code in a function runs later than it is read: a name it finds in an enclosing
        scope may hold anything that scope ever binds to it, and a name not bound yet
        may be bound at the top level later on.
        """
        innermost = self._scopes[-1]
        crossed = False
        for scope in reversed(self._scopes):
            if scope.kind == "class" and scope is not innermost:
                continue
            if name in scope.names:
                origin = scope.names[name]
                if crossed:
                    origin = origin | self._facts.history.get((scope.key, name), _OWN)
                return True, origin
            if scope.kind == "function":
                crossed = True
        if crossed:
            later = self._facts.history.get((self._module.key, name))
            if later is not None:
                return True, later
        return False, _OWN

    def _lookup(self, name: str) -> tuple[bool, str | None]:
        """(bound anywhere visible, its dotted path when it is exactly one import)."""
        found, origin = self._name_origin(name)
        return found, _single_path(origin)

    def _binding_scope(self, name: str) -> _Scope:
        """The scope an assignment to ``name`` binds in."""
        scope = self._scopes[-1]
        if name in scope.declared_global:
            return self._module
        if name in scope.declared_nonlocal:
            for outer in reversed(self._scopes[1:-1]):
                if outer.kind == "function" and name in outer.names:
                    return outer
        return scope

    def _function_scope(self) -> _Scope | None:
        """The innermost function scope (where a ``return`` belongs), if any."""
        for scope in reversed(self._scopes):
            if scope.kind == "function":
                return scope
            if scope.kind == "class":
                return None
        return None

    def _resolve(self, node: ast.AST) -> str | None:
        """The dotted path of an expression rooted at an import, else None."""
        if isinstance(node, ast.Name):
            found, path = self._lookup(node.id)
            return path if found else DEFAULT_ALIASES.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value)
            return _canonical(f"{base}.{node.attr}") if base else None
        if isinstance(node, ast.Subscript):
            key = _str_const(node.slice)
            return key if key and self._resolve(node.value) == "sys.modules" else None
        if isinstance(node, ast.Call):
            return self._resolve_call(node)
        return None

    def _resolve_call(self, node: ast.Call) -> str | None:
        """The module or object a call returns, for the calls that return one we know."""
        callee = self._callee(node.func)
        first = _str_const(node.args[0]) if node.args else None
        if callee in SHELL_GETTERS:
            return SHELL
        if callee in ("builtins.__import__", "importlib.__import__") and first:
            return first.split(".")[0]
        if callee in ("importlib.import_module", "sys.modules.get") and first:
            return first
        if callee == "builtins.getattr" and len(node.args) >= 2:
            base, name = self._resolve(node.args[0]), _str_const(node.args[1])
            return _canonical(f"{base}.{name}") if base and name else None
        return None

    def _callee(self, func: ast.AST) -> str | None:
        """The dotted path of a called function; unbound builtins are ``builtins.<name>``."""
        path = self._resolve(func)
        if path:
            return _canonical(path)
        if (
            isinstance(func, ast.Name)
            and func.id in _BUILTIN_NAMES
            and not self._lookup(func.id)[0]
        ):
            return _canonical(f"builtins.{func.id}")
        if isinstance(func, ast.Attribute):  # object.__setattr__, type.__setattr__
            base = self._callee(func.value)
            if base and base.startswith("builtins."):
                return f"{base}.{func.attr}"
        return None

    # ---- origins ----------------------------------------------------------------------

    def _origin(self, node: ast.AST | None, depth: int = 0) -> Origin:
        """Where the value of an expression may come from (see ``Origin``)."""
        if node is None or depth > 24:
            return _OWN
        depth += 1
        if isinstance(node, ast.Name):
            found, origin = self._name_origin(node.id)
            if found:
                return origin
            if node.id in DEFAULT_ALIASES:
                return frozenset({("path", DEFAULT_ALIASES[node.id])})
            if node.id == "get_ipython":  # the one builtin that hands out the shell
                return frozenset({("path", "IPython.get_ipython")})
            if node.id in OUTPUT_HISTORY_NAMES or _OUTPUT_NUMBERED.fullmatch(node.id):
                return _unknown(f"IPython's output history `{node.id}`")
            return _OWN
        if isinstance(node, ast.Attribute):
            return self._attribute_origin(self._origin(node.value, depth), node.attr)
        if isinstance(node, ast.Subscript):
            key = _str_const(node.slice)
            if key is not None and self._resolve(node.value) == "sys.modules":
                return frozenset({("path", key)})
            if key is not None and self._is_globals(node.value):
                return self._origin(ast.Name(id=key, ctx=ast.Load()), depth)
            return self._origin(node.value, depth)
        if isinstance(node, ast.Call):
            return self._call_origin(node, depth)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return frozenset().union(*(self._origin(item, depth) for item in node.elts))
        if isinstance(node, ast.Dict):
            items = [*node.keys, *node.values]
            return frozenset().union(*(self._origin(item, depth) for item in items))
        if isinstance(node, ast.Starred | ast.Await | ast.YieldFrom | ast.NamedExpr):
            return self._origin(node.value, depth)
        if isinstance(node, ast.IfExp):
            return self._origin(node.body, depth) | self._origin(node.orelse, depth)
        if isinstance(node, ast.BoolOp):
            return frozenset().union(*(self._origin(value, depth) for value in node.values))
        if isinstance(node, ast.Lambda):
            return frozenset({("func", id(node))})
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            iters = [generator.iter for generator in node.generators]
            return frozenset().union(*(self._origin(item, depth) for item in iters))
        return _OWN

    def _attribute_origin(self, base: Origin, attr: str) -> Origin:
        """The origin of ``<base>.<attr>``."""
        out: set[tuple[Any, ...]] = set()
        for atom in base:
            if atom[0] == "path":
                out.add(("path", _canonical(f"{atom[1]}.{attr}")))
            elif atom[0] == "unknown":
                out.add(atom)
            elif atom[0] == "class":
                out |= self._facts.class_attrs.get((atom[1], attr), _OWN)
        if not _risky(base):  # the student's object: whatever was stored into `.attr`
            out |= self._facts.attrs.get(attr, _OWN)
        return frozenset(out)

    def _call_origin(self, node: ast.Call, depth: int) -> Origin:
        """The origin of a call's result."""
        callee = self._callee(node.func)
        args = node.args
        first = _str_const(args[0]) if args else None
        if callee in SHELL_GETTERS:
            return frozenset({("path", SHELL)})
        if callee in ("builtins.__import__", "importlib.__import__", "importlib.import_module"):
            if first is None:
                return _unknown("a module imported by a computed name")
            plain = callee != "importlib.import_module" and len(args) < 4
            return frozenset({("path", first.split(".")[0] if plain else first)})
        if callee == "sys.modules.get":
            return frozenset({("path", first)}) if first else _unknown("`sys.modules`")
        if callee == "builtins.getattr" and len(args) >= 2:
            name = _str_const(args[1])
            if name is None:
                return _unknown("an attribute looked up by a computed name")
            return self._attribute_origin(self._origin(args[0], depth), name)
        if callee == "builtins.vars" and len(args) == 1:
            return self._origin(args[0], depth)
        if callee in ("builtins.type", "builtins.globals", "builtins.locals", "builtins.vars"):
            return _unknown(f"`{callee.removeprefix('builtins.')}(...)`")
        if callee in WRAPPERS and args:
            return frozenset(atom for atom in self._origin(args[0], depth) if atom[0] == "func")
        if callee in PASS_THROUGH or (callee or "").startswith(PASS_THROUGH_PREFIXES):
            values: list[ast.AST] = list(args)
            if not (callee or "").startswith("numpy."):  # dtype=float is not an element
                values += [keyword.value for keyword in node.keywords]
            return frozenset().union(*(self._origin(value, depth) for value in values))
        if callee:
            return _OWN
        out: set[tuple[Any, ...]] = set()
        for atom in self._origin(node.func, depth):
            if atom[0] == "func":
                out |= self._facts.returns.get(atom[1], _OWN)
            elif atom[0] == "class" and atom[1] in self._facts.opaque_classes:
                out.add(("unknown", "an instance of a class that makes its own instances"))
            elif atom[0] == "unknown":
                out.add(atom)
        if isinstance(node.func, ast.Attribute):
            # A method of an object the student filled may hand back what was put in.
            out |= _risky(self._origin(node.func.value, depth))
            for key in self._facts.methods.get(node.func.attr, ()):
                out |= self._facts.returns.get(key, _OWN)
        return frozenset(out)

    # ---- bindings ---------------------------------------------------------------------

    def _bind(
        self, name: str, node: ast.AST, scope: _Scope | None = None, origin: Origin = _OWN
    ) -> None:
        """An assignment, definition or deletion of ``name``; reports top-level rebinding."""
        scope = scope or self._binding_scope(name)
        if scope is self._module:
            self._check_rebinding(name, node)
        scope.names[name] = origin
        self._facts.add(self._facts.history, (scope.key, name), origin)
        scope.imported.discard(name)
        self._path_names.pop(name, None)
        self._reported_imports.discard(name)

    def _bind_import(self, name: str, path: str | None, node: ast.AST) -> None:
        """A name bound by an import (``import fake as np`` rebinds np too)."""
        scope = self._binding_scope(name)
        path = _canonical(path) if path else None
        module = self._module
        if scope is module and name in module.names and path != _single_path(module.names[name]):
            self._check_rebinding(name, node)
        origin = frozenset({("path", path)}) if path else _OWN
        scope.names[name] = origin
        self._facts.add(self._facts.history, (scope.key, name), origin)
        scope.imported.add(name)
        self._path_names.pop(name, None)
        self._reported_imports.discard(name)

    def _taint(self, target: ast.AST, origin: Origin) -> None:
        """A value that may be a module (or a function of the student's) was put into
        ``target`` (an item, an element, an attribute): what comes out of ``target`` later
        may be that value."""
        origin = _carried(origin)
        if not origin:
            return
        while isinstance(target, ast.Subscript | ast.Starred):
            target = target.value
        if isinstance(target, ast.Name):
            name = target.id
            innermost = self._scopes[-1]
            for scope in reversed(self._scopes):
                if scope.kind == "class" and scope is not innermost:
                    continue
                if name in scope.names:
                    scope.names[name] = scope.names[name] | origin
                    self._facts.add(self._facts.history, (scope.key, name), origin)
                    return
            self._facts.add(self._facts.history, (self._module.key, name), origin)
        elif isinstance(target, ast.Attribute) and not _risky(self._origin(target.value)):
            self._facts.add(self._facts.attrs, target.attr, origin)

    def _check_rebinding(self, name: str, node: ast.AST) -> None:
        """Report a top-level rebinding of a check, a watched module, a builtin or a name
        the instructor's cells bind."""
        current = _single_path(self._module.names.get(name))
        if name in self._module.imported and current is not None:
            if current in ("dlcourse", "dlcourse.checks") or current.startswith("dlcourse.checks."):
                self._report(node, "shadows-check", f"`{name}` ({current})")
                return
            if current in WATCHED_IMPORTS or current.startswith(WATCHED_IMPORT_PREFIXES):
                self._report(node, "patches-module", f"the name `{name}` ({current})")
                return
        if name == "__import__":
            self._report(node, "touches-sys-modules", "`__import__`")
        elif (
            name in SHADOWABLE_BUILTINS
            and name not in self._module.names
            and name not in self._reported_builtins
        ):
            self._reported_builtins.add(name)
            self._report(node, "shadows-builtin", f"`{name}`")
        # What the set-up cell bound, rebound by a student's cell; or what a test cell bound,
        # rebound (``global``) by a student's function, which a test cell may call before
        # it uses its own helper again: either way the tests would use the student's version.
        elif name in self._setup_names or (
            self._scopes[-1] is not self._module and name in self._test_names
        ):
            self._report(node, "shadows-instructor-name", f"`{name}`")

    # ---- scopes -----------------------------------------------------------------------

    def visit_Global(self, node: ast.Global) -> None:
        """``global x`` inside a function: assignments to x bind at the top level."""
        if self._scopes[-1] is not self._module:
            self._scopes[-1].declared_global.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        """``nonlocal x``: assignments to x bind in the enclosing function."""
        self._scopes[-1].declared_nonlocal.update(node.names)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        """Decorators and defaults in the enclosing scope, the body in a new one.

        A parameter's origin is the union of what the student's calls pass to it and its
        default; a function whose value escapes (passed on, decorated, returned) may be
        called with anything, so its parameters may be modules. A method's ``self`` is
        the student's instance, unless the method is taken from the class and called
        with something else.
        """
        key = id(node)
        lambda_ = isinstance(node, ast.Lambda)
        decorators = [] if lambda_ else node.decorator_list
        for decorator in decorators:
            self.visit(decorator)
        arguments = node.args
        defaults: dict[str, Origin] = {}
        positional = [*arguments.posonlyargs, *arguments.args]
        for argument, default in zip(
            [*positional[len(positional) - len(arguments.defaults) :], *arguments.kwonlyargs],
            [*arguments.defaults, *arguments.kw_defaults],
            strict=True,
        ):
            if default is not None:
                self.visit(default)
                defaults[argument.arg] = self._origin(default)
        enclosing = self._scopes[-1]
        static = any(
            isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
            for decorator in decorators
        )
        method = enclosing.kind == "class" and not lambda_
        names = [argument.arg for argument in positional]
        self_param = names[0] if method and names and not static else None
        facts = self._facts
        facts.functions[key] = _Function(
            name="<lambda>" if lambda_ else node.name,
            params=names,
            keywords={*names[len(arguments.posonlyargs) :], *(a.arg for a in arguments.kwonlyargs)},
            vararg=arguments.vararg.arg if arguments.vararg else None,
            kwarg=arguments.kwarg.arg if arguments.kwarg else None,
            self_param=self_param,
        )
        if method:
            facts.methods.setdefault(node.name, set()).add(key)
        for decorator in decorators:  # the student's own decorator is called with it
            for atom in self._origin(decorator):
                if atom[0] == "func" and facts.functions.get(atom[1]):
                    for name in facts.functions[atom[1]].params[:1]:
                        facts.add(facts.params, (atom[1], name), frozenset({("func", key)}))
        if not lambda_:
            self._bind(node.name, node, origin=frozenset({("func", key)}))
            if node.name in SHELL_PROTOCOL_METHODS:
                self._report(node, "hooks-ipython", f"`{node.name}`, which IPython calls")
        scope = _Scope("function", key)
        for argument in [
            *positional,
            *arguments.kwonlyargs,
            arguments.vararg,
            arguments.kwarg,
        ]:
            if argument is None:
                continue
            name = argument.arg
            origin = facts.params.get((key, name), _OWN) | defaults.get(name, _OWN)
            scope.names[name] = origin
            facts.add(facts.history, (key, name), origin)
        self._scopes.append(scope)
        try:
            if isinstance(node.body, list):
                for statement in node.body:
                    self.visit(statement)
            else:
                self.visit(node.body)
                facts.add(facts.returns, key, self._origin(node.body))
        finally:
            self._scopes.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function
    visit_Lambda = _visit_function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        """Bases and decorators in the enclosing scope, the body in a class scope."""
        for expression in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expression)
        key = id(node)
        self._bind(node.name, node, origin=frozenset({("class", key)}))
        scope = _Scope("class", key)
        self._scopes.append(scope)
        try:
            for statement in node.body:
                self.visit(statement)
        finally:
            self._scopes.pop()
        for name, origin in scope.names.items():
            self._facts.add(self._facts.class_attrs, (key, name), origin)
        if "__new__" in scope.names or any(k.arg == "metaclass" for k in node.keywords):
            self._facts.opaque_classes.add(key)

    def _visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        """Comprehension variables are local to the comprehension."""
        self._scopes.append(_Scope("comprehension", id(node)))
        try:
            for generator in node.generators:
                self.visit(generator.iter)
                self._assign(generator.target, None, self._origin(generator.iter))
                self.visit(generator.target)
                for condition in generator.ifs:
                    self.visit(condition)
            if isinstance(node, ast.DictComp):
                self.visit(node.key)
                self.visit(node.value)
            else:
                self.visit(node.elt)
        finally:
            self._scopes.pop()

    visit_ListComp = _visit_comprehension
    visit_SetComp = _visit_comprehension
    visit_GeneratorExp = _visit_comprehension
    visit_DictComp = _visit_comprehension

    def visit_Return(self, node: ast.Return | ast.Yield | ast.YieldFrom) -> None:
        """What a function returns (or yields) is what its calls give."""
        scope = self._function_scope()
        if scope is not None and node.value is not None:
            self._facts.add(self._facts.returns, scope.key, self._origin(node.value))
        self.generic_visit(node)

    visit_Yield = visit_Return
    visit_YieldFrom = visit_Return

    # ---- statements -------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        """``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``."""
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            self._bind_import(name, alias.name if alias.asname else name, node)
            self._check_import(node, _canonical(alias.name), name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """``from a import b as c`` binds ``c`` to ``a.b``."""
        module = node.module if node.level == 0 else None
        for alias in node.names:
            if alias.name == "*":
                if module == "dlcourse.checks":
                    for name in DLCOURSE_CHECK_NAMES:
                        self._bind_import(name, f"dlcourse.checks.{name}", node)
                if module:
                    self._check_import(node, _canonical(module), "*")
                continue
            name = alias.asname or alias.name
            path = _canonical(f"{module}.{alias.name}") if module else None
            self._bind_import(name, path, node)
            if path:
                self._check_import(node, path, name)

    def _check_import(self, node: ast.AST, path: str, name: str) -> None:
        """Imports that are findings by themselves: the network, the interpreter's and the
        shell's machinery (their uses are then reported too, except the network's)."""
        match = _match(path, IMPORT_RULES)
        if match:
            self._report(node, match[1], f"`{path}`")
            if match[1] == "network":
                self._reported_imports.add(name)

    def _assign(self, target: ast.AST, value: ast.AST | None, origin: Origin) -> None:
        """Give each name of an assignment target the origin it receives."""
        if isinstance(target, ast.Tuple | ast.List):
            pairwise = (
                isinstance(value, ast.Tuple | ast.List)
                and len(value.elts) == len(target.elts)
                and not any(isinstance(item, ast.Starred) for item in [*value.elts, *target.elts])
            )
            for position, item in enumerate(target.elts):
                if pairwise:
                    element = value.elts[position]  # type: ignore[union-attr]
                    self._assign(item, element, self._origin(element))
                else:
                    self._assign(item, None, origin)
        elif isinstance(target, ast.Starred):
            self._assign(target.value, None, origin)
        else:
            self._pending[id(target)] = origin

    def visit_Assign(self, node: ast.Assign) -> None:
        """Targets get the value's origin; ``x = <import path>`` makes x an alias."""
        if all(isinstance(target, ast.Name) for target in node.targets):
            self._held.add(id(node.value))
        self.visit(node.value)
        origin = self._origin(node.value)
        for target in node.targets:
            self._assign(target, node.value, origin)
        for target in node.targets:
            self.visit(target)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self._alias(node.targets[0].id, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        """Like an assignment; a bare annotation binds nothing."""
        if node.value is None:
            return
        if isinstance(node.target, ast.Name):
            self._held.add(id(node.value))
        self.visit(node.value)
        self._assign(node.target, node.value, self._origin(node.value))
        self.visit(node.target)
        if isinstance(node.target, ast.Name):
            self._alias(node.target.id, node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        """``x += v``: x keeps what it was, and may now hold v too."""
        self.visit(node.value)
        origin = self._origin(node.value)
        if isinstance(node.target, ast.Name):
            origin |= self._origin(ast.Name(id=node.target.id, ctx=ast.Load()))
        self._assign(node.target, node.value, origin)
        self.visit(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        """``(x := v)`` binds x to v."""
        self.visit(node.value)
        self._assign(node.target, node.value, self._origin(node.value))
        self.visit(node.target)

    def _visit_for(self, node: ast.For | ast.AsyncFor) -> None:
        """The loop variable may be any element of what the loop runs over."""
        self.visit(node.iter)
        self._assign(node.target, None, self._origin(node.iter))
        self.visit(node.target)
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)

    visit_For = _visit_for
    visit_AsyncFor = _visit_for

    def _alias(self, name: str, value: ast.AST) -> None:
        """Record the path an assignment's value spells, when it is a file path."""
        text = self._path_text(value)
        if text is not None:
            self._path_names[name] = text

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        """``except E as name`` binds name."""
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._binding_scope(node.name).names[node.name] = _OWN
        for statement in node.body:
            self.visit(statement)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        """Remember the context managers (a ``with redirect_stdout`` is harmless)."""
        for item in node.items:
            self._with_items.add(id(item.context_expr))
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._assign(item.optional_vars, None, self._origin(item.context_expr))
                self.visit(item.optional_vars)
        for statement in node.body:
            self.visit(statement)

    visit_AsyncWith = visit_With

    def visit_Expr(self, node: ast.Expr) -> None:
        """A bare ``exit`` or ``quit`` line exits the kernel in IPython."""
        value = node.value
        exits = isinstance(value, ast.Name) and value.id in ("exit", "quit")
        if exits and not self._lookup(value.id)[0]:
            self._report(node, "stops-kernel", f"`{value.id}`")
        self.generic_visit(node)

    # ---- expressions ------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        """Bindings, dunders, IPython's input history, the shell, uses of flagged modules."""
        if node.id == "__builtins__":
            self._report(node, "touches-builtins", "`__builtins__`")
        elif (
            _is_dunder(node.id)
            and node.id not in ALLOWED_DUNDER_NAMES
            and not (isinstance(node.ctx, ast.Store) and self._scopes[-1].kind == "class")
            and not (node.id == "__import__" and not isinstance(node.ctx, ast.Load))
        ):
            self._report(node, "reads-internals", f"`{node.id}`")
        if not isinstance(node.ctx, ast.Load):
            origin = self._pending.pop(id(node), _OWN) if isinstance(node.ctx, ast.Store) else _OWN
            self._bind(node.id, node, origin=origin)
            return
        found, origin = self._name_origin(node.id)
        if id(node) in self._covered:
            return
        path = _single_path(origin)
        if not found and (node.id in HISTORY_NAMES or _HISTORY_NUMBERED.fullmatch(node.id)):
            self._report(node, "hooks-ipython", f"its input history `{node.id}`")
        if not found and node.id == "get_ipython" and id(node) not in self._held:
            self._report(node, "hooks-ipython", "`get_ipython` passed on")
        # The base of an attribute chain is judged with the whole chain
        # (``importlib.util.find_spec`` is harmless, ``importlib.reload`` is not).
        if path and node.id not in self._reported_imports and id(node) not in self._bases:
            match = _match(path, USE_RULES)
            if match:
                self._report(node, match[1], f"`{node.id}` ({path})")

    def visit_Constant(self, node: ast.Constant) -> None:
        """The string ``"__builtins__"`` (``globals()["__builtins__"]``)."""
        if node.value == "__builtins__":
            self._report(node, "touches-builtins", '`"__builtins__"`')

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """Stores on anything that may be a module; uses of flagged attributes; dunders."""
        internal = _is_dunder(node.attr) and node.attr not in ALLOWED_DUNDER_ATTRS
        if internal and node.attr != "__builtins__":
            self._report(node, "reads-internals", f"`.{node.attr}`")
        self._held.add(id(node.value))
        self._bases.add(id(node.value))
        if not isinstance(node.ctx, ast.Load):
            if node.attr in SHELL_PROTOCOL_METHODS:
                self._report(node, "hooks-ipython", f"`{node.attr}`, which IPython calls")
            self._check_object_store(node, node.value, node.attr, _shown(node))
            value = self._pending.pop(id(node), None)
            if value is not None:
                self._taint(node, value)
            self.generic_visit(node)
            return
        if id(node) not in self._covered:
            self._check_attribute_use(node)
        self.generic_visit(node)

    def _check_object_store(self, node: ast.AST, target: ast.AST, attr: str, shown: str) -> None:
        """An attribute of ``target`` is assigned or deleted: a finding when ``target`` is or
        may be a module or the shell (anything whose origin is not the student's)."""
        origin = self._origin(target)
        for atom in sorted(origin, key=str):
            if atom[0] == "path":
                self._report_store(node, _canonical(f"{atom[1]}.{attr}"), shown)
            elif atom[0] == "unknown":
                self._report(node, "patches-module", f"{shown}, on {atom[1]}")
                self._cover(node)

    def _check_attribute_use(self, node: ast.Attribute) -> None:
        """Frame attributes, ``.__builtins__``, shell hooks, flagged library paths.

        The path is the import path the chain spells (``sys.displayhook``) or, failing
        that, any path its origin may be (``shell().events`` where ``shell`` returns
        ``get_ipython()``).
        """
        if node.attr in FRAME_ATTRS:
            self._report(node, "inspects-frames", f"`.{node.attr}`")
            return
        if node.attr == "__builtins__":
            self._report(node, "touches-builtins", "`.__builtins__`")
            return
        path = self._resolve(node)
        if path:
            paths = [path]
        else:
            origin = self._origin(node)
            paths = sorted(atom[1] for atom in origin if atom[0] == "path")
            receiver = self._origin(node.value)
            if node.attr in SHELL_HOOK_ATTRS and any(atom[0] == "unknown" for atom in receiver):
                self._report(node, "hooks-ipython", f"`{node.attr}` of an unknown object")
                return
        for candidate in paths:
            if candidate.startswith(SHELL + "."):
                attribute = candidate[len(SHELL) + 1 :].split(".")[0]
                if attribute in SHELL_HOOK_ATTRS:
                    self._report(node, "hooks-ipython", f"`{attribute}`")
                    self._cover(node)
                    return
                continue
            match = _match(candidate, USE_RULES)
            if match and _root_name(node) not in self._reported_imports:
                self._report(node, match[1], f"{_shown(node)} ({match[0]})")
                self._cover(node)
                return

    def _report_store(self, node: ast.AST, path: str, shown: str) -> None:
        """An assignment or deletion of ``path``, an attribute of an import."""
        rule = _store_rule(path)
        if rule is None:
            return
        plain = rule == "hooks-ipython" or shown.strip("`") == path
        what = shown if plain else f"{shown} ({path})"
        self._report(node, rule, what)
        self._cover(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        """``sys.modules[...] =``, ``vars(module)[...] =``, ``globals()["np"]``."""
        key = _str_const(node.slice)
        if self._is_globals(node.value):
            if key is not None:
                self._namespace_ok.add(id(node.value))
                if isinstance(node.ctx, ast.Load):
                    self._check_name_by_key(node, key)
            else:
                self._report(node, "dynamic-lookup", f"{_shown(node)}, a global by a computed name")
                self._namespace_ok.add(id(node.value))
        if not isinstance(node.ctx, ast.Load):
            self._check_item_store(node)
            value = self._pending.pop(id(node), None)
            if value is not None:
                self._taint(node, value)
        self.generic_visit(node)

    def _check_name_by_key(self, node: ast.AST, key: str) -> None:
        """``globals()["In"]`` and the like: the name, read through the namespace."""
        found, _ = self._name_origin(key)
        if found:
            return
        if key in HISTORY_NAMES or _HISTORY_NUMBERED.fullmatch(key):
            self._report(node, "hooks-ipython", f"its input history `{key}`")
        elif key == "get_ipython":
            self._report(node, "hooks-ipython", "`get_ipython` passed on")
        elif _is_dunder(key) and key not in ALLOWED_DUNDER_NAMES and key != "__builtins__":
            self._report(node, "reads-internals", f"`{key}`")

    def _check_item_store(self, node: ast.Subscript) -> None:
        """An item assignment or deletion into a namespace we know."""
        container, key = node.value, _str_const(node.slice)
        container_path = self._resolve(container)
        namespace = self._namespace_of(container)
        if container_path == "sys.modules":
            self._report(node, "touches-sys-modules", _shown(node))
        elif namespace is not None:
            self._report_store(node, f"{namespace}.{key or '*'}", _shown(node))
        elif self._is_globals(container):
            if key:
                self._bind(key, node, self._module)
        elif container_path and container_path.split(".")[0] == "dlcourse":
            self._report(node, "patches-module", f"{_shown(node)} ({container_path})")

    def _namespace_of(self, node: ast.AST) -> str | None:
        """The import path whose namespace ``vars(x)``/``x.__dict__``/``f.__globals__`` is."""
        if isinstance(node, ast.Call) and self._callee(node.func) == "builtins.vars":
            return self._resolve(node.args[0]) if len(node.args) == 1 else None
        if isinstance(node, ast.Attribute) and node.attr in ("__dict__", "__globals__"):
            base = self._resolve(node.value)
            if base:
                return base if node.attr == "__dict__" else f"{base}.__globals__"
        return None

    def _is_globals(self, node: ast.AST) -> bool:
        """``globals()`` (or a bare ``vars()``/``locals()`` at the top level)."""
        if not isinstance(node, ast.Call) or node.args:
            return False
        callee = self._callee(node.func)
        if callee == "builtins.globals":
            return True
        return callee in ("builtins.vars", "builtins.locals") and self._scopes[-1] is self._module

    def visit_Call(self, node: ast.Call) -> None:
        """Calls: setattr, exec, shell and magics, paths, exits, output, mutations; and
        what the student's own functions are called with."""
        func = node.func
        self._held.add(id(func))
        if (
            isinstance(func, ast.Attribute)
            and func.attr in SHELL_TRANSFORMER_METHODS
            and isinstance(func.value, ast.Call)
            and self._callee(func.value.func) in SHELL_GETTERS
        ):
            self._shell_ok.add(id(func.value))
        callee = self._callee(func)
        if callee:
            self._check_call(node, callee)
        if isinstance(func, ast.Attribute):
            self._check_method_call(node, func)
        self._record_call(node)
        self.generic_visit(node)

    def _record_call(self, node: ast.Call) -> None:
        """The origins of the arguments of a call to the student's own functions."""
        facts = self._facts
        targets: list[tuple[int, int]] = []  # (function key, arguments before the first)
        for atom in self._origin(node.func):
            if atom[0] == "func":
                targets.append((atom[1], 0))
            elif atom[0] == "class":
                for init in facts.class_attrs.get((atom[1], "__init__"), _OWN):
                    if init[0] == "func":
                        targets.append((init[1], 1))
        if isinstance(node.func, ast.Attribute):
            receiver = self._origin(node.func.value)
            if not any(atom[0] == "class" for atom in receiver):
                # A method called on an instance: any of the student's methods of that name.
                targets.extend((key, 1) for key in facts.methods.get(node.func.attr, ()))
        if not targets:
            self._record_handed_over(node)
        for key, shift in targets:
            function = facts.functions.get(key)
            if function is None:
                continue
            everything = [*function.params, *function.keywords]
            everything += [name for name in (function.vararg, function.kwarg) if name]
            for position, argument in enumerate(node.args):
                origin = self._origin(argument)
                if isinstance(argument, ast.Starred):
                    names = everything
                elif position + shift < len(function.params):
                    names = [function.params[position + shift]]
                else:
                    names = [function.vararg] if function.vararg else []
                for name in names:
                    facts.add(facts.params, (key, name), origin)
            for keyword in node.keywords:
                origin = self._origin(keyword.value)
                if keyword.arg is None:
                    names = everything
                elif keyword.arg in function.keywords:
                    names = [keyword.arg]
                else:
                    names = [function.kwarg] if function.kwarg else []
                for name in names:
                    facts.add(facts.params, (key, name), origin)

    def _record_handed_over(self, node: ast.Call) -> None:
        """A student's function handed to someone else's code (``map(f, [np])``,
        ``functools.partial(f, np)``, ``tf.function(f)``): that code may call it with any
        of the other arguments."""
        values = [*node.args, *(keyword.value for keyword in node.keywords)]
        origins = [self._origin(value) for value in values]
        facts = self._facts
        for position, origin in enumerate(origins):
            for atom in origin:
                function = facts.functions.get(atom[1]) if atom[0] == "func" else None
                if function is None:
                    continue
                others = frozenset().union(*(o for i, o in enumerate(origins) if i != position))
                names = [*function.params, *function.keywords]
                names += [name for name in (function.vararg, function.kwarg) if name]
                for name in names:
                    facts.add(facts.params, (atom[1], name), _carried(others))

    def _check_call(self, node: ast.Call, callee: str) -> None:
        """Calls recognised by the called function's path."""
        args = node.args
        if callee in SHELL_GETTERS and id(node) not in self._shell_ok:
            self._report(node, "hooks-ipython", f"{_shown(node)} kept or passed on")
        if callee in DYNAMIC_NAME_FUNCTIONS:
            self._check_dynamic_name(node, callee)
        if callee in NAMESPACE_FUNCTIONS and not args and id(node) not in self._namespace_ok:
            self._report(node, "dynamic-lookup", f"{_shown(node)}, every name at once")
        if not isinstance(node.func, ast.Name | ast.Attribute):
            match = _match(callee, USE_RULES)  # getattr(sys, "displayhook")(...)
            if match:
                self._report(node, match[1], f"{_shown(node)} ({match[0]})")
        if callee == "functools.partial" and args:  # partial(setattr, np, "allclose")
            inner = ast.Call(func=args[0], args=args[1:], keywords=node.keywords)
            inner_callee = self._callee(args[0])
            if inner_callee and inner_callee != callee:
                self._check_call(ast.copy_location(inner, node), inner_callee)
        if callee in SETATTR_FUNCTIONS and len(args) >= 2:
            self._check_object_store(node, args[0], _str_const(args[1]) or "*", _shown(node))
            if len(args) >= 3:
                self._taint_attribute(args[0], _str_const(args[1]), self._origin(args[2]))
        elif callee in EXEC_FUNCTIONS:
            self._check_exec(node, callee, args[0] if args else None)
        elif callee.startswith(SHELL + "."):
            self._check_shell_call(node, callee[len(SHELL) + 1 :])
        elif callee in ("builtins.exit", "builtins.quit"):
            self._report(node, "stops-kernel", _shown(node))
        elif callee in ("os.chdir", "os.fchdir"):
            self._report(node, "reads-outside", f"changes the working folder with {_shown(node)}")
        elif callee in REDIRECTS and id(node) not in self._with_items:
            self._report(node, "touches-sys-modules", f"{_shown(node)} outside a `with`")
        elif callee in DISPLAY_FUNCTIONS:
            self._check_display(node, callee)
        elif callee in ("os.write", "os.fdopen", "io.FileIO", *OPEN_FUNCTIONS) and _is_std_fd(args):
            self._report(node, "forges-output", f"{_shown(node)} to the kernel's own stream")
        if callee in PATH_FUNCTIONS or callee.startswith(PATH_FUNCTION_PREFIXES):
            self._check_path_call(node, callee)

    def _check_dynamic_name(self, node: ast.Call, callee: str) -> None:
        """getattr/setattr/import_module...: a computed name is a finding, a literal one is
        read as the attribute or module it names."""
        position = 0 if callee in IMPORT_FUNCTIONS else 1
        if len(node.args) <= position:
            return
        name = _str_const(node.args[position])
        shown = callee.removeprefix("builtins.")
        if name is None:
            self._report(node, "dynamic-lookup", f"`{shown}` with a computed name")
        elif position == 1 and _is_dunder(name) and name not in ALLOWED_DUNDER_ATTRS:
            if name != "__builtins__":
                self._report(node, "reads-internals", f"`{name}` through `{shown}`")
        elif position == 1 and name in FRAME_ATTRS:
            self._report(node, "inspects-frames", f"`{name}` through `{shown}`")
        elif position == 0:
            match = _match(name, IMPORT_RULES)
            if match:
                self._report(node, match[1], f"`{name}` through `{shown}`")

    def _taint_attribute(self, target: ast.AST, attr: str | None, origin: Origin) -> None:
        """``setattr(obj, "m", np)``: what ``obj.m`` may now hold."""
        if attr is not None and not _risky(self._origin(target)):
            self._facts.add(self._facts.attrs, attr, _carried(origin))

    def _check_exec(self, node: ast.Call, callee: str, code: ast.AST | None) -> None:
        """exec/eval/compile: scan a literal, report anything else."""
        literal = _str_const(code)
        line = self._line_of(node.lineno)
        if literal is not None:
            self._scan_nested(literal, lambda _: line)
        elif not (
            callee != "builtins.compile"
            and isinstance(code, ast.Call)
            and self._callee(code.func) == "builtins.compile"
        ):
            self._report(node, "dynamic-code", f"`{callee.removeprefix('builtins.')}` of a value")

    def _check_shell_call(self, node: ast.Call, method: str) -> None:
        """Calls on the IPython shell: ``!cmd``, magics, running code, exiting."""
        args = node.args
        first = _str_const(args[0]) if args else None
        if method in SHELL_COMMAND_METHODS:
            self._report(node, "runs-shell", f"`!{_clip(first or '...', 60)}`")
        elif method in SHELL_MAGIC_METHODS and first is not None:
            if method == "magic":
                name, _, line = first.partition(" ")
                body = None
            else:
                name = first
                line = (_str_const(args[1]) if len(args) > 1 else "") or ""
                body = _str_const(args[2]) if len(args) > 2 else None
            if method == "magic":  # the old API takes "%name args"
                name = name.lstrip("%")
            self._check_magic(node, name, line, body, method == "run_cell_magic")
        elif method in SHELL_CODE_METHODS:
            if first is not None and method in ("run_cell", "ex", "ev"):
                line_number = self._line_of(node.lineno)
                self._scan_nested(first, lambda _: line_number)
            else:
                self._report(node, "dynamic-code", f"the shell's `{method}`")
        elif method == "ask_exit":
            self._report(node, "stops-kernel", "the shell's `ask_exit`")

    def _check_magic(
        self, node: ast.Call, name: str, line: str, body: str | None, cell: bool
    ) -> None:
        """A line or cell magic, by name."""
        shown = f"`{'%%' if cell else '%'}{name}`"
        outer = self._line_of(node.lineno)
        rule = MAGIC_RULES.get(name)
        path = next((token for token in line.split() if not token.startswith("-")), "")
        if rule == "reads-outside":
            self._report(node, rule, f"changes the working folder with {shown}")
        elif rule is not None:
            self._report(node, rule, shown)
        elif name in PYTHON_MAGICS:
            if body is not None:
                self._scan_nested(body, lambda inner: outer + inner)
            if name != "capture":
                self._scan_magic_line(line, outer)
        elif name in ("run", "load"):
            if path and _is_outside(path):
                self._report(node, "reads-outside", f"{shown} of {_describe_path(path)}")
            elif name == "run":
                self._report(node, "dynamic-code", f"{shown} of a file")
        elif name in WRITEFILE_MAGICS and path:
            if _is_grading_file(path) or path.endswith(".ipynb"):
                self._report(node, "forges-output", f"{shown} to `{_clip(path, 60)}`")
            elif _is_outside(path):
                self._report(node, "reads-outside", f"{shown} to {_describe_path(path)}")
            if body is not None and path.endswith(".py"):
                self._scan_nested(body, lambda inner: outer + inner)

    def _scan_magic_line(self, line: str, outer: int) -> None:
        """The statement of ``%time``/``%timeit``/``%prun``, after the magic's options."""
        rest = line
        while rest.strip():
            if _parse(rest) is not None:
                self._scan_nested(rest, lambda _: outer)
                return
            rest = re.sub(r"^\s*\S+", "", rest, count=1)

    def _check_display(self, node: ast.Call, callee: str) -> None:
        """Raw display data with Jupyter's or nbgrader's own MIME types."""
        raw = callee.endswith("publish_display_data") or any(
            keyword.arg == "raw"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is True
            for keyword in node.keywords
        )
        if not raw:
            return
        for value in [*node.args, *(keyword.value for keyword in node.keywords)]:
            if isinstance(value, ast.Dict):
                for key in value.keys:
                    text = _str_const(key)
                    if text and (
                        text.startswith("application/vnd.jupyter") or "nbgrader" in text.lower()
                    ):
                        self._report(node, "forges-output", f"raw display data `{text}`")
                        return

    def _check_path_call(self, node: ast.Call, callee: str) -> None:
        """A function given a path: outside the folder, nbgrader's files, a notebook."""
        count = 2 if callee in TWO_PATH_FUNCTIONS else 1
        candidates = list(node.args[:count]) + [
            keyword.value for keyword in node.keywords if keyword.arg in PATH_KEYWORDS
        ]
        writes = self._opens_for_writing(node, callee)
        for position, argument in enumerate(candidates):
            text = self._path_text(argument)
            if text is None:
                continue
            if _is_grading_file(text):
                self._report(node, "forges-output", f"nbgrader's files {_describe_path(text)}")
            elif _is_outside(text):
                self._report(node, "reads-outside", _describe_path(text))
            elif text.endswith(".ipynb") and (writes or (count == 2 and position == 1)):
                self._report(node, "forges-output", f"writes the notebook `{_clip(text, 60)}`")

    @staticmethod
    def _opens_for_writing(node: ast.Call, callee: str) -> bool:
        """Whether an ``open`` call's mode writes."""
        if callee not in OPEN_FUNCTIONS:
            return False
        mode: ast.AST | None = node.args[1] if len(node.args) > 1 else None
        for keyword in node.keywords:
            if keyword.arg == "mode":
                mode = keyword.value
        text = _str_const(mode)
        return text is not None and any(letter in text for letter in "wax+")

    def _check_method_call(self, node: ast.Call, func: ast.Attribute) -> None:
        """Methods: dict mutations of namespaces, ``__setattr__``, filling containers,
        path methods."""
        method, receiver = func.attr, func.value
        if method in ("__setattr__", "__delattr__") and node.args:
            name = _str_const(node.args[0])
            self._check_object_store(node, receiver, name or "*", _shown(node))
            if name is None:
                self._report(node, "dynamic-lookup", f"`{method}` with a computed name")
        if method in CONTAINER_FILLERS:
            values = [*node.args, *(keyword.value for keyword in node.keywords)]
            self._taint(receiver, frozenset().union(*(self._origin(value) for value in values)))
        if self._is_globals(receiver) and method in NAMESPACE_METHODS:
            first = _str_const(node.args[0]) if node.args else None
            if method == "update" or first is not None:
                self._namespace_ok.add(id(receiver))
            if first is not None and method == "get":
                self._check_name_by_key(node, first)
        if method in DICT_MUTATORS:
            namespace = self._namespace_of(receiver)
            if self._resolve(receiver) == "sys.modules":
                self._report(node, "touches-sys-modules", _shown(node))
            elif namespace is not None:
                self._report_store(node, f"{namespace}.*", _shown(node))
            elif self._is_globals(receiver) and method == "update":
                for keyword in node.keywords:
                    if keyword.arg:
                        self._bind(keyword.arg, node, self._module, self._origin(keyword.value))
                for argument in node.args:
                    if isinstance(argument, ast.Dict):
                        for key, value in zip(argument.keys, argument.values, strict=True):
                            text = _str_const(key)
                            if text:
                                self._bind(text, node, self._module, self._origin(value))
                    else:
                        self._report(node, "dynamic-lookup", f"{_shown(node)}, names computed")
        if method in LINK_METHODS:
            self._report(node, "makes-link", f"`.{method}()`")
        if method in PATH_METHODS:
            text = self._path_text(receiver)
            if text is None:
                return
            if _is_grading_file(text):
                self._report(node, "forges-output", f"nbgrader's files {_describe_path(text)}")
            elif _is_outside(text):
                self._report(node, "reads-outside", _describe_path(text))
            elif text.endswith(".ipynb") and method in PATH_WRITE_METHODS:
                self._report(node, "forges-output", f"writes the notebook `{_clip(text, 60)}`")

    # ---- paths ------------------------------------------------------------------------

    def _path_text(self, node: ast.AST, depth: int = 0) -> str | None:
        """The path an expression builds, ``{}`` for unknown parts; None if not a path.

        Understands literals, f-strings, ``+``, ``Path(...) / ...``, ``os.path.join``,
        ``expanduser``, ``dirname``, ``.parent``, ``os.getcwd()``, ``Path.home()``,
        ``os.environ`` and ``__file__``, and names assigned from these.
        """
        if depth > 8:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            return "".join(
                part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
            )
        if isinstance(node, ast.Name):
            return _FILE_PATH if node.id == "__file__" else self._path_names.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Div):
            left = self._path_text(node.left, depth + 1)
            right = self._path_text(node.right, depth + 1)
            if left is None and right is None:
                return None
            left, right = left if left is not None else "{}", right if right is not None else "{}"
            return left + right if isinstance(node.op, ast.Add) else posixpath.join(left, right)
        if isinstance(node, ast.Subscript):
            return _ENV_PATH if self._resolve(node.value) == "os.environ" else None
        if isinstance(node, ast.Attribute):
            if node.attr == "parent":
                base = self._path_text(node.value, depth + 1)
                return None if base is None else base + "/.."
            return None
        if isinstance(node, ast.Call):
            return self._call_path_text(node, depth)
        return None

    def _call_path_text(self, node: ast.Call, depth: int) -> str | None:
        """``_path_text`` of a call."""
        callee = self._callee(node.func)
        texts = [self._path_text(argument, depth + 1) for argument in node.args]
        first = texts[0] if texts else None
        if callee in ("os.path.join", "pathlib.Path"):
            if not texts:
                return "."
            if all(text is None for text in texts):
                return None
            return posixpath.join(*(text if text is not None else "{}" for text in texts))
        if callee in (
            "os.path.expanduser",
            "os.path.expandvars",
            "os.path.abspath",
            "os.path.realpath",
            "os.path.normpath",
        ):
            return first
        if callee == "os.path.dirname":
            return None if first is None else first + "/.."
        if callee in ("os.getcwd", "pathlib.Path.cwd"):
            return "."
        if callee == "pathlib.Path.home":
            return "~"
        if callee in ("os.getenv", "os.environ.get"):
            return _ENV_PATH
        if isinstance(node.func, ast.Attribute) and callee is None:
            base = self._path_text(node.func.value, depth + 1)
            if base is None:
                return None
            if node.func.attr in ("expanduser", "resolve", "absolute"):
                return base
            if node.func.attr == "joinpath":
                return posixpath.join(base, *(text if text is not None else "{}" for text in texts))
        return None


def _is_std_fd(args: list[ast.expr]) -> bool:
    """Whether the first argument is file descriptor 1 or 2 (the kernel's stdout/stderr)."""
    return bool(args) and isinstance(args[0], ast.Constant) and args[0].value in (1, 2)


def _root_name(node: ast.AST) -> str | None:
    """The name an attribute chain starts from."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
