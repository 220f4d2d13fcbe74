"""A missing service skips locally but fails with CI=true (tests/services.py, run_mysql.sh)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import services

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_in_ci_a_missing_service_fails(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="Redis not reachable.*CI=true"):
        services.missing("Redis not reachable")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_locally_a_missing_service_skips_with_its_reason(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="^Redis not reachable$"):
        services.missing("Redis not reachable")


def _script(ci, *args):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, str(ROOT / "tests" / "services.py"), *args], env=env,
                          capture_output=True, text=True, check=False)


def test_the_shell_helper_exits_1_in_ci_and_0_locally():
    assert _script(True, "missing", "no MariaDB").returncode == 1
    local = _script(False, "missing", "no MariaDB")
    assert local.returncode == 0 and local.stdout.strip() == "SKIPPED: no MariaDB"


def test_run_mysql_fails_in_ci_without_a_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(CI="true", ELSX_DB_HOST="127.0.0.1", ELSX_DB_PORT="9")  # nothing listens on port 9
    done = subprocess.run(["bash", str(ROOT / "tests" / "run_mysql.sh"), sys.executable], env=env,
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 1
    assert "CI=true" in done.stderr
    env.pop("CI")
    done = subprocess.run(["bash", str(ROOT / "tests" / "run_mysql.sh"), sys.executable], env=env,
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0 and "SKIPPED" in done.stdout


def test_the_makefile_no_longer_swallows_a_failed_mysqlclient_install():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "|| echo" not in makefile
    assert "tests/services.py missing" in makefile
