"""The wheel installs into a fresh virtualenv and works there, with no stray top-level packages."""
import json
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = r"""
import json, sys
import django
from django.conf import settings
# A bare Django, as in any host: no workbench, no edx-platform.
settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "elsx"],
                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
django.setup()
from importlib import metadata
dist = metadata.distribution("elsx")
blocks = {}
for ep in metadata.entry_points(group="xblock.v1"):
    if ep.dist and ep.dist.name == "elsx":
        blocks[ep.name] = ep.load().__name__
apps = [ep.value for ep in metadata.entry_points(group="lms.djangoapp") if ep.name == "elsx"]
from elsx.curriculum import get_curriculum
from elsx.resources import curriculum_dir, certificate_assets_dir
c = get_curriculum()
top = sorted({f.parts[0].split(".")[0] for f in dist.files
              if not f.parts[0].endswith((".dist-info", ".data")) and len(f.parts) > 1} |
             {f.parts[0][:-3] for f in dist.files if len(f.parts) == 1 and f.parts[0].endswith(".py")})
print(json.dumps({"blocks": blocks, "apps": apps, "topics": len(c.topics), "weeks": len(c.weeks),
                  "hours": str(c.hours), "top_level": top, "curriculum_dir": str(curriculum_dir()),
                  "certificate_dir": str(certificate_assets_dir()), "prefix": sys.prefix}))
"""


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_virtualenv(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(dist), str(ROOT)], check=True)
    wheel = next(dist.glob("elsx-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True)
    # Run from an empty folder so the checkout's elsx/ cannot be imported by accident.
    result = subprocess.run([str(python), "-c", CHECK], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""}, check=False)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["blocks"]["elsx_topic"] == "TopicBlock"
    assert found["blocks"]["elsx_progress"] == "ProgressBlock"
    assert found["apps"] == ["elsx.apps:ElsxConfig"]
    assert (found["topics"], found["weeks"], found["hours"]) == (10, 6, "11.0")
    assert found["top_level"] == ["elsx"], found["top_level"]
    assert found["curriculum_dir"].startswith(str(env_dir)) and found["curriculum_dir"].endswith("curriculum_files")
    assert found["certificate_dir"].startswith(str(env_dir))


# --- WeasyPrint beside Open edX's pins (docs/platform.md), checked without network access ----------------

PLATFORM = ROOT / "tests" / "platform"


def _lines(path):
    return [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.split("#", 1)[0].strip()]


def declared_weasyprint():
    from packaging.requirements import Requirement
    found = re.findall(r'"(weasyprint\b[^"]*)"', (ROOT / "setup.py").read_text(encoding="utf-8"), re.IGNORECASE)
    assert len(found) == 1, found
    return Requirement(found[0]).specifier


def oldest_supported():
    from packaging.version import Version
    lower = [Version(spec.version) for spec in declared_weasyprint() if spec.operator in (">=", "==", "~=")]
    assert len(lower) == 1, "setup.py's WeasyPrint range needs one lower bound"
    return lower[0]


def platform_pin(name):
    from packaging.requirements import Requirement
    pins = {Requirement(line).name: Requirement(line) for line in _lines(PLATFORM / "openedx-pins.txt")}
    (spec,) = pins[name].specifier
    assert spec.operator == "=="
    return spec.version


def weasyprint_tinycss2_requirements():
    """{WeasyPrint version: SpecifierSet for tinycss2}, as recorded from each wheel's METADATA."""
    from packaging.specifiers import SpecifierSet
    return {version: SpecifierSet(spec) for version, spec in
            (line.split(None, 1) for line in _lines(PLATFORM / "weasyprint-tinycss2.txt"))}


def test_setup_py_admits_a_weasyprint_that_accepts_the_platforms_tinycss2():
    from packaging.version import Version
    tinycss2 = platform_pin("tinycss2")
    assert tinycss2 == "1.4.0"
    fits = [version for version, needs in weasyprint_tinycss2_requirements().items()
            if version in declared_weasyprint() and needs.contains(tinycss2)]
    assert fits, f"no WeasyPrint in setup.py's range accepts tinycss2=={tinycss2}: Open edX cannot resolve elsx"
    # The oldest supported one, the one `make test-platform-pins` tests, is among them.
    assert oldest_supported() in map(Version, fits)


def test_the_pins_target_installs_setup_pys_lowest_weasyprint():
    from packaging.version import Version
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pinned = re.search(r"^WEASYPRINT_OLDEST := (\S+)$", makefile, re.MULTILINE).group(1)
    assert Version(pinned) == oldest_supported()
    assert "make test-platform-pins" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_installed_weasyprint_is_in_range_and_its_record_is_right():
    from importlib import metadata

    from packaging.requirements import Requirement
    version = metadata.version("weasyprint")
    assert version in declared_weasyprint()
    installed = [Requirement(line) for line in metadata.requires("weasyprint") if line.startswith("tinycss2")]
    recorded = weasyprint_tinycss2_requirements()
    assert version in recorded, (f"WeasyPrint {version} is not in tests/platform/weasyprint-tinycss2.txt: record its "
                                 "tinycss2 requirement, and check elsx/certificates/weasyprint_compat.py against it")
    assert installed[0].specifier == recorded[version]


def test_only_the_compat_module_knows_the_url_fetcher_api():
    import weasyprint.urls

    from elsx.certificates import weasyprint_compat
    assert weasyprint_compat.HAS_URL_FETCHER_CLASS is hasattr(weasyprint.urls, "URLFetcher")
    knowing = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "elsx").rglob("*.py")
                     if "weasyprint.urls" in path.read_text(encoding="utf-8")
                     or "URLFetcher" in path.read_text(encoding="utf-8"))
    assert knowing == ["elsx/certificates/weasyprint_compat.py"]


def test_on_the_old_api_the_fetcher_answers_with_the_dict_weasyprint_66_reads(monkeypatch):
    """WeasyPrint <= 67 calls url_fetcher(url) and reads a dict (weasyprint/urls.py, fetch()); refusals raise."""
    import importlib.util

    import weasyprint.urls
    monkeypatch.delattr(weasyprint.urls, "URLFetcher", raising=False)
    spec = importlib.util.spec_from_file_location(
        "weasyprint_compat_old_api", ROOT / "elsx" / "certificates" / "weasyprint_compat.py")
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)
    assert old.HAS_URL_FETCHER_CLASS is False

    class Fetcher(old.FetcherBase):
        def fetch(self, url, headers=None):
            if url != "https://assets.elsx.invalid/a.css":
                raise ValueError("refused")
            return old.Response(url, b"p{}", "text/css")

    fetcher = Fetcher()
    assert fetcher("https://assets.elsx.invalid/a.css") == {
        "string": b"p{}", "mime_type": "text/css", "redirected_url": "https://assets.elsx.invalid/a.css"}
    assert fetcher.fetch("https://assets.elsx.invalid/a.css").read(1) == b"p"
    with pytest.raises(ValueError):
        fetcher("file:///etc/passwd")
