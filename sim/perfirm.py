"""Per-firm rules: a plain function of one firm, run for every living firm in row order.

``run_per_firm(fn, compiled)`` turns ``fn(firm, rng, *, ...)`` into a variant
``(model, rng, **params)``. Uncompiled, it calls ``fn`` on each living firm's agent view.
Compiled, the function's source is rewritten so that ``firm.<column>`` reads and writes
``<column>[row]`` of the firm columns (and ``firm.row`` is the row) and becomes the body of a
loop over the living rows that numba compiles: the same draws from the same ``rng`` in the same
order, so both give the same results, the compiled one at the speed of a vectorised rule. A
compiled rule may use the firm's columns, its parameters, ``rng`` (``rng.random()``,
``rng.normal(...)``, …), NumPy and its module's constants; without numba it runs uncompiled,
with a warning.
"""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import textwrap
import warnings
from collections.abc import Callable

try:
    import numba
except ImportError:  # pragma: no cover - numba is a dependency; kept optional for per-firm rules
    numba = None


class PerFirmError(ValueError):
    """A per-firm rule that cannot be compiled (with the reason and the way out)."""


def run_per_firm(fn: Callable, compiled: bool = False) -> Callable:
    """The variant ``run(model, rng, **params)`` of the per-firm function ``fn``."""
    if compiled and numba is None:
        warnings.warn(
            f"numba is not installed: the per-firm rule {fn.__name__!r} runs uncompiled "
            "(slow for many firms); `pip install numba` to compile it",
            stacklevel=3,
        )
        compiled = False
    if not compiled:

        @functools.wraps(fn)
        def run(model, rng, **params):
            for firm in model.living_firms():
                fn(firm, rng, **params)

        return run
    kernel = _Kernel(fn)

    @functools.wraps(fn)
    def run_compiled(model, rng, **params):
        kernel(model, rng, params)

    return run_compiled


class _Kernel:
    """``fn`` rewritten over firm columns and compiled on first use (once per process)."""

    def __init__(self, fn: Callable):
        self.fn = fn
        self.tree, self.firm, self.columns = _rewrite(fn)
        sig = inspect.signature(fn)
        self.params = {k: p.default for k, p in sig.parameters.items() if p.kind is p.KEYWORD_ONLY}
        self.loop = None

    def __call__(self, model, rng, params: dict) -> None:
        state = model.state
        missing = [c for c in self.columns if c not in state.columns]
        if missing:
            raise PerFirmError(
                f"per-firm rule {self.fn.__name__!r}: firm.{missing[0]} is not a firm column "
                f"(columns: {', '.join(sorted(state.columns))})"
            )
        if self.loop is None:
            self.loop = self._compile()
        values = [params.get(k, d) for k, d in self.params.items()]
        cols = [state[c] for c in self.columns]
        try:
            self.loop(state.alive, rng, *cols, *values)
        except numba.core.errors.NumbaError as exc:
            first = str(exc).strip().splitlines()[0]
            raise PerFirmError(
                f"per-firm rule {self.fn.__name__!r} cannot be compiled ({first}); register "
                "it with compiled=False to run it uncompiled"
            ) from None

    def _compile(self):
        """The jitted loop ``loop(alive, rng, *columns, *params)`` over the living rows.

        The rule's body is the loop's body (a bare ``return`` becomes ``continue``): calling a
        compiled function per firm, with the generator and the columns as arguments, cost
        about ten times the rule itself. A rule that returns from inside a loop of its own
        keeps the call per firm."""
        args = ["rng", *[f"_col_{c}" for c in self.columns], *self.params]
        tree = copy.deepcopy(self.tree)
        body = _as_loop_body(tree.body)
        if body is None:
            one = copy.deepcopy(self.tree)
            one.name = "_one"
            one.args = ast.arguments(
                posonlyargs=[],
                args=[ast.arg(a) for a in ["_row", *args]],
                kwonlyargs=[],
                kw_defaults=[],
                defaults=[],
            )
            one.decorator_list = []
            body = [ast.parse(f"_one(_row, {', '.join(args)})").body[0]]
            helpers = [one]
        else:
            helpers = []
        loop = ast.parse(
            f"def _loop(_alive, {', '.join(args)}):\n"
            f"    for _row in range(len(_alive)):\n"
            f"        if not _alive[_row]:\n"
            f"            continue\n"
        ).body[0]
        loop.body[0].body.extend(body)
        module = ast.fix_missing_locations(ast.Module([*helpers, loop], type_ignores=[]))
        namespace = dict(self.fn.__globals__)  # the rule's imports and constants
        if self.fn.__closure__:
            names = self.fn.__code__.co_freevars
            namespace.update(zip(names, (c.cell_contents for c in self.fn.__closure__)))
        exec(compile(module, f"<per-firm rule {self.fn.__qualname__}>", "exec"), namespace)
        if helpers:
            namespace["_one"] = numba.njit(inline="always")(namespace["_one"])
        return numba.njit(namespace["_loop"])


def _as_loop_body(body: list[ast.stmt]) -> list[ast.stmt] | None:
    """The statements of a rule as the body of the loop over firms: ``return`` → ``continue``
    (a returned expression is still evaluated); None when a ``return`` sits inside a loop of
    the rule (there ``continue`` would mean something else)."""

    class Returns(ast.NodeTransformer):
        depth = 0
        nested = False

        def loop(self, node):
            self.depth += 1
            node = self.generic_visit(node)
            self.depth -= 1
            return node

        visit_For = visit_While = visit_AsyncFor = loop

        def visit_FunctionDef(self, node):
            return node  # a nested function's returns are its own

        visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef

        def visit_Return(self, node):
            if self.depth:
                self.nested = True
                return node
            done = ast.copy_location(ast.Continue(), node)
            if node.value is None:
                return done
            return [ast.copy_location(ast.Expr(node.value), node), done]

    returns = Returns()
    new = [returns.visit(stmt) for stmt in body]
    if returns.nested:
        return None
    flat: list[ast.stmt] = []
    for stmt in new:
        flat.extend(stmt if isinstance(stmt, list) else [stmt])
    return flat


def _rewrite(fn: Callable) -> tuple[ast.FunctionDef, str, list[str]]:
    """``fn``'s definition with ``firm.<column>`` → ``_col_<column>[_row]`` and
    ``firm.row`` → ``_row``; returns (definition, name of the firm argument, columns used)."""
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        raise PerFirmError(
            f"per-firm rule {fn.__name__!r}: its source is not available to compile; "
            "register it with compiled=False"
        ) from None
    tree = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))
    positional = [a.arg for a in tree.args.posonlyargs + tree.args.args]
    if len(positional) != 2:
        raise PerFirmError(f"per-firm rule {fn.__name__!r}: expected fn(firm, rng, *, ...)")
    firm = positional[0]
    columns: list[str] = []

    class Columns(ast.NodeTransformer):
        def visit_Attribute(self, node):
            if isinstance(node.value, ast.Name) and node.value.id == firm:
                if node.attr == "row":
                    return ast.copy_location(ast.Name("_row", ast.Load()), node)
                if node.attr not in columns:
                    columns.append(node.attr)
                return ast.copy_location(
                    ast.Subscript(
                        ast.Name(f"_col_{node.attr}", ast.Load()),
                        ast.Name("_row", ast.Load()),
                        node.ctx,
                    ),
                    node,
                )
            return self.generic_visit(node)

        def visit_Name(self, node):
            if node.id == firm:
                raise PerFirmError(
                    f"per-firm rule {fn.__name__!r} (line {node.lineno}): a compiled rule "
                    f"uses {firm} only as {firm}.<column>; register it with compiled=False"
                )
            return node

    tree = Columns().visit(tree)
    return tree, firm, columns
