"""`make bench`: every benchmark in bench/bench_*.py, printed and written to bench/RESULTS.md.

Each bench module defines run(report), calling report(name, value, unit, target="")
for every figure. Figures are measured, never asserted: targets are printed
beside them for a person to read.
"""
import importlib
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elsx.demo.settings")
os.environ.setdefault("ELSX_VAR", str(HERE.parent / "var" / "bench"))


def setup_django():
    import django
    from django.test.utils import setup_test_environment
    # A throwaway SQLite database in var/bench, migrated fresh each run.
    db_path = Path(os.environ["ELSX_VAR"]) / f"bench-{os.getpid()}.db"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if db_path.exists():
        db_path.unlink()
    os.environ["ELSX_DB"] = str(db_path)
    django.setup()
    setup_test_environment()
    # One INFO line per issued certificate would bury the figures.
    import logging
    logging.getLogger("elsx").setLevel(logging.WARNING)
    from django.core.management import call_command
    call_command("migrate", run_syncdb=True, verbosity=0)
    return db_path


def main(argv):
    only = argv[1:]  # e.g. `bench/run.py topic certificates`
    db_path = setup_django()
    # The foundation figures first, then the rest alphabetically.
    modules = sorted((p.stem for p in HERE.glob("bench_*.py")), key=lambda name: (name != "bench_topic", name))
    rows = []

    def report(name, value, unit, target=""):
        rows.append((name, value, unit, target))
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"  {name}: {shown} {unit}" + (f"   (target: {target})" if target else ""), flush=True)

    for name in modules:
        if only and name.removeprefix("bench_") not in only:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        importlib.import_module(name).run(report)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)

    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by `make bench` on {platform.node() or 'this machine'}: "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, SQLite.",
        "",
        "| figure | value | unit | target |",
        "| --- | ---: | --- | --- |",
    ]
    for name, value, unit, target in rows:
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        lines.append(f"| {name} | {shown} | {unit} | {target} |")
    db_path.unlink(missing_ok=True)
    if not only:
        (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"Wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main(sys.argv)
