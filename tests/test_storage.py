"""Learner files (certificate PDFs, export CSVs) are private: nothing the web server serves, random names,
handed out only by the permission-checked handlers, deleted on retention and retirement."""
import datetime
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from elsx import retirement, storage
from elsx.certificates import api
from elsx.cohort import jobs
from elsx.models import Certificate, ExportJob
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, handler_get, learner, media  # noqa: F401
from tests.conftest import call

pytestmark = pytest.mark.django_db


def stored(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def files(media, settings, make_block):  # noqa: F811
    """A certificate and a background export, as a real cohort would leave them."""
    settings.ELSX = dict(settings.ELSX, INLINE_EXPORT_MAX_ROWS=0, EXPORT_BACKGROUND="inline")
    who = complete_topics("learner-1")
    cert = api.claim(COURSE, who, **CLAIM)
    status, body = call(make_block("<elsx_cohort/>", "instructor"), "export", {"kind": "credit"})
    assert status == 200 and body["mode"] == "job", body
    return cert, ExportJob.objects.get(pk=body["job"])


def test_the_demo_serves_media_so_the_test_below_can_fail(media, settings):  # noqa: F811
    (media.parent / "media").mkdir(parents=True)
    (media.parent / "media" / "probe.txt").write_text("served")
    assert Client().get("/media/probe.txt").status_code == 200


def test_no_stored_file_can_be_fetched_from_outside(files, media, settings):  # noqa: F811
    cert, job = files
    names = stored(media)
    assert cert.pdf_path in names and job.file_path in names and len(names) == 2
    media_root = media.parent / "media"
    assert stored(media_root) == []  # nothing under MEDIA_ROOT at all
    client = Client()  # not signed in, no signature
    for name in names:
        for url in (f"/media/{name}", f"/media/{name.rsplit('/', 1)[-1]}", f"/{name}", f"/elsx/{name}"):
            assert client.get(url).status_code == 404, url
        with pytest.raises(ValueError):
            storage.get_storage().url(name)


def test_stored_names_are_random_and_say_nothing(files):
    cert, job = files
    tokens = []
    for name in (cert.pdf_path, job.file_path):
        tokens.append(re.fullmatch(r"elsx/(?:certificates|exports)/([A-Za-z0-9_-]{43})\.(?:pdf|csv)", name).group(1))
        assert cert.number not in name and "EXEC101" not in name and "credit" not in name
    assert tokens[0] != tokens[1]


def test_the_handlers_still_serve_them_to_whom_they_belong(files, make_block):
    cert, job = files
    response = handler_get(make_block("<elsx_certificate/>", "learner-1"), "download")
    assert response.status_code == 200 and response.body.startswith(b"%PDF-")
    staff = make_block("<elsx_cohort/>", "instructor")
    response = handler_get(staff, "download", f"job={job.pk}")
    assert response.status_code == 200 and b"Okonkwo" in b"".join(response.app_iter)
    assert re.search(r'filename="elsx-credit-course-v1-ELSX-EXEC101-demo-\d{4}-\d\d-\d\d\.csv"',
                     response.headers["Content-Disposition"])
    assert handler_get(make_block("<elsx_cohort/>", "learner-2"), "download", f"job={job.pk}").status_code == 403


def test_a_revoked_certificate_is_not_downloadable(files, make_block):
    cert, _job = files
    api.revoke(cert.number, "Issued in error.", by="instructor")
    assert handler_get(make_block("<elsx_certificate/>", "learner-1"), "download").status_code == 403


def test_a_damaged_original_is_deleted_once_rendered_again(files, media, make_block):  # noqa: F811
    cert, _job = files
    (media / cert.pdf_path).write_bytes(b"%PDF-1.7 tampered")
    response = handler_get(make_block("<elsx_certificate/>", "learner-1"), "download")
    assert response.status_code == 200
    fresh = Certificate.objects.get(pk=cert.pk).pdf_path
    assert fresh != cert.pdf_path and not (media / cert.pdf_path).exists() and (media / fresh).exists()


def test_exports_are_deleted_after_the_retention_period(files, media, settings):  # noqa: F811
    _cert, job = files
    assert jobs.purge_expired() == 0
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert jobs.purge_expired() == 1
    assert not (media / job.file_path).exists() and ExportJob.objects.get(pk=job.pk).file_path == ""
    assert jobs.purge_expired() == 0
    settings.ELSX = dict(settings.ELSX, EXPORT_RETENTION_HOURS=1)
    assert storage.get_storage() is storage.get_storage()


def test_the_purge_command_and_task(files, media):  # noqa: F811
    from django.core.management import call_command

    from elsx.tasks import purge_exports_task
    _cert, job = files
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert purge_exports_task.run() == 1
    call_command("elsx_purge_exports")
    assert not (media / job.file_path).exists()


def test_retirement_deletes_every_file_with_the_learners_data(files, media):  # noqa: F811
    cert, job = files
    result = retirement.retire_learner("learner-1")
    assert result.files_deleted == 2
    assert stored(media) == []
    assert retirement.retire_learner("learner-1").files_deleted == 0


def test_a_private_folder_inside_media_root_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ELSX = {"STORAGE": str(tmp_path / "media" / "private")}
    with pytest.raises(ImproperlyConfigured):
        storage.get_storage()


def test_a_backend_can_be_configured(settings, tmp_path):
    settings.ELSX = {"STORAGE": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                 "OPTIONS": {"location": str(tmp_path / "bucket")}}}
    name = storage.save("elsx/exports", ".csv", __import__("io").BytesIO(b"a,b\n"))
    assert (tmp_path / "bucket" / name).read_bytes() == b"a,b\n"
