"""Services some tests need (MariaDB, Redis, Chromium): skipped with the reason locally, failed in CI.

With CI=true a missing service must fail the run: a green CI without the
MariaDB or Redis tests would hide exactly the bugs only they catch (missing
locks, a broken worker). On a developer's machine the tests skip and say why.

Also a script for the shell side (tests/run_mysql.sh, the Makefile):
    python tests/services.py missing "reason"   -> prints reason; exit 1 in CI, 0 otherwise
"""
import os
import sys


def in_ci():
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(reason, allow_module_level=False):
    """Skip the test (or module) because a service is missing, or fail it in CI."""
    import pytest  # pylint: disable=import-outside-toplevel
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing service fails the run)", pytrace=False)
    pytest.skip(reason, allow_module_level=allow_module_level)


def _main(argv):
    if len(argv) != 3 or argv[1] != "missing":
        print(__doc__, file=sys.stderr)
        return 2
    if in_ci():
        print(f"FAILED: {argv[2]} (CI=true: a missing service fails the run)", file=sys.stderr)
        return 1
    print(f"SKIPPED: {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
