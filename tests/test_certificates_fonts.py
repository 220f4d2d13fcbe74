"""The pre-subset Latin face: the template's own text stays inside it, and a name outside it still prints in bundled faces.

'ELSX Serif' is Noto Serif cut down to Latin-1 and punctuation, so per-render subsetting is cheap (bench/);
'ELSX Serif Extended' is the whole face (certificates/fonts.css, certificates/fonts/README.md).
"""
import io

import pypdf
import pytest
from fontTools.ttLib import TTFont

from elsx.certificates import api, glyphs, render
from elsx.management.commands.elsx_render_sample import sample_certificate

pytestmark = pytest.mark.django_db

FONTS = render.certificate_assets_dir() / "fonts"
FACES = ("400", "700", "400-italic")
SMALL_FACES = {"ELSX-Serif", "ELSX-Serif-Bold", "ELSX-Serif-Italic"}


def cmap(name):
    font = TTFont(str(FONTS / name), lazy=True)
    try:
        return font.getBestCmap(), font["hmtx"].metrics
    finally:
        font.close()


def fonts_and_text(data):
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    fonts = {str(obj.get_object()["/BaseFont"]).split("+", 1)[1] for obj in page["/Resources"]["/Font"].values()}
    return fonts, page.extract_text()


@pytest.mark.parametrize("face", FACES)
def test_the_small_face_is_the_whole_face_cut_down(face):
    small, small_widths = cmap(f"noto-serif-latin-{face}.woff")
    whole, whole_widths = cmap(f"noto-serif-{face}.woff")
    assert set(small) < set(whole) and len(small) < len(whole) / 4
    assert all(point in small for point in range(0x20, 0x7F)) and {ord("ñ"), ord("—")} <= set(small)
    # The same font version: every character the small face has is as wide as in the whole face.
    assert all(small_widths[small[point]][0] == whole_widths[whole[point]][0] for point in small)


def test_every_letter_outside_the_small_face_goes_to_the_whole_face():
    small, _ = cmap("noto-serif-latin-700.woff")
    whole, _ = cmap("noto-serif-700.woff")
    outside = "".join(chr(point) for point in sorted(set(whole) - set(small)) if point >= 0x80)
    assert len(outside) > 1000 and not glyphs.unprintable(outside)
    assert glyphs.families_for(outside) == ["ELSX Serif", "ELSX Serif Extended"]


@pytest.mark.parametrize("language", ["en", "es-419"])
def test_the_template_and_a_latin_1_name_print_in_the_small_faces_alone(language):
    cert = sample_certificate(legal_name="José Ñúñez-Müller", agency="Oficina del Sheriff del Condado")
    cert.language = language
    fonts, text = fonts_and_text(api.render_pdf(api.prepare_document(cert)))
    assert "José Ñúñez-Müller" in text
    # Anything the template prints outside Latin-1 would fall back to a system font and show up here.
    assert fonts <= SMALL_FACES, fonts


@pytest.mark.parametrize("name", [
    "Łukasz Wójcik-Dvořák", "Şahin Çağlar Ğündüz", "Nguyễn Thị Minh Khai", "Σωκράτης Παπαδόπουλος",
    "Жуков Ёлкин Ґонта", "Ærø Ŧhorsen Ǆuro", "Kealoha Kahananuiʻāina",
])
def test_a_name_outside_the_small_face_prints_in_the_whole_face(name):
    small, _ = cmap("noto-serif-latin-700.woff")
    assert any(ord(char) not in small for char in name)  # the case under test
    cert = sample_certificate(legal_name=name)
    fonts, text = fonts_and_text(api.render_pdf(api.prepare_document(cert)))
    assert name in text
    assert "ELSX-Serif-Extended-Bold" in fonts  # the name is bold
    assert all(font.startswith("ELSX-") for font in fonts), fonts  # no system font filled in
