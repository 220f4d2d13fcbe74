"""The PDF: text, one page, PDF/A-3b markers, metadata, the Open Badges attachment, and a fetcher that fetches nothing foreign."""
import io
import json
import logging

import pypdf
import pytest

from elsx.certificates import api, numbers, render
from elsx.management.commands.elsx_render_sample import sample_certificate
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, media  # noqa: F401

pytestmark = pytest.mark.django_db

HOSTILE = '<img src="file:///etc/passwd"><style>body{background:url(http://evil.example/x.png)}</style>'


def pdf_for(cert):
    return api.render_pdf(api.prepare_document(cert))


def text_of(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, " ".join(page.extract_text() for page in reader.pages)


def test_issued_pdf_shows_name_hours_and_number(media):
    cert = api.claim(COURSE, complete_topics("learner-1"), **CLAIM)
    reader, text = text_of(api.read_pdf(cert))
    assert len(reader.pages) == 1
    assert CLAIM["legal_name"] in text
    assert "11.0" in text and "hours" in text
    assert numbers.display(cert.number) in text
    assert "P-0042117" in text and CLAIM["agency"] in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)  # Letter landscape


def test_pdfa3b_markers_metadata_and_attachment(settings):
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org"}
    cert = sample_certificate()
    reader, _text = text_of(pdf_for(cert))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
    meta = reader.metadata
    assert "Certificate of completion" in meta.title
    assert meta.author == cert.provider_name
    assert "11.0 hours" in meta.subject
    attachments = reader.attachments
    assert list(attachments) == [render.ATTACHMENT_NAME]
    credential = json.loads(attachments[render.ATTACHMENT_NAME][0])
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["creditsAvailable"] == 11.0 and achievement["humanCode"] == "ELS-MEC-101"
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == cert.legal_name
    assert {"type": "IdentityObject", "identityType": "ext:StateTrainingId", "hashed": False,
            "identityHash": "P-0042117"} in credential["credentialSubject"]["identifier"]
    assert "licenseNumber" not in credential["credentialSubject"]
    assert credential["id"].startswith("urn:uuid:")
    assert credential["validFrom"].startswith(str(cert.issued_at.date()))
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    # The embedded bytes are exactly the signed credential stored for the certificate.
    assert attachments[render.ATTACHMENT_NAME][0] == cert.credential.encode("utf-8")


def test_hostile_names_are_escaped_and_fetch_nothing():
    cert = sample_certificate(legal_name=HOSTILE[:200], agency="a{} url(file:///etc/shadow) </p><script>x</script>")
    renderer = render.renderer()
    renderer.fetcher.requests.clear()
    prepared = api.prepare_document(cert)
    assert prepared.html.count("<img") == 1 and "<img src=\"file" not in prepared.html and "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in prepared.html
    assert "<script>" not in prepared.html
    _reader, text = text_of(api.render_pdf(prepared))
    assert '<img src="file:///etc/passwd">' in text  # printed as text, literally
    assert "root:" not in text
    assert renderer.fetcher.refused() == []
    assert all(url.startswith(render.ASSET_ORIGIN) for url, _served in renderer.fetcher.requests)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://evil.example/x.png", "https://evil.example/font.woff",
    "data:text/plain;base64,aGVsbG8=", f"{render.ASSET_ORIGIN}../../../../etc/passwd",
    f"{render.ASSET_ORIGIN}%2e%2e/%2e%2e/etc/passwd", f"{render.ASSET_ORIGIN}certificate.html",
    f"{render.ASSET_ORIGIN}nothing-here.css", "ftp://example.org/x", "relative/path.css",
])
def test_the_fetcher_refuses_anything_but_its_own_assets(url):
    fetcher = render.AssetFetcher(render.certificate_assets_dir())
    with pytest.raises(render.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused() == [url]


def test_the_fetcher_serves_its_fonts_and_stylesheets():
    fetcher = render.AssetFetcher(render.certificate_assets_dir())
    response = fetcher.fetch(render.ASSET_ORIGIN + "fonts/noto-serif-400.woff")
    assert response.read(4) == b"wOFF"
    assert fetcher.fetch(render.ASSET_ORIGIN + "certificate.css").read(2) == b"/*"


def test_raw_html_that_tries_to_fetch_is_refused_by_the_renderer():
    """If escaping ever failed, WeasyPrint would still only reach our fetcher, which refuses."""
    renderer = render.renderer()
    renderer.fetcher.requests.clear()
    html = ('<html><head><style>@import url("file:///etc/passwd"); p { background: url(http://evil.example/b.png) }'
            '</style><link rel="stylesheet" href="https://evil.example/x.css"></head><body>'
            '<p>x</p><img src="file:///etc/passwd"><img src="data:image/png;base64,iVBORw0KGgo="></body></html>')
    data = renderer.pdf(html)
    refused = renderer.fetcher.refused()
    for url in ("file:///etc/passwd", "http://evil.example/b.png", "https://evil.example/x.css"):
        assert url in refused
    assert any(url.startswith("data:") for url in refused)
    assert b"root:x:0" not in data


def widest_number(font="noto-serif-700.woff"):
    """The certificate number that prints widest in the number's font: the worst case, not a random one."""
    from fontTools.ttLib import TTFont
    font = TTFont(render.certificate_assets_dir() / "fonts" / font)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    width = {char: metrics[cmap[ord(char)]][0] for char in numbers.ALPHABET}
    widest = max(numbers.ALPHABET, key=width.get)
    # The check character is fixed by the body: choose the last body character that makes the whole widest.
    bodies = [widest * (numbers.RANDOM_LENGTH - 1) + char for char in numbers.ALPHABET]
    body = max(bodies, key=lambda body: sum(width[char] for char in body + numbers.check_character(body)))
    return body + numbers.check_character(body)


# A long verification host, as a state academy might configure.
LONG_BASE_URL = "https://learning.state-training-academy.example.gov"


@pytest.mark.parametrize("length", [1, 60, 120, 200])
def test_long_names_and_agencies_stay_on_one_page(length, settings):
    settings.ELSX = {"VERIFY_BASE_URL": LONG_BASE_URL}
    name = ("Maximilian-Alexander Wojciechowski-Fernández y de la Cruz " * 5)[:length].strip() or "X"
    agency = ("Department of Public Safety, Office of Special Investigations " * 5)[:200]
    cert = sample_certificate(legal_name=name, agency=agency)
    cert.number = widest_number()
    reader, text = text_of(pdf_for(cert))
    assert len(reader.pages) == 1
    # On one line each: a wrapped number or URL cannot be typed back or matched.
    lines = text.splitlines()
    assert any(numbers.display(cert.number) in line for line in lines)
    assert any("".join(api.printed_url_parts(cert.number)) in line for line in lines)  # the short URL, as printed


def test_the_widest_number_is_all_of_the_widest_glyph():
    number = widest_number()
    assert numbers.is_valid(number) and number.startswith("W" * 18)


def test_an_unbroken_200_character_name_stays_on_one_page():
    cert = sample_certificate(legal_name="W" * 200)
    reader, text = text_of(pdf_for(cert))
    assert len(reader.pages) == 1 and "W" * 40 in text.replace("\n", "")


def test_accented_rtl_and_cjk_names_print_with_bundled_fonts():
    name = "Nguyễn Thị Minh Khai · محمد الأحمد · שרה כהן · 王小明 · Łódź Ærø"
    cert = sample_certificate(legal_name=name)
    data = pdf_for(cert)
    reader, text = text_of(data)
    for part in ("Nguyễn Thị Minh Khai", "王小明", "Łódź", "Ærø"):
        assert part in text
    # RTL runs come out in visual or logical order depending on the extractor: check the letters.
    for word in ("محمد", "שרה"):
        assert word in text or word[::-1] in text
    fonts = set()
    for obj in reader.pages[0]["/Resources"]["/Font"].values():
        fonts.add(str(obj.get_object()["/BaseFont"]).split("+", 1)[1])
    assert {"ELSX-Serif-Bold", "ELSX-Arabic-Bold", "ELSX-Hebrew-Bold"} <= fonts
    assert any(font.startswith("ELSX-CJK") for font in fonts)


def test_missing_harfbuzz_subsetting_warns_once_naming_the_debian_package(monkeypatch, caplog):
    monkeypatch.setattr(render, "harfbuzz_subsetting_available", lambda: False)
    monkeypatch.setattr(render, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="elsx.certificates.render"):
        render.warn_once_without_harfbuzz()
        render.warn_once_without_harfbuzz()
    warnings = [r for r in caplog.records if "libharfbuzz-subset0" in r.getMessage()]
    assert len(warnings) == 1


def test_harfbuzz_subsetting_is_detected_here():
    # .ci/run installs libharfbuzz-subset0; without it renders take about twice the CPU time (bench/run.py fonts).
    assert render.harfbuzz_subsetting_available() is True
