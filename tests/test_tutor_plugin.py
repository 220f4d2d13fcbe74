"""The Tutor plugin in docs/tutor/elsx.py: its patches, rendered as Tutor renders them (Jinja2)."""
import ast
import sys
import types
from pathlib import Path

import jinja2
import pytest

PLUGIN = Path(__file__).resolve().parent.parent / "docs" / "tutor" / "elsx.py"


@pytest.fixture
def patches(monkeypatch):
    found = []
    hooks = types.SimpleNamespace(Filters=types.SimpleNamespace(
        ENV_PATCHES=types.SimpleNamespace(add_items=found.extend)))
    monkeypatch.setitem(sys.modules, "tutor", types.SimpleNamespace(hooks=hooks))
    exec(compile(PLUGIN.read_text(encoding="utf-8"), str(PLUGIN), "exec"), {})  # pylint: disable=exec-used
    return dict(found)


def render(text, **config):
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text).render(**config)


@pytest.mark.parametrize("https, scheme", [(True, "https"), (False, "http")])
def test_the_settings_patch_takes_the_scheme_from_enable_https(patches, https, scheme):
    code = render(patches["openedx-common-settings"], ENABLE_HTTPS=https, LMS_HOST="lms.example.org")
    namespace = {"ELSX": {"PROVIDER_NAME": "kept"}}
    exec(compile(ast.parse(code), "settings", "exec"), namespace)  # pylint: disable=exec-used
    assert namespace["ELSX"]["VERIFY_BASE_URL"] == f"{scheme}://lms.example.org"
    assert namespace["ELSX"]["PROVIDER_NAME"] == "kept"  # the plugin's own defaults stay
    assert namespace["ELSX"]["STORAGE"] == "/openedx/media-private/elsx"  # Tutor's private volume, not /media


def test_the_image_patch_builds_with_and_without_libharfbuzz_subset(patches):
    script = patches["openedx-dockerfile-minimal"]
    assert "libpango-1.0-0 libpangoft2-1.0-0" in script
    # Ubuntu 22.04 has no such package (Kozea/WeasyPrint#2713): it is only installed where apt knows it.
    lines = [line for line in script.splitlines() if "libharfbuzz-subset0" in line]
    assert lines and all("apt-cache show libharfbuzz-subset0" in line or "if apt-cache" in script for line in lines)
    unconditional = script.split("if apt-cache show libharfbuzz-subset0")[0]
    assert "libharfbuzz-subset0" not in unconditional


@pytest.mark.parametrize("packaged", [False, True])
def test_the_image_patch_runs_where_the_package_is_missing_and_where_it_exists(patches, tmp_path, packaged):
    import os
    import subprocess
    log = tmp_path / "apt.log"
    for name, status in (("apt-get", 0), ("apt-cache", 0 if packaged else 100)):
        tool = tmp_path / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit {status}\n')
        tool.chmod(0o755)
    script = patches["openedx-dockerfile-minimal"].strip()
    assert script.startswith("RUN ")
    script = script[4:].replace("\\\n", " ").replace("rm -rf /var/lib/apt/lists/*", "true")
    done = subprocess.run(["sh", "-c", script], env=dict(os.environ, PATH=f"{tmp_path}:{os.environ['PATH']}"),
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr  # the docker build goes on either way
    installs = [line for line in log.read_text().splitlines() if line.startswith("apt-get install")]
    assert any("libpango-1.0-0" in line for line in installs)
    assert any("libharfbuzz-subset0" in line for line in installs) is packaged


def run_weasyprint_patch(patches, tmp_path, installed_tinycss2):
    """The patch's RUN line in sh, with a fake python (the venv's) and a fake $PIP_COMMAND that logs its arguments."""
    import os
    import subprocess
    log = tmp_path / "pip.log"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "{installed_tinycss2}"\n' if installed_tinycss2 else "#!/bin/sh\nexit 1\n")
    pip = tmp_path / "pip"
    pip.write_text(f'#!/bin/sh\nfor arg in "$@"; do echo "$arg" >> "{log}"; done\n')
    for tool in (python, pip):
        tool.chmod(0o755)
    script = render(patches["openedx-dockerfile-post-python-requirements"]).strip()
    assert script.startswith("RUN --mount=type=cache")
    script = script.split("\\\n", 1)[1].replace("\\\n", " ")
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PATH=f"{tmp_path}:{os.environ['PATH']}", PIP_COMMAND=str(pip)))
    assert done.returncode == 0, done.stderr
    return log.read_text().splitlines()


def test_the_weasyprint_patch_keeps_the_platforms_tinycss2(patches, tmp_path):
    import re

    from packaging.requirements import Requirement
    args = run_weasyprint_patch(patches, tmp_path, "1.4.0")
    assert args[0] == "install" and "tinycss2==1.4.0" in args
    # The same range as setup.py, so the later `pip install elsx` finds it satisfied and changes nothing.
    declared = re.search(r'"(weasyprint[^"]*)"', (PLUGIN.parents[2] / "setup.py").read_text(encoding="utf-8"))
    weasyprint = [Requirement(arg) for arg in args if arg.startswith("weasyprint")]
    assert [str(req.specifier) for req in weasyprint] == [str(Requirement(declared.group(1)).specifier)]


def test_the_weasyprint_patch_pins_nothing_where_tinycss2_is_absent(patches, tmp_path):
    args = run_weasyprint_patch(patches, tmp_path, None)
    assert args[0] == "install" and any(arg.startswith("weasyprint>=") for arg in args)
    assert not any(arg.startswith("tinycss2") for arg in args)
