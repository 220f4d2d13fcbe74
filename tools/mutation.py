"""A small AST mutation runner: `make mutation`, or `python tools/mutation.py [module ...]`.

Why our own: mutmut copies the tree into mutants/ and trampolines every
function, which fights the editable install and Django's app loading here.
This runner never touches a file: each mutant runs pytest in a forked child
(the slow imports done once, before the fork) whose import hook compiles the
mutated AST in place of the module.

A mutant is killed when the module's tests fail (or time out) with it. Each
mutant in a function body runs only the tests that executed its line in a
traced first run; a mutant elsewhere (run at import) runs every test. Lines no test executes are not run: their
mutants survive by definition. Survivors
judged equivalent are listed in tools/mutation_equivalent.txt, one per line:
    <module>: <mutation> @ `<source line, stripped>`  # reason
and the score is killed / (mutants - equivalent).
"""
import argparse
import ast
import copy
import importlib.abc
import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EQUIVALENT_FILE = os.path.join(ROOT, "tools", "mutation_equivalent.txt")
TARGET = 85.0

# module -> the test files that cover it (kept narrow: the runs are CPU heavy)
MODULES = {
    "elsx.sanitize": ["tests/test_sanitize.py"],
    "elsx.certificates.numbers": ["tests/test_certificates_numbers.py"],
    "elsx.eligibility": ["tests/test_eligibility.py", "tests/test_eligibility_states.py"],
    "elsx.cohort.schedule": ["tests/test_cohort_schedule.py"],
    "elsx.cohort.query": ["tests/test_cohort_query.py", "tests/test_cohort_query_counts.py",
                          "tests/test_cohort_query_sort.py", "tests/test_cohort_block.py",
                          "tests/test_cohort_certificates.py"],
    "elsx.progress": ["tests/test_progress_api.py", "tests/test_eligibility.py", "tests/test_eligibility_states.py",
                      "tests/test_engagement.py", "tests/test_review.py"],
    "elsx.cohort.exports": ["tests/test_cohort_export_states.py", "tests/test_cohort_exports.py"],
    "elsx.certificates.api": ["tests/test_certificates_api_units.py", "tests/test_certificate_states.py",
                              "tests/test_certificates_api.py", "tests/hostile/test_revocation.py",
                              "tests/test_affirmation.py", "tests/test_certificates_api_paths.py"],
}

CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
            ast.Mod: ast.FloorDiv}
NAME_SWAP = {"min": "max", "max": "min", "True": "False", "False": "True"}
UNCHAIN = {"select_for_update", "strip", "lower", "upper", "distinct"}
# Calls whose arguments are messages or logging: their mutants say nothing about behaviour.
SKIP_CALLS = {"_", "gettext", "gettext_lazy", "ngettext"}
SKIP_RECEIVERS = {"log", "logging", "warnings"}
# Unwrapping these is a deleted statement (append) or a type conversion the caller doesn't see.
NO_UNWRAP = {"append", "add", "extend", "discard", "remove", "update", "frozenset", "tuple", "list"}


def _skipped_call(node):
    func = node.func
    if isinstance(func, ast.Name) and func.id in SKIP_CALLS:
        return True
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in SKIP_RECEIVERS


def _is_docstring(node, parent):
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            and isinstance(parent, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)))


class Mutator(ast.NodeTransformer):
    """Counts mutation sites (target=None) or applies the one numbered target."""

    def __init__(self, target=None, spans=()):
        self.target = target
        self.count = 0
        self.found = []  # (index, lineno, description)
        self.spans = spans  # function bodies: (start, end) positions, see _function_spans
        self.in_function = set()  # indexes of sites inside a function body
        self.applied = None

    def _site(self, node, description, make):
        index = self.count
        self.count += 1
        self.found.append((index, getattr(node, "lineno", 0), description))
        position = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        if any(start <= position <= end for start, end in self.spans):
            self.in_function.add(index)
        if index == self.target:
            self.applied = (getattr(node, "lineno", 0), description)
            return make()
        return None

    def visit(self, node):
        if isinstance(node, ast.Call) and _skipped_call(node):
            return node
        if isinstance(node, (ast.JoinedStr, ast.Assert)):
            return node  # f-strings are messages; assertions are the code's own checks
        return super().visit(node)

    def generic_visit(self, node):
        # statement deletion, before descending (the site order is stable either way)
        for field, value in ast.iter_fields(node):
            if isinstance(value, list):
                new = []
                for item in value:
                    replaced = self._statement(item, node) if isinstance(item, ast.stmt) else None
                    if replaced is not None:
                        new.append(replaced)
                        continue
                    if isinstance(item, ast.AST):
                        item = self.visit(item)
                    new.append(item)
                setattr(node, field, new)
            elif isinstance(value, ast.AST):
                setattr(node, field, self.visit(value))
        return self._expression(node)

    def _statement(self, stmt, parent):
        if _is_docstring(stmt, parent):
            return stmt
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            if _skipped_call(stmt.value):
                return stmt
            return self._site(stmt, "delete call statement", lambda: ast.copy_location(ast.Pass(), stmt))
        if isinstance(stmt, (ast.Assign, ast.AugAssign)) and isinstance(parent, (ast.FunctionDef, ast.If, ast.For,
                                                                                 ast.With, ast.Try)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            flat = [elt for t in targets for elt in (t.elts if isinstance(t, ast.Tuple) else [t])]
            if all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in flat) or isinstance(stmt, ast.AugAssign):
                return self._site(stmt, "delete assignment", lambda: ast.copy_location(ast.Pass(), stmt))
        return None

    def _expression(self, node):
        if isinstance(node, ast.Compare):
            for position, op in enumerate(node.ops):
                swap = CMP_SWAP.get(type(op))
                if swap is None:
                    continue

                def make(position=position, swap=swap):
                    node.ops[position] = swap()
                    return node
                result = self._site(node, f"{type(op).__name__} -> {swap.__name__}", make)
                if result is not None:
                    return result
        elif isinstance(node, ast.BoolOp):
            other = ast.Or if isinstance(node.op, ast.And) else ast.And

            def make():
                node.op = other()
                return node
            result = self._site(node, f"{type(node.op).__name__} -> {other.__name__}", make)
            if result is not None:
                return result
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            result = self._site(node, "drop not", lambda: node.operand)
            if result is not None:
                return result
        elif isinstance(node, ast.BinOp) and type(node.op) in BIN_SWAP:
            swap = BIN_SWAP[type(node.op)]

            def make():
                node.op = swap()
                return node
            result = self._site(node, f"{type(node.op).__name__} -> {swap.__name__}", make)
            if result is not None:
                return result
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            value = node.value
            result = self._site(node, f"{value} -> {value + 1}", lambda: ast.copy_location(ast.Constant(value + 1), node))
            if result is not None:
                return result
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            value = node.value
            result = self._site(node, f"{value} -> {not value}", lambda: ast.copy_location(ast.Constant(not value), node))
            if result is not None:
                return result
        elif isinstance(node, ast.Name) and node.id in NAME_SWAP and isinstance(node.ctx, ast.Load):
            other = NAME_SWAP[node.id]
            result = self._site(node, f"{node.id} -> {other}",
                                lambda: ast.copy_location(ast.Name(id=other, ctx=ast.Load()), node))
            if result is not None:
                return result
        elif isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in UNCHAIN and not node.args and not node.keywords):
                result = self._site(node, f"drop .{func.attr}()", lambda: func.value)
                if result is not None:
                    return result
            elif (isinstance(func, (ast.Name, ast.Attribute)) and len(node.args) == 1 and not node.keywords
                  and not isinstance(node.args[0], ast.Starred)):
                name = func.id if isinstance(func, ast.Name) else func.attr
                if name in NO_UNWRAP:
                    return node
                result = self._site(node, f"unwrap {name}(x) -> x", lambda: node.args[0])
                if result is not None:
                    return result
        elif isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            result = self._site(node, "return None", lambda: ast.copy_location(ast.Return(value=None), node))
            if result is not None:
                return result
        return node


def module_path(module):
    return os.path.join(ROOT, *module.split(".")) + ".py"


def _function_spans(tree):
    """Where function and lambda bodies start and end. A mutant there changes only what the body does
    when it runs; one outside (a constant, a default, a decorator) changes what importing does."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first, last = node.body[0], node.body[-1]
        elif isinstance(node, ast.Lambda):
            first = last = node.body
        else:
            continue
        spans.append(((first.lineno, first.col_offset), (last.end_lineno, last.end_col_offset)))
    return spans


def sites(module, with_scope=False):
    source = open(module_path(module), encoding="utf-8").read()
    tree = ast.parse(source)
    mutator = Mutator(spans=_function_spans(tree))
    mutator.visit(tree)
    if with_scope:
        return source.splitlines(), mutator.found, mutator.in_function
    return source.splitlines(), mutator.found


def mutated_code(module, index, source_file=None):
    path = module_path(module)
    tree = ast.parse(open(source_file or path, encoding="utf-8").read())
    mutator = Mutator(target=index)
    tree = mutator.visit(tree)
    ast.fix_missing_locations(tree)
    return compile(tree, path, "exec")


# --- in the child process ---------------------------------------------------

class _MutantFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, module, code):
        self.module, self.code = module, code

    def find_spec(self, name, path, target=None):
        if name != self.module:
            return None
        return importlib.util.spec_from_file_location(name, module_path(name), loader=self)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(self.code, module.__dict__)  # noqa: S102 - the mutant under test


class _PerTest:
    """A pytest plugin: which lines of the module each test runs. Lines run outside any test (imports,
    module constants, default arguments) are recorded under "" and select every test."""

    def __init__(self, path):
        self.path, self.current, self.lines, self.seconds = path, "", {"": set()}, {}

    def pytest_runtest_protocol(self, item, nextitem):
        self.current = item.nodeid
        self.lines.setdefault(item.nodeid, set())

    def pytest_runtest_logfinish(self, nodeid, location):
        self.current = ""

    def pytest_runtest_logreport(self, report):
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration

    def tracer(self, frame, event, arg):
        if frame.f_code.co_filename != self.path:
            return None

        def local(frame, event, arg):
            if event == "line":
                self.lines[self.current].add(frame.f_lineno)
            return local
        if event == "call":
            self.lines[self.current].add(frame.f_lineno)
        return local


class _Select:
    """A pytest plugin: keep only the named tests (node ids), fastest first (with -x a kill comes sooner)."""

    def __init__(self, seconds):
        self.seconds = seconds  # node id -> seconds it took in the traced run

    def pytest_collection_modifyitems(self, config, items):
        kept = [item for item in items if item.nodeid in self.seconds]
        items[:] = sorted(kept, key=lambda item: self.seconds[item.nodeid])


def _child(module, index, pytest_args, trace_file=None):
    import pytest
    plugins = []
    if index >= 0:
        snapshot = os.environ.get("ELSX_MUTATION_SOURCE")
        sys.meta_path.insert(0, _MutantFinder(module, mutated_code(module, index, snapshot)))
        selected = os.environ.get("ELSX_MUTATION_TESTS")
        if selected:
            plugins.append(_Select(json.load(open(selected, encoding="utf-8"))))
    if trace_file:
        per_test = _PerTest(module_path(module))
        import threading
        threading.settrace(per_test.tracer)
        sys.settrace(per_test.tracer)
        code = pytest.main(pytest_args, plugins=[per_test])
        sys.settrace(None)
        threading.settrace(None)
        with open(trace_file, "w", encoding="utf-8") as handle:
            json.dump({"lines": {test: sorted(lines) for test, lines in per_test.lines.items()},
                       "seconds": per_test.seconds}, handle)
        return code
    return pytest.main(pytest_args, plugins=plugins)


# --- in the parent -----------------------------------------------------------

# Imported once in the parent, before any fork: the slow third-party imports every run repeats. Nothing
# here may import elsx (a module imported before the fork would escape its mutants; _preload checks).
PRELOAD = ("pytest", "django", "django.db", "django.test", "pytest_django", "hypothesis", "_hypothesis_pytestplugin",
           "lxml.html", "webob", "xblock.core", "weasyprint", "segno", "pyld.jsonld", "celery", "opaque_keys.edx.keys",
           "cryptography.hazmat.primitives.asymmetric.ed25519")


def _preload():
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    leaked = sorted(name for name in sys.modules if name == "elsx" or name.startswith("elsx."))
    if leaked:
        raise SystemExit(f"tools/mutation.py: preloading imported {leaked}; drop it from PRELOAD")


def _run(module, index, tests, timeout=None, trace_file=None, stop_first=True, selected=None):
    """One pytest run in a forked child (the preloaded imports are shared; the mutant is the child's alone)."""
    pytest_args = ["-q", "-p", "no:cacheprovider", "-m", "not browser"] + (["-x"] if stop_first else []) + tests
    env = {"DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "elsx.demo.settings"),
           "ELSX_MUTATION_SOURCE": _SNAPSHOTS.get(module, ""), "ELSX_MUTATION_TESTS": selected or ""}
    output = tempfile.TemporaryFile(mode="w+")
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 3
        try:
            os.dup2(output.fileno(), 1)
            os.dup2(output.fileno(), 2)
            os.chdir(ROOT)
            os.environ.update(env)
            sys.path.insert(0, ROOT)
            code = _child(module, index, pytest_args, trace_file)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(int(code) if isinstance(code, int) else 3)
    with os.fdopen(os.pidfd_open(pid)) as exited:  # readable once the child has exited
        if not select.select([exited], [], [], timeout)[0]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            output.close()
            return "timeout", ""
    _pid, status = os.waitpid(pid, 0)
    output.seek(0)
    text = output.read()[-3000:]
    output.close()
    return os.waitstatus_to_exitcode(status), text


def load_equivalent():
    known = {}
    if os.path.exists(EQUIVALENT_FILE):
        for line in open(EQUIVALENT_FILE, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            # the key ends with the quoted source line, which may hold a comment of its own
            key, sep, reason = line.partition("`  # ")
            known[key.strip() + "`" if sep else key.strip()] = reason.strip()
    return known


def mutant_key(module, lines, lineno, description):
    return f"{module}: {description} @ `{lines[lineno - 1].strip()}`"


_SNAPSHOTS = {}  # module -> a copy of its source taken at the start, so edits during a run don't shift mutants


def run_module(module, out_dir, only=None):
    tests = [t for t in MODULES[module] if os.path.exists(os.path.join(ROOT, t))]
    lines, found, in_function = sites(module, with_scope=True)
    snapshot = os.path.join(out_dir, module + ".source.py")
    with open(snapshot, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    _SNAPSHOTS[module] = snapshot
    trace_file = os.path.join(out_dir, module + ".lines.json")
    started = time.monotonic()
    code, output = _run(module, -1, tests, trace_file=trace_file, stop_first=False)
    baseline = time.monotonic() - started
    if code != 0:
        print(f"{module}: the tests fail without any mutant; fix them first\n{output}")
        return None
    traced = json.load(open(trace_file, encoding="utf-8"))
    per_test, seconds = traced["lines"], traced["seconds"]
    covered = set().union(*per_test.values())
    per_test.pop("")  # lines run outside any test: imports
    selection = os.path.join(out_dir, module + ".tests.json")
    equivalent = load_equivalent()
    results = []
    for index, lineno, description in found:
        if only is not None and index not in only:
            continue
        key = mutant_key(module, lines, lineno, description)
        if lineno not in covered or (index in in_function and not any(lineno in ran for ran in per_test.values())):
            outcome = "survived (not executed)"
        else:
            # In a function body: only the tests that ran its line. Elsewhere (run at import): every test.
            chosen = ([t for t, ran in per_test.items() if lineno in ran] if index in in_function
                      else list(per_test))
            with open(selection, "w", encoding="utf-8") as handle:
                json.dump({test: seconds.get(test, 0.0) for test in chosen}, handle)
            files = [t for t in tests if any(c.split("::")[0] == t for c in chosen)]
            code, _out = _run(module, index, files or tests, timeout=baseline * 3 + 30, selected=selection)
            outcome = "killed" if code == "timeout" or code not in (0, 5) else "survived"
            if code == 5:
                outcome = "survived"  # no tests collected should not happen; counted against us
        if outcome.startswith("survived") and key in equivalent:
            outcome = "equivalent"
        results.append({"index": index, "line": lineno, "mutation": description, "outcome": outcome, "key": key})
        print(f"  {index:4d} L{lineno:<4d} {outcome:24s} {description}", flush=True)
    previous = os.path.join(out_dir, module + ".json")
    if only is not None and os.path.exists(previous):
        # a rerun of some mutants (after new tests): merge into the last full run of the same source
        last = json.load(open(previous, encoding="utf-8"))
        if [r["key"] for r in last["results"]] == [mutant_key(module, lines, ln, d) for _i, ln, d in found]:
            rerun = {r["index"]: r for r in results}
            results = [rerun.get(r["index"], r) for r in last["results"]]
    total = len(results)
    killed = sum(r["outcome"] == "killed" for r in results)
    equiv = sum(r["outcome"] == "equivalent" for r in results)
    score = 100.0 * killed / (total - equiv) if total > equiv else 100.0
    summary = {"module": module, "tests": tests, "mutants": total, "killed": killed, "equivalent": equiv,
               "survived": total - killed - equiv, "score": round(score, 1), "commit": _commit(),
               "seconds_per_run": round(baseline, 1), "results": results}
    with open(os.path.join(out_dir, module + ".json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1)
    return summary


def _commit():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "elsx", "tests"], cwd=ROOT,
                               capture_output=True, text=True).stdout
        return head.strip() + ("+dirty" if dirty.strip() else "")
    except OSError:
        return "unknown"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="dotted module names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--only", help="comma-separated mutant indexes")
    parser.add_argument("--out", default=os.path.join(ROOT, "var", "mutation"))
    args = parser.parse_args(argv)
    modules = args.modules or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; known: {', '.join(MODULES)}")
    if args.list:
        for module in modules:
            lines, found = sites(module)
            for index, lineno, description in found:
                print(f"{index:4d} {mutant_key(module, lines, lineno, description)}")
        return 0
    os.makedirs(args.out, exist_ok=True)
    _preload()
    only = {int(i) for i in args.only.split(",")} if args.only else None
    summaries = []
    for module in modules:
        print(f"== {module} ({', '.join(MODULES[module])})", flush=True)
        summary = run_module(module, args.out, only)
        if summary is None:
            return 2
        summaries.append(summary)
        for result in summary["results"]:
            if result["outcome"].startswith("survived"):
                print(f"SURVIVED {result['key']}")
    print("\nmodule                      mutants killed equiv survived score  commit")
    failed = False
    for s in summaries:
        print(f"{s['module']:28s}{s['mutants']:7d}{s['killed']:7d}{s['equivalent']:6d}{s['survived']:9d}"
              f"{s['score']:6.1f}%  {s['commit']}")
        failed = failed or s["score"] < TARGET
    return 1 if failed and only is None else 0


if __name__ == "__main__":
    sys.exit(main())
