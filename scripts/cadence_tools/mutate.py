"""Mutation testing of Cadence: change the code one small way, see whether a test fails.

Run through `scripts/mutate` (docs/testing.md). The work happens in a copy of the
repository (default /tmp/mutate-tree), never in the checkout: a mutant is written
into the copy, the tests that execute the mutated lines run against it, and the
copy's file is restored before the next one.

1. One coverage run of the whole suite with `--cov-context=test` maps each line to
   the tests that execute it (cached in the copy until a source or test changes).
2. Each module is parsed and every mutation point found (comparisons, and/or,
   arithmetic, numbers, unary minus, `not`, conditions, return values, min/max,
   calls made for their effect, augmented assignments).
3. Each mutant runs only the tests covering its lines, fastest first, stopping at
   the first failure, with a timeout. The run is one process at a time: a server
   process imports pytest, Home Assistant and numpy once and forks a child per
   mutant, so a mutant costs its tests rather than three seconds of start-up.

Lines executed only while modules are imported (constants, default arguments) are
covered by every test that runs code of that module.
"""

from __future__ import annotations

import argparse
import ast
from collections import defaultdict
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
import hashlib
import json
import os
from pathlib import Path
import random
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

REPO = Path(__file__).resolve().parents[2]
PACKAGE = Path("custom_components/cadence")
DEFAULT_MODULES = [
    PACKAGE / "home.py",
    *sorted(p for p in (PACKAGE / "engine").rglob("*.py") if p.name != "__init__.py"),
]
COPIED = ("custom_components", "tests", "scripts", "pyproject.toml")
PYTEST_ARGS = ["-q", "-x", "-p", "no:cacheprovider", "-p", "no:randomly"]

# Exit codes of a mutant's child process beside pytest's own.
TIMEOUT = -1000


@dataclass(frozen=True, slots=True)
class Mutant:
    """One change of one module: the byte span replaced and what replaces it."""

    path: str  # relative to the tree
    line: int
    end_line: int
    start: tuple[int, int]  # (line, byte column) of the replaced span
    end: tuple[int, int]
    replacement: str
    original: str
    description: str

    @property
    def label(self) -> str:
        """Return file:line: original -> mutant, shortened to one line."""
        return f"{self.path}:{self.line}: {_short(self.original)} -> {_short(self.description)}"


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


# ---------------------------------------------------------------- finding mutants

_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
}


class _Finder(ast.NodeVisitor):
    """Collect (node, replacement node or source text, description) triples."""

    def __init__(self) -> None:
        self.found: list[tuple[ast.AST, str]] = []
        self._skip_depth = 0

    def add(self, node: ast.AST, replacement: ast.AST | str) -> None:
        if self._skip_depth:
            return
        if isinstance(replacement, str):
            text = replacement
        elif isinstance(replacement, ast.stmt):
            text = ast.unparse(replacement)
        else:
            text = f"({ast.unparse(replacement)})"
        self.found.append((node, text))

    # Parts that are not behaviour: docstrings, annotations, TYPE_CHECKING imports.
    def visit_If(self, node: ast.If) -> None:
        if ast.unparse(node.test) == "TYPE_CHECKING":
            return
        self._condition(node.test)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self._condition(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._condition(node.test)
        self.generic_visit(node)

    def _condition(self, test: ast.expr) -> None:
        negated = (
            test.operand
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
            else ast.UnaryOp(ast.Not(), test)
        )
        self.add(test, negated)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        for statement in node.body:
            self.visit(statement)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for statement in node.body:
            self.visit(statement)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant):  # a docstring
            return
        if isinstance(node.value, ast.Call | ast.Await):
            self.add(node, "pass")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for i, op in enumerate(node.ops):
            swap = _COMPARE_SWAPS.get(type(op))
            if swap is not None:
                ops = list(node.ops)
                ops[i] = swap()
                self.add(node, ast.Compare(node.left, ops, node.comparators))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        self.add(node, ast.BoolOp(other, node.values))
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swap = _BINOP_SWAPS.get(type(node.op))
        if swap is not None and not _is_text(node.left):
            self.add(node, ast.BinOp(node.left, swap(), node.right))
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        swap = _BINOP_SWAPS.get(type(node.op))
        if swap is not None:
            self.add(node, ast.AugAssign(node.target, swap(), node.value))
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.USub | ast.Not):
            self.add(node, node.operand)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.add(node, repr(not value))
        elif isinstance(value, int | float):
            self.add(node, repr(value + 1))

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            self.add(node, "return None")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
            other = "max" if node.func.id == "min" else "min"
            self.add(node, ast.Call(ast.Name(other), node.args, node.keywords))
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        """Messages are not behaviour a test should pin."""

    def visit_Raise(self, node: ast.Raise) -> None:
        """The exception raised is pinned by its type; its arguments are messages."""


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def find_mutants(tree_dir: Path, path: Path) -> list[Mutant]:
    """Return every mutant of one module (path relative to the tree)."""
    source = (tree_dir / path).read_text(encoding="utf-8")
    finder = _Finder()
    finder.visit(ast.parse(source))
    mutants = []
    for node, replacement in finder.found:
        original = ast.get_source_segment(source, node) or ast.unparse(node)
        mutants.append(
            Mutant(
                path=str(path),
                line=node.lineno,  # type: ignore[attr-defined]
                end_line=node.end_lineno,  # type: ignore[attr-defined]
                start=(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                end=(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
                replacement=replacement,
                original=original,
                description=replacement.removeprefix("(").removesuffix(")")
                if replacement.startswith("(")
                else replacement,
            )
        )
    return mutants


def apply(source: bytes, mutant: Mutant) -> bytes:
    """Return the source with the mutant's span replaced (columns count bytes)."""
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    start = offsets[mutant.start[0] - 1] + mutant.start[1]
    end = offsets[mutant.end[0] - 1] + mutant.end[1]
    return source[:start] + mutant.replacement.encode() + source[end:]


# ---------------------------------------------------------------- the copy and coverage


def prepare_tree(tree_dir: Path) -> None:
    """Make tree_dir a fresh copy of the parts of the repository the tests need."""
    if tree_dir.exists():
        cache = tree_dir / ".mutate-coverage.json"
        kept = cache.read_bytes() if cache.exists() else None
        shutil.rmtree(tree_dir)
    else:
        kept = None
    tree_dir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".coverage*")
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, tree_dir / name, ignore=ignore)
        else:
            shutil.copy2(src, tree_dir / name)
    # The tests of scripts/replay start it, and it looks for the environment.
    (tree_dir / ".venv").symlink_to(REPO / ".venv")
    if kept is not None:
        (tree_dir / ".mutate-coverage.json").write_bytes(kept)


def _fingerprint(tree_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(tree_dir.rglob("*.py")):
        if path.name == "mutate.py":
            continue
        digest.update(str(path.relative_to(tree_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def coverage_map(tree_dir: Path, python: str) -> dict[str, object]:
    """Return {"lines": {file: {line: [test ids]}}, "durations": {test id: s}}."""
    cache = tree_dir / ".mutate-coverage.json"
    fingerprint = _fingerprint(tree_dir)
    if cache.exists():
        data = json.loads(cache.read_text())
        if data.get("fingerprint") == fingerprint:
            print("coverage map: cached")
            return data
    print("coverage map: running the whole suite once with --cov-context=test ...")
    started = time.monotonic()
    junit = tree_dir / ".mutate-junit.xml"
    result = subprocess.run(
        [
            python,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--cov={PACKAGE}",
            "--cov-context=test",
            "--cov-report=",
            f"--junitxml={junit}",
            "tests",
        ],
        cwd=tree_dir,
        env=_child_env(tree_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:])
        raise SystemExit("mutate: the unmutated suite must pass first")
    print(f"coverage map: {time.monotonic() - started:.0f} s")
    lines = _lines_to_tests(tree_dir)
    durations = _durations(junit)
    data = {"fingerprint": fingerprint, "lines": lines, "durations": durations}
    cache.write_text(json.dumps(data))
    return data


def _lines_to_tests(tree_dir: Path) -> dict[str, dict[str, list[str]]]:
    import coverage  # noqa: PLC0415  # only the driver needs it

    data = coverage.CoverageData(basename=str(tree_dir / ".coverage"))
    data.read()
    lines: dict[str, dict[str, list[str]]] = {}
    for filename in data.measured_files():
        relative = str(Path(filename).resolve().relative_to(tree_dir.resolve()))
        by_line: dict[str, set[str]] = defaultdict(set)
        for line, contexts in data.contexts_by_lineno(filename).items():
            for context in contexts:
                test = context.rsplit("|", 1)[0]
                by_line[str(line)].add(test)  # "" is import time
        lines[relative] = {k: sorted(v) for k, v in by_line.items()}
    return lines


def _durations(junit: Path) -> dict[str, float]:
    durations: dict[str, float] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):  # noqa: S314  # our own file
        classname = case.get("classname", "")
        parts = classname.split(".")
        # "tests.engine.test_feed" -> "tests/engine/test_feed.py"; classes follow.
        for cut in range(len(parts), 0, -1):
            candidate = "/".join(parts[:cut]) + ".py"
            if (junit.parent / candidate).exists():
                node = "::".join([candidate, *parts[cut:], case.get("name", "")])
                durations[node] = float(case.get("time", "0") or 0)
                break
    return durations


class Selector:
    """Which tests execute a mutant's lines, from the coverage map.

    A line executed only at import time (a constant, a default argument) is charged
    to the tests that execute the code using it: for a default, the function's body;
    for a module-level name, every line of the package that names it (followed
    through constants computed from constants); failing that, every test that runs
    code of the module.
    """

    def __init__(self, tree_dir: Path, cov: dict[str, object]) -> None:
        """Index the package's names and function bodies."""
        self.lines: dict[str, dict[str, list[str]]] = cov["lines"]  # type: ignore[assignment]
        self.durations: dict[str, float] = cov["durations"]  # type: ignore[assignment]
        self.uses: dict[str, set[tuple[str, int]]] = defaultdict(set)
        self.binds: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.bodies: dict[tuple[str, int], range] = {}
        for file in sorted((tree_dir / PACKAGE).rglob("*.py")):
            path = str(file.relative_to(tree_dir))
            tree = ast.parse(file.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    self.uses[node.id].add((path, node.lineno))
                elif isinstance(node, ast.Attribute):
                    self.uses[node.attr].add((path, node.lineno))
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    body = range(node.body[0].lineno, node.end_lineno + 1)  # type: ignore[operator]
                    for line in range(node.lineno, node.body[0].lineno):
                        self.bodies[(path, line)] = body
            for statement in [*tree.body, *_class_bodies(tree)]:
                if isinstance(statement, ast.Assign | ast.AnnAssign):
                    targets = (
                        statement.targets
                        if isinstance(statement, ast.Assign)
                        else [statement.target]
                    )
                    names = {
                        n.id
                        for t in targets
                        for n in ast.walk(t)
                        if isinstance(n, ast.Name)
                    }
                    for line in range(statement.lineno, statement.end_lineno + 1):  # type: ignore[operator]
                        self.binds[(path, line)] |= names

    def _tests(self, path: str, line: int) -> list[str]:
        return self.lines.get(path, {}).get(str(line), [])

    def tests_for(self, mutant: Mutant) -> list[str]:
        """Return the ids of the tests that execute the mutant, fastest first."""
        selected: set[str] = set()
        todo = [(mutant.path, line) for line in range(mutant.line, mutant.end_line + 1)]
        seen: set[tuple[str, int]] = set()
        fallback = False
        while todo:
            where = todo.pop()
            if where in seen:
                continue
            seen.add(where)
            tests = self._tests(*where)
            selected.update(t for t in tests if t)
            if "" not in tests:
                continue
            if where in self.bodies:
                todo += [(where[0], line) for line in self.bodies[where]]
            elif where in self.binds:
                for name in self.binds[where]:
                    todo += sorted(self.uses.get(name, ()))
            else:
                fallback = True
        selected.discard("")
        if fallback or (not selected and any("" in self._tests(*w) for w in seen)):
            # Named only outside the package (by the tests) or reached some other way.
            selected |= {
                t for tests in self.lines.get(mutant.path, {}).values() for t in tests
            }
        selected.discard("")
        return sorted(selected, key=lambda t: (self.durations.get(t, 1.0), t))


def _class_bodies(tree: ast.Module) -> list[ast.stmt]:
    return [
        statement
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        for statement in node.body
    ]


# ---------------------------------------------------------------- running mutants


def _child_env(tree_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = str(tree_dir)
    env.pop("COVERAGE_PROCESS_START", None)
    return env


class ForkServer:
    """Imports the heavy dependencies once, then runs each mutant in a forked child."""

    def __init__(self, tree_dir: Path) -> None:
        """Import the dependencies, then forget the tree's own modules."""
        self.tree_dir = tree_dir.resolve()
        os.chdir(self.tree_dir)
        sys.dont_write_bytecode = True
        sys.path.insert(0, str(self.tree_dir))
        # Import what the integration and its tests import, then forget every module
        # of the tree itself so each child imports the (mutated) files afresh.
        import pytest  # noqa: F401, PLC0415

        with contextlib.suppress(ImportError):
            import pytest_homeassistant_custom_component.plugins  # noqa: F401, PLC0415
        for module in (
            "custom_components.cadence",
            "custom_components.cadence.config_flow",
            "custom_components.cadence.sensor",
            "custom_components.cadence.diagnostics",
            "custom_components.cadence.services",
            "tests.conftest",
        ):
            with contextlib.suppress(ImportError):
                __import__(module)
        self._forget_tree()

    def _forget_tree(self) -> None:
        root = str(self.tree_dir)
        for name, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None) or ""
            paths = list(getattr(module, "__path__", None) or [])
            if (
                file.startswith(root)
                or any(str(p).startswith(root) for p in paths)
                or name.split(".")[0] in ("custom_components", "tests", "cadence_tools")
            ):
                del sys.modules[name]

    def run(self, tests: list[str], timeout_s: float) -> int:
        """Run the tests in a forked child; return pytest's exit code or TIMEOUT."""
        pid = os.fork()
        if pid == 0:  # the child
            code = 3
            try:
                os.setpgid(0, 0)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                import pytest  # noqa: PLC0415

                code = int(pytest.main([*PYTEST_ARGS, *tests]))
            finally:
                os._exit(code)
        deadline = time.monotonic() + timeout_s
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return TIMEOUT
            time.sleep(0.02)


@contextlib.contextmanager
def mutated(tree_dir: Path, mutant: Mutant) -> Iterator[None]:
    """Write the mutant into the copy for the duration of the block, then restore."""
    path = tree_dir / mutant.path
    original = path.read_bytes()
    try:
        path.write_bytes(apply(original, mutant))
        yield
    finally:
        path.write_bytes(original)


def main(argv: list[str] | None = None) -> int:
    """Run mutation testing; print a score per module and the survivors."""
    parser = argparse.ArgumentParser(prog="scripts/mutate", description=__doc__)
    parser.add_argument(
        "modules", nargs="*", type=Path, help="module paths (default: engine, home.py)"
    )
    parser.add_argument("--tree", type=Path, default=Path("/tmp/mutate-tree"))  # noqa: S108  # a scratch copy
    parser.add_argument(
        "--sample", type=float, default=1.0, help="share of mutants to run (0-1]"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--lines", help="only mutants on these lines: FILE:LINE[,LINE...]"
    )
    parser.add_argument("--timeout-factor", type=float, default=5.0)
    parser.add_argument("--json", type=Path, help="write every result to this file")
    parser.add_argument(
        "--survivors-of",
        type=Path,
        help="only the mutants that survived in this earlier --json output",
    )
    parser.add_argument("--list", action="store_true", help="only list the mutants")
    args = parser.parse_args(argv)

    modules = [Path(m) for m in args.modules] or DEFAULT_MODULES
    modules = [m.resolve().relative_to(REPO) if m.is_absolute() else m for m in modules]
    tree_dir: Path = args.tree.resolve()
    if tree_dir == REPO or REPO in tree_dir.parents:
        raise SystemExit("mutate: the tree must lie outside the repository")
    prepare_tree(tree_dir)

    only: dict[str, set[int]] = defaultdict(set)
    if args.lines:
        for item in args.lines.split(";"):
            file, _, numbers = item.rpartition(":")
            only[file].update(int(n) for n in numbers.split(","))

    mutants: list[Mutant] = []
    for module in modules:
        found = find_mutants(tree_dir, module)
        if only:
            found = [m for m in found if m.line in only.get(str(module), set())]
        mutants += found
    if args.survivors_of:
        earlier = json.loads(args.survivors_of.read_text())
        again = {
            r["mutant"] for r in earlier if r["outcome"] not in ("killed", "timeout")
        }
        mutants = [m for m in mutants if m.label in again]
    if args.sample < 1.0:
        rng = random.Random(args.seed)
        mutants = [m for m in mutants if rng.random() < args.sample]
    if args.list:
        for mutant in mutants:
            print(mutant.label)
        print(f"{len(mutants)} mutants")
        return 0

    cov = coverage_map(tree_dir, sys.executable)
    selector = Selector(tree_dir, cov)
    server = ForkServer(tree_dir)
    results: list[dict[str, object]] = []
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    survivors: dict[str, list[str]] = defaultdict(list)
    started = time.monotonic()
    for index, mutant in enumerate(mutants, 1):
        tests = selector.tests_for(mutant)
        if not tests:
            outcome = "uncovered"
        else:
            budget = sum(cov["durations"].get(t, 1.0) for t in tests)  # type: ignore[union-attr]
            timeout_s = 10.0 + args.timeout_factor * budget
            with mutated(tree_dir, mutant):
                code = server.run(tests, timeout_s)
            outcome = {0: "survived", 5: "no tests", TIMEOUT: "timeout"}.get(
                code, "killed"
            )
        killed = outcome in ("killed", "timeout")
        totals[mutant.path][0] += killed
        totals[mutant.path][1] += 1
        if not killed:
            survivors[mutant.path].append(f"{mutant.label}  [{outcome}]")
        results.append(
            {"mutant": mutant.label, "outcome": outcome, "tests": len(tests)}
        )
        elapsed = time.monotonic() - started
        print(
            f"[{index}/{len(mutants)} {elapsed:.0f}s] {outcome:9} {mutant.label}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print("\nSurvivors:")
    for path in sorted(survivors):
        for line in survivors[path]:
            print(f"  {line}")
    print("\nScore per module (killed / total):")
    all_killed = all_total = 0
    for path in sorted(totals):
        killed, total = totals[path]
        all_killed += killed
        all_total += total
        print(f"  {path}: {killed}/{total} ({100.0 * killed / total:.1f} %)")
    if all_total:
        print(
            f"  all: {all_killed}/{all_total} ({100.0 * all_killed / all_total:.1f} %)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
