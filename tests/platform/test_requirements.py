"""What elsx declares it needs matches what its code imports (docs/platform.md: WeasyPrint beside the pins)."""
import re
from pathlib import Path

import weasyprint.urls

ROOT = Path(__file__).resolve().parents[2]


def test_the_declared_weasyprint_is_one_the_renderer_can_import():
    declared = re.search(r'"weasyprint>=(\d+)', (ROOT / "setup.py").read_text(encoding="utf-8"))
    render = (ROOT / "elsx" / "certificates" / "render.py").read_text(encoding="utf-8")
    if "URLFetcher" in render:  # weasyprint.urls.URLFetcher is new in WeasyPrint 68
        assert int(declared.group(1)) >= 68
        assert hasattr(weasyprint.urls, "URLFetcher")
