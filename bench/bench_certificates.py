"""Certificate rendering: warm vs naive single renders, and bulk issuance for 500 learners on all cores.

Warm: the shared Renderer (CSS parsed once, FontConfiguration and cache reused).
Naive: a fresh FontConfiguration, a freshly parsed stylesheet and a fresh
HTML(string=...).write_pdf() per certificate. Both produce the same PDF/A-3b
document with its Open Badges attachment.
"""
import os
import shutil
from timing import median_ms
import time
from pathlib import Path

COURSE = "course-v1:ELSX+BENCH+certificates"
LEARNERS = 500
WARM_RUNS = 30
NAIVE_RUNS = 8


def _naive_render(prepared):
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    from elsx.certificates import render
    fetcher = render.AssetFetcher(render.certificate_assets_dir())
    font_config = FontConfiguration()
    css = "\n".join((render.certificate_assets_dir() / name).read_text(encoding="utf-8")
                    for name in render.Renderer.BASE_STYLESHEETS)
    sheet = CSS(string=css, base_url=render.ASSET_ORIGIN, url_fetcher=fetcher, font_config=font_config)
    attachment = Attachment(string=prepared.credential_json, name=render.ATTACHMENT_NAME, url_fetcher=fetcher,
                            relationship="Data")
    return HTML(string=prepared.html, base_url=render.ASSET_ORIGIN, url_fetcher=fetcher).write_pdf(
        stylesheets=[sheet], font_config=font_config, pdf_variant=render.PDF_VARIANT, attachments=[attachment])


def _seed(count):
    """count learners who completed every topic and confirmed their details, as direct rows."""
    from django.utils import timezone

    from elsx.curriculum import get_curriculum
    from elsx.models import Certificate, LearnerProfile, TopicProgress
    Certificate.objects.filter(course_key=COURSE).delete()
    TopicProgress.objects.filter(course_key=COURSE).delete()
    LearnerProfile.objects.filter(course_key=COURSE).delete()
    curriculum = get_curriculum()
    now = timezone.now()
    LearnerProfile.objects.bulk_create([
        LearnerProfile(course_key=COURSE, learner_id=f"bench-{i}", full_name=f"Learner {i}",
                       legal_name=f"Bench Learner Número {i}", agency="County Sheriff's Office",
                       role="le_executive", claimed_at=now, topics_completed=len(curriculum.topics),
                       hours_earned=curriculum.hours, first_activity_at=now, last_activity_at=now,
                       completed_at=now)
        for i in range(count)])
    TopicProgress.objects.bulk_create([
        TopicProgress(course_key=COURSE, learner_id=f"bench-{i}", topic_id=topic.id,
                      sections_viewed=list(topic.section_ids()), first_viewed_at=now, sections_viewed_at=now,
                      check_passed_at=now, reflection_saved_at=now, completed_at=now, attempts=1, best_score=100)
        for i in range(count) for topic in curriculum.topics], batch_size=1000)


def run(report):
    from django.conf import settings

    from elsx.certificates import api, render
    from elsx.management.commands.elsx_render_sample import sample_certificate

    report("HarfBuzz subsetting available", "yes" if render.harfbuzz_subsetting_available() else "NO", "",
           "yes (libharfbuzz-subset0)")
    prepared = api.prepare_document(sample_certificate())
    started = time.perf_counter()
    api.render_pdf(prepared)  # first render: fonts and stylesheets load here
    report("first render in a process (start-up)", (time.perf_counter() - started) * 1000, "ms")
    warm = median_ms(lambda: api.render_pdf(prepared), WARM_RUNS)
    report("warm render, median", warm, "ms", "<= 45 ms")
    naive = median_ms(lambda: _naive_render(prepared), NAIVE_RUNS)
    report("naive render (fresh CSS + FontConfiguration + HTML each), median", naive, "ms")
    report("naive / warm", naive / warm, "x", ">= 5x")
    # CPU time too: wall time swings when other processes share the cores.
    warm_cpu = median_ms(lambda: api.render_pdf(prepared), WARM_RUNS, clock=time.process_time)
    naive_cpu = median_ms(lambda: _naive_render(prepared), NAIVE_RUNS, clock=time.process_time)
    report("warm render, median CPU time", warm_cpu, "ms")
    report("naive render, median CPU time", naive_cpu, "ms")
    report("naive / warm, CPU time", naive_cpu / warm_cpu, "x", ">= 5x")
    report("certificate PDF size", len(api.render_pdf(prepared)) / 1024, "KB")

    media = Path(settings.MEDIA_ROOT) / api.STORAGE_DIR
    shutil.rmtree(media, ignore_errors=True)
    _seed(LEARNERS)
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    counts = api.issue_for_course(COURSE, workers=workers)
    elapsed = time.perf_counter() - started
    report(f"bulk issuance, {LEARNERS} learners, {workers} worker processes", counts["issued"] / elapsed,
           "certificates/s", f"{counts['issued']} issued in {elapsed:.1f} s")
    shutil.rmtree(media, ignore_errors=True)
