"""HarfBuzz vs fontTools font subsetting: the same warm certificate render with each.

WeasyPrint subsets embedded fonts with HarfBuzz when libharfbuzz-subset is
loadable and falls back to fontTools otherwise (weasyprint/pdf/fonts.py,
Font.subset). Setting its `harfbuzz_subset` handle to None forces the fallback.
"""
import time

from timing import median_ms

RUNS = 15


def run(report):
    from weasyprint.pdf import fonts

    from elsx.certificates import api, render
    from elsx.management.commands.elsx_render_sample import sample_certificate

    if not render.harfbuzz_subsetting_available():
        report("HarfBuzz vs fontTools", "not measured: HarfBuzz subsetting unavailable", "")
        return
    prepared = api.prepare_document(sample_certificate())
    api.render_pdf(prepared)  # start-up outside the timings
    harfbuzz = median_ms(lambda: api.render_pdf(prepared), RUNS, clock=time.process_time)
    saved = fonts.harfbuzz_subset
    fonts.harfbuzz_subset = None
    try:
        api.render_pdf(prepared)
        fonttools = median_ms(lambda: api.render_pdf(prepared), RUNS, clock=time.process_time)
    finally:
        fonts.harfbuzz_subset = saved
    report("warm render with HarfBuzz subsetting, median CPU time", harfbuzz, "ms")
    report("warm render with fontTools subsetting, median CPU time", fonttools, "ms")
    report("fontTools / HarfBuzz, CPU time", fonttools / harfbuzz, "x")
