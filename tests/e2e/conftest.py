"""Browser tests: a workbench server on a fresh database, Chromium driven by Playwright, axe-core.

The session starts `python -m django runserver` on a free loopback port against
a SQLite file in a temporary folder (seeded by tests/e2e/seed.py) and stops it
at the end. Every test module skips itself, with the reason in the summary,
when Chromium or Playwright is missing (with CI=true it fails instead).

Screenshots go to the session's temporary folder; set
ELSX_E2E_SCREENSHOTS=docs/screenshots to refresh the committed ones.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.services import missing

# ELSX_E2E_CHROMIUM points elsewhere (or at nothing, to see the skip).
CHROMIUM = Path(os.environ.get("ELSX_E2E_CHROMIUM", "/usr/bin/chromium"))
SKIP_REASON = "Chromium not installed (apt-get install chromium): browser tests skipped"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# The desktop size the journeys are walked at (issue 14); phone tests set 390×844 themselves.
VIEWPORT = {"width": 1280, "height": 800}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules switched off on workbench pages only, never on elsx's own pages (the verification page).
# The xblock-sdk workbench's page template (workbench/templates/workbench/block.html) has no <title>
# and no <html lang>: that shell is the SDK's, not elsx's. In the LMS the blocks render inside the
# platform's page, which has both. The verification page is a whole page of elsx's own and is
# checked with every rule.
WORKBENCH_SHELL_RULES = {"document-title": False, "html-has-lang": False}

_skip_reason = None


def browser_skip_reason():
    """Why browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return SKIP_REASON
    try:
        import playwright.sync_api  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        return "Playwright not installed (pip install -e '.[test]'): browser tests skipped"
    try:
        import axe_playwright_python  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        return "axe-playwright-python not installed (pip install -e '.[test]'): browser tests skipped"
    return None


def skip_module_without_browser():
    """Call at the top of each e2e module: skips the whole module when the browser can't run."""
    global _skip_reason  # pylint: disable=global-statement
    reason = browser_skip_reason()
    if reason:
        _skip_reason = reason
        missing(reason, allow_module_level=True)


def pytest_terminal_summary(terminalreporter):
    """Say plainly, even under -q, that the browser tests were skipped and why."""
    if _skip_reason:
        terminalreporter.write_line(f"NOTE: {_skip_reason}", yellow=True, bold=True)


# --- the server ----------------------------------------------------------------

def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, base_url, folder, env):
        self.base_url = base_url
        self.folder = folder
        self.env = env

    def url(self, path):
        return self.base_url + path

    def scenario(self, scenario_id, student):
        return self.url(f"/scenario/{scenario_id}/?student={student}")


def _wait_until_up(url, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"workbench server exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            # A long timeout: the first request builds the workbench's scenarios, and a second
            # request arriving meanwhile starts that again and leaves some scenarios out
            # (workbench/scenarios.py get_scenarios has no lock). On a busy machine it takes seconds.
            with urllib.request.urlopen(url, timeout=max(1, deadline - time.monotonic())) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"workbench server did not answer within {timeout} s:\n{log_path.read_text()[-3000:]}")


# The journeys complete topics by clicking: seat-time minimums off, as in the unit tests
# (docs/engagement.md). tests/e2e/test_seat_time.py starts its own server with them on.
INSTANT_ENV = {"ELSX_DEMO_MINUTES_PER_HOUR": "0", "ELSX_DEMO_SECTION_SHARE": "0"}


@contextmanager
def run_server(folder, extra_env, prepare):
    """A workbench server on a fresh SQLite file in folder; prepare is the seeding script's argv."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "elsx.demo.settings",
        "ELSX_VAR": str(folder),
        "ELSX_DB": str(folder / "e2e.sqlite3"),
        "ELSX_VERIFY_BASE_URL": base_url,
        "PYTHONUNBUFFERED": "1",
        # These journeys are about the ten topics; tests/e2e/test_commission.py walks the commission's
        # requirements (on by default, docs/commission.md) with a server of its own.
        "ELSX_COMMISSION": "0",
        **extra_env,
    })
    env.pop("ELSX_DB_ENGINE", None)  # always a fresh SQLite file, never a shared MariaDB
    seeded = subprocess.run([sys.executable, *prepare], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{seeded.stdout[-2000:]}\n{seeded.stderr[-4000:]}")
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(base_url + "/", process, log_path)
        yield Server(base_url, folder, env)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@contextmanager
def own_server(tmp_path_factory, name, prepare, extra_env=None):
    """In a fixture: a server on a database of its own (seeded by prepare), or the browser tests' skip."""
    reason = browser_skip_reason()
    if reason:
        pytest.skip(reason)
    with run_server(tmp_path_factory.mktemp(name), INSTANT_ENV if extra_env is None else extra_env,
                    prepare) as running:
        yield running


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with own_server(tmp_path_factory, "elsx-e2e", [str(HERE / "seed.py")]) as running:
        yield running


# --- the browser ---------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    reason = browser_skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Dialogs(list):
    """Every JavaScript dialog (alert, confirm, prompt) any page of the context opened."""


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="en-US")
    ctx.set_default_timeout(15000)
    dialogs = Dialogs()

    def watch(page):
        def record(dialog):
            dialogs.append((page.url, dialog.type, dialog.message))
            dialog.dismiss()
        page.on("dialog", record)

    ctx.on("page", watch)
    ctx.dialogs = dialogs
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    """Where screenshots go: the session's temp folder, and docs/screenshots when asked."""
    return Screenshots(tmp_path_factory.mktemp("screenshots"), os.environ.get("ELSX_E2E_SCREENSHOTS", ""))


class Screenshots:
    def __init__(self, folder, publish_to):
        self.folder = Path(folder)
        self.publish_to = (REPO / publish_to) if publish_to else None

    def path(self, name):
        return self.folder / name

    def publish(self, name):
        """Copy a finished screenshot into the docs folder when ELSX_E2E_SCREENSHOTS names it."""
        source = self.path(name)
        assert source.exists() and source.stat().st_size > 1000, f"screenshot {name} is missing or empty"
        if self.publish_to:
            self.publish_to.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, self.publish_to / name)
        return source

    @staticmethod
    def hide_workbench_chrome(page):
        """The workbench's fixed banner and debug panel are the SDK's, not elsx's: leave them out."""
        if page.locator(".workbench").count():
            page.add_style_tag(content=".workbench .banner, .workbench .debug { display: none !important; }"
                                       " .workbench .main { padding-top: 1em !important; }")

    def element(self, locator, name, max_height=900, max_width=VIEWPORT["width"]):
        """One element's picture, cut to max_height and reduced to a palette so the PNG stays small."""
        self.hide_workbench_chrome(locator.page)
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=str(self.path(name)), animations="disabled", caret="hide")
        shrink_png(self.path(name), max_height, max_width)
        return self.publish(name)

    def full_page(self, page, name, max_height):
        """The page from its top, as far down as max_height (a phone's first screens)."""
        self.hide_workbench_chrome(page)
        page.screenshot(path=str(self.path(name)), full_page=True, animations="disabled", caret="hide")
        shrink_png(self.path(name), max_height)
        return self.publish(name)

    def viewport(self, page, name, max_height=900):
        self.hide_workbench_chrome(page)
        page.screenshot(path=str(self.path(name)), full_page=False, animations="disabled", caret="hide")
        shrink_png(self.path(name), max_height)
        return self.publish(name)


def shrink_png(path, max_height=900, max_width=VIEWPORT["width"]):
    from PIL import Image  # pylint: disable=import-outside-toplevel  (Pillow comes with WeasyPrint)
    with Image.open(path) as image:
        image = image.convert("RGB")
        if image.width > max_width:
            image = image.resize((max_width, round(image.height * max_width / image.width)))
        if image.height > max_height:
            image = image.crop((0, 0, image.width, max_height))
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


# --- axe-core --------------------------------------------------------------------

def _axe_source():
    import axe_playwright_python  # pylint: disable=import-outside-toplevel
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, workbench=True, include=None):
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated over the DevTools protocol, not as a <script> tag: the verification page's
        # Content-Security-Policy (default-src 'none') rightly refuses inline scripts.
        page.evaluate(_axe_source() + "\n;undefined")
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    if workbench:
        options["rules"] = {rule: {"enabled": enabled} for rule, enabled in WORKBENCH_SHELL_RULES.items()}
    target = json.dumps(include) if include else "document"
    result = page.evaluate(f"(options) => axe.run({target}, options)", options)
    return result["violations"]


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}".replace("\n", " | "))
    return "\n".join(lines)


def assert_accessible(page, state, workbench=True, include=None):
    violations = axe_violations(page, workbench=workbench, include=include)
    assert not violations, f"axe found WCAG 2.1 A/AA violations ({state}):\n{describe_violations(violations)}"


# --- keyboard ---------------------------------------------------------------------

def tab_to(page, locator, limit=250, backwards=False):
    """Press Tab (or Shift+Tab) until locator has the focus, as a keyboard user would reach it."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{locator} cannot be reached with the Tab key within {limit} presses")


def focused(page):
    """A short description of the element that has the focus."""
    return page.evaluate("""() => { const el = document.activeElement; if (!el) return null;
        return {tag: el.tagName.toLowerCase(), role: el.getAttribute('role'), region: el.getAttribute('data-region'),
                id: el.id, text: (el.innerText || el.value || '').trim().slice(0, 200),
                live: el.getAttribute('aria-live')}; }""")


def focus_indicator(page):
    """The focused element's outline and box-shadow, as computed by the browser."""
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
                outlineColor: s.outlineColor, boxShadow: s.boxShadow}; }""")


def assert_visible_focus(page, what):
    style = focus_indicator(page)
    has_outline = style["outlineStyle"] not in ("none", "") and style["outlineWidth"] >= 2
    has_shadow = style["boxShadow"] not in ("none", "")
    assert has_outline or has_shadow, f"no visible focus indicator on {what}: {style}"


def unlabelled_fields(page, scope="document"):
    """Visible form fields with no accessible label (label[for], wrapping label, aria-label[ledby])."""
    return page.evaluate("""(scope) => {
        const root = scope === 'document' ? document : document.querySelector(scope);
        const bad = [];
        root.querySelectorAll('input, select, textarea').forEach((el) => {
            if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button') return;
            if (el.closest('.debug')) return;  // the workbench's own debug panel, not elsx
            const labelled = (el.labels && el.labels.length && Array.from(el.labels).some(l => l.textContent.trim()))
                || (el.getAttribute('aria-label') || '').trim()
                || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(id => id && document.getElementById(id));
            if (!labelled) bad.push(el.outerHTML.slice(0, 160));
        });
        return bad;
    }""", scope)


def count_fields(page, scope):
    return page.evaluate("(scope) => document.querySelector(scope).querySelectorAll('input, select, textarea').length",
                         scope)
