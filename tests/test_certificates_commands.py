"""The management commands: bulk issuance with counts, and a sample render."""
import io

import pypdf
import pytest
from django.core.management import call_command

from elsx.models import Certificate
from tests.certificates_helpers import COURSE, complete_topics, mark_claimed, media  # noqa: F401


@pytest.mark.django_db
def test_issue_certificates_reports_counts(media):
    for learner_id in ("a", "b"):
        complete_topics(learner_id)
        mark_claimed(learner_id)
    complete_topics("c")  # completed, never claimed
    out = io.StringIO()
    call_command("elsx_issue_certificates", "--course", COURSE, "--workers", "1", stdout=out)
    assert "issued 2" in out.getvalue() and "not claimed 1" in out.getvalue()
    assert Certificate.objects.count() == 2
    out = io.StringIO()
    call_command("elsx_issue_certificates", "--course", COURSE, "--workers", "1", stdout=out)
    assert "issued 0" in out.getvalue() and "already issued 2" in out.getvalue()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_issue_certificates_with_worker_processes(media):
    for learner_id in ("a", "b", "c"):
        complete_topics(learner_id)
        mark_claimed(learner_id)
    out = io.StringIO()
    call_command("elsx_issue_certificates", "--course", COURSE, "--workers", "2", stdout=out)
    assert "issued 3" in out.getvalue()
    for cert in Certificate.objects.all():
        data = (media / cert.pdf_path).read_bytes()
        assert cert.legal_name in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()


@pytest.mark.django_db
def test_render_sample_writes_a_one_page_pdf(tmp_path):
    target = tmp_path / "sample.pdf"
    out = io.StringIO()
    call_command("elsx_render_sample", str(target), "--name", "Zoë Ångström", stdout=out)
    reader = pypdf.PdfReader(str(target))
    assert len(reader.pages) == 1 and "Zoë Ångström" in reader.pages[0].extract_text()
    assert "Wrote" in out.getvalue()
