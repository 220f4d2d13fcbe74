"""The certificate people hold: glyph check, QR code and short URL, language, signatory, provider, layout."""
import io
import shutil
import subprocess

import pytest
from django.test import Client
from django.utils import translation

from elsx.certificates import api, numbers
from elsx.errors import InvalidInput
from elsx.management.commands.elsx_render_sample import sample_certificate
from elsx.models import Certificate, LearnerProfile
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, learner, media  # noqa: F401

pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
                                   reason="poppler-utils not installed (bash .ci/system-packages ci)")


def pdftotext(data):
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pages(data):
    import pypdf
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def pdf_for(cert):
    return api.render_pdf(api.prepare_document(cert))


# --- glyphs ----------------------------------------------------------------

@pytest.mark.parametrize("name, bad", [("ᏣᎳᎩ Smith", ["Ꮳ", "Ꮃ", "Ꭹ"]), ("Dana 😀 Okonkwo", ["😀"]),
                                       ("ሰላም Tesfaye", ["ሰ", "ላ", "ም"])])
def test_a_name_no_bundled_font_can_print_is_refused_and_nothing_is_stored(media, name, bad):
    who = complete_topics("learner-1")
    with pytest.raises(InvalidInput) as caught:
        api.claim(COURSE, who, **dict(CLAIM, legal_name=name))
    error = caught.value
    assert error.status == 400 and error.field == "legal_name"
    assert error.extra["characters"] == [f"U+{ord(c):04X}" for c in bad]
    for char in bad:
        assert f"U+{ord(char):04X}" in error.message
    profile = LearnerProfile.objects.get(learner_id="learner-1")
    assert profile.claimed_at is None and profile.legal_name == ""
    assert Certificate.objects.count() == 0


def test_the_agency_is_checked_too_and_the_block_answers_400(media, make_block):
    from tests.conftest import call
    complete_topics("learner-1")
    block = make_block("<elsx_certificate/>", "learner-1")
    status, body = call(block, "claim", dict(CLAIM, agency="ᏣᎳᎩ Nation Police"))
    assert status == 400 and body["field"] == "agency" and "U+13E3" in body["error"]
    assert Certificate.objects.count() == 0


@needs_poppler
@pytest.mark.parametrize("name", ["김민준", "สมชาย ใจดี", "राहुल शर्मा", "王小明", "محمد الأحمد", "Nguyễn Văn Ánh"])
def test_hangul_thai_and_devanagari_names_print_from_bundled_fonts(media, name):
    cert = api.claim(COURSE, complete_topics("learner-1"), **dict(CLAIM, legal_name=name))
    text = pdftotext(api.read_pdf(cert))
    if name.startswith(("محمد", "रा")):
        # Extractors give RTL runs and Devanagari reph in visual order: check every letter is there.
        assert set(name.replace(" ", "")) <= set(text)
    else:
        assert name in text


# --- verify URL and QR code ------------------------------------------------

@needs_poppler
def test_qr_code_decodes_at_150_dpi_to_the_printed_short_url(media, tmp_path):
    from PIL import Image
    from pyzbar.pyzbar import decode
    cert = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    data = api.read_pdf(cert)
    (tmp_path / "c.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "c")],
                   check=True)
    found = [item.data.decode("ascii") for item in decode(Image.open(tmp_path / "c.png"))]
    url = f"https://lms.example.org/elsx/v/{cert.number}"
    assert found == [url]
    # Printed beside it, whole, on one line; and it opens the verification page.
    assert f"lms.example.org/elsx/v/{cert.number}" in pdftotext(data)
    response = Client().get(f"/elsx/v/{cert.number}")
    assert response.status_code == 200 and numbers.display(cert.number) in response.content.decode()


# --- language ---------------------------------------------------------------

@needs_poppler
def test_language_is_fixed_at_claim_with_translated_defaults_and_locale_dates(media, settings):
    with translation.override("es-419"):
        cert = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    assert cert.language == "es-419"
    with translation.override("en"):
        text = pdftotext(api.read_pdf(cert))
        again = pdftotext(pdf_for(Certificate.objects.get(pk=cert.pk)))  # a re-render is the same document
    for words in ("Certificado de finalización", "En servicio", "En línea, asincrónica", "Director del programa"):
        assert words in text and words in again
    assert "In-service" not in text and "Program Director" not in text
    issued = cert.issued_at
    assert f"{issued.day} de " in text and str(issued.year) in text  # "2 de diciembre de 2026"


def test_configured_words_print_as_configured(media, settings):
    settings.ELSX = dict(settings.ELSX, CREDIT_TYPE="POST Plan IV", SIGNATORY_NAME="Jordan Ellis")
    with translation.override("es-419"):
        cert = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
        html = api.prepare_document(cert).html
    assert "POST Plan IV" in html and "Jordan Ellis" in html


# --- signatory, provider, approvals -------------------------------------------

SIGNATURE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="80"><path d="M10 60 C 40 10, 70 10, '
                 '90 50" stroke="#1f3a5f" stroke-width="4" fill="none"/></svg>')


@needs_poppler
def test_signatory_provider_and_approvals_print_only_when_configured(media, settings, tmp_path):
    cert = sample_certificate()
    bare = api.prepare_document(cert)
    assert "Approved by" not in bare.html and "configured/" not in bare.html and "provider-contact" not in bare.html
    (tmp_path / "sig.svg").write_text(SIGNATURE_SVG)
    png = tmp_path / "logo.png"
    from PIL import Image
    Image.new("RGB", (120, 40), "#1f3a5f").save(png)
    settings.ELSX = dict(settings.ELSX, SIGNATURE_IMAGE=str(tmp_path / "sig.svg"), PROVIDER_LOGO=str(png),
                         SIGNATORY_TITLE="Director of Training", PROVIDER_EMAIL="training@academy.example.org",
                         PROVIDER_ADDRESS={"streetAddress": "100 Main St", "addressLocality": "Sacramento",
                                           "addressRegion": "CA", "postalCode": "95814"},
                         APPROVALS=[{"authority": "California POST", "number": "1850-21345"},
                                    {"authority": "Texas TCOLE"}, {"number": "no authority: skipped"}])
    cert = sample_certificate()
    cert.signatory_title = "Director of Training"
    prepared = api.prepare_document(cert)
    assert len(prepared.assets) == 3  # signature, logo, QR code
    from elsx.certificates import render
    renderer = render.renderer()
    renderer.fetcher.requests.clear()
    data = api.render_pdf(prepared)
    served = [url for url, ok in renderer.fetcher.requests if ok and "configured/" in url]
    assert len(served) == 2 and renderer.fetcher.refused() == []
    text = pdftotext(data)
    for words in ("Approved by California POST, course approval number 1850-21345", "Approved by Texas TCOLE",
                  "Director of Training", "100 Main St", "Sacramento, CA 95814", "training@academy.example.org"):
        assert words in text
    assert "skipped" not in text and pages(data) == 1


def test_a_configured_image_of_another_kind_or_missing_is_left_out(settings, tmp_path):
    (tmp_path / "sig.gif").write_bytes(b"GIF89a")
    settings.ELSX = dict(settings.ELSX, SIGNATURE_IMAGE=str(tmp_path / "sig.gif"),
                         PROVIDER_LOGO=str(tmp_path / "missing.png"))
    prepared = api.prepare_document(sample_certificate())
    assert [name for name, _data in prepared.assets] == [prepared.assets[0][0]] and "configured/" not in prepared.html


# --- layout -------------------------------------------------------------------

LONG_NAMES = [
    "Maximilian-Alexander Wojciechowski-Fernández y de la Cruz von Hohenzollern-Sigmaringen III",
    "W" * 200,
    "Nguyễn Thị Minh Khai Trần Hưng Đạo Lê Thánh Tông Phạm Ngũ Lão Hoàng Văn Thụ " * 2,
    "김민준 " * 40,
    "สมชาย ใจดี ศรีสุวรรณ " * 9,
    "राहुल शर्मा कृष्णमूर्ति " * 8,
    "王小明欧阳诸葛司马" * 20,
    "محمد بن عبد الله الأحمد الهاشمي " * 6,
    "ЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯ Ωμέγα",
]


@needs_poppler
@pytest.mark.slow
@pytest.mark.parametrize("name", LONG_NAMES, ids=range(len(LONG_NAMES)))
def test_whatever_the_name_everything_stays_on_the_one_page(name):
    agency = ("Departamento de Seguridad Pública, Oficina de Investigaciones Especiales y Delitos Contra Menores "
              * 3)[:200]
    cert = sample_certificate(legal_name=name[:200].strip(), agency=agency)
    data = pdf_for(cert)
    assert pages(data) == 1
    text = pdftotext(data)
    assert numbers.display(cert.number) in text and "11.0" in text
    assert f"/elsx/v/{cert.number}" in text
    assert cert.completed_on.strftime("%m/%d/%Y") in text


# --- the certificate block ----------------------------------------------------

def test_block_offers_a_copyable_link_and_linkedin(media, make_block):
    from urllib.parse import parse_qs, urlsplit
    from tests.conftest import render
    cert = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    html = render(make_block("<elsx_certificate/>", "learner-1"))
    assert f'value="https://lms.example.org/elsx/v/{cert.number}" readonly' in html
    assert "data-copy-link" in html
    link = html.split('data-share="linkedin"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    parts = urlsplit(link)
    assert parts.netloc == "www.linkedin.com" and parts.path == "/profile/add"
    query = parse_qs(parts.query)
    assert query["startTask"] == ["CERTIFICATION_NAME"] and query["certId"] == [numbers.display(cert.number)]
    assert query["certUrl"] == [f"https://lms.example.org/elsx/v/{cert.number}"]
    assert CLAIM["legal_name"] not in link and CLAIM["state_training_id"] not in link
