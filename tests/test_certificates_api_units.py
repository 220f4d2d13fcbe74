"""certificates.api helpers with known answers: what the page, the PDF and LinkedIn get (no PDF rendered)."""
import base64
from datetime import date, datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.utils import timezone

from elsx.certificates import api, numbers
from elsx.errors import InvalidInput, NotFound
from elsx.models import Certificate

NUMBER = numbers.generate()


def test_provider_lines_from_an_address_and_contacts(settings):
    settings.ELSX = {"PROVIDER_ADDRESS": {"streetAddress": "1 Main St", "addressLocality": "Austin",
                                          "addressRegion": "TX", "postalCode": "78701", "addressCountry": "US"},
                     "PROVIDER_CONTACT": "Training office", "PROVIDER_EMAIL": "train@example.org",
                     "PROVIDER_PHONE": "", "PROVIDER_URL": "train@example.org"}  # a repeat is shown once
    assert api.provider_lines() == ["1 Main St · Austin, TX 78701 · US", "Training office · train@example.org"]


@pytest.mark.parametrize("address, contact, lines", [
    ({}, "", []),
    ({"addressRegion": "TX"}, "", ["TX"]),
    ({"addressLocality": "Austin"}, "", ["Austin"]),  # no dangling comma
    ({"streetAddress": "1 Main St", "addressCountry": "US"}, "Office", ["1 Main St · US", "Office"]),
    ("not a dict", "Office", ["Office"]),
])
def test_provider_lines_leave_nothing_blank(settings, address, contact, lines):
    settings.ELSX = {"PROVIDER_ADDRESS": address, "PROVIDER_CONTACT": contact}
    assert api.provider_lines() == lines


def test_approvals_skip_entries_without_an_authority(settings):
    settings.ELSX = {"APPROVALS": [{"authority": " TCOLE ", "number": " 123 "}, {"authority": "  ", "number": "9"},
                                   "junk", {"authority": "POST", "number": None}, {"authority": "Board"},
                                   {"authority": 7, "number": 4711}]}  # numbers in a settings file
    assert api.approvals() == [("TCOLE", "123"), ("POST", ""), ("Board", ""), ("7", "4711")]
    settings.ELSX = {"APPROVALS": None}
    assert api.approvals() == []


def test_issuer_display_embeds_a_small_logo_only(settings, tmp_path):
    logo = tmp_path / "logo.PNG"
    logo.write_bytes(b"\x89PNG fake")
    settings.ELSX = {"PROVIDER_LOGO": str(logo), "PROVIDER_NAME": "Academy", "PROVIDER_CONTACT": "Office"}
    shown = api.issuer_display()
    assert shown == {"name": "Academy", "logo": "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode(),
                     "lines": ["Office"]}
    logo.write_bytes(b"x" * 262_144)  # exactly at the limit (256 KiB): still embedded
    assert api.issuer_display()["logo"].startswith("data:image/png;base64,")
    logo.write_bytes(b"x" * 262_145)
    assert api.issuer_display()["logo"] == ""
    svg = tmp_path / "logo.svg"
    svg.write_text("<svg/>")
    settings.ELSX = {"PROVIDER_LOGO": str(svg)}
    assert api.issuer_display()["logo"] == "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode()
    for path in (str(tmp_path / "logo.gif"), str(tmp_path / "missing.png"), str(tmp_path)):
        (tmp_path / "logo.gif").write_bytes(b"GIF89a")
        settings.ELSX = {"PROVIDER_LOGO": path}
        assert api.issuer_display()["logo"] == "", path


def _cert(**fields):
    values = dict(number=NUMBER, course_key="course-v1:X+Y+Z", learner_id="u1", legal_name="Ana", agency="PD",
                  role="psap", course_title="Leadership", course_number="ELS-1", provider_name="Academy",
                  credit_hours=Decimal("11.00"), credit_type="In-service", delivery_method="Online",
                  started_on=date(2026, 1, 2), completed_on=date(2026, 2, 3),
                  issued_at=datetime(2026, 2, 4, 3, 0, tzinfo=dt_timezone.utc), status=Certificate.STATUS_VALID)
    values.update(fields)
    return Certificate(**values)


def test_linkedin_link_carries_the_local_issue_month_and_no_personal_data(settings):
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org/"}
    cert = _cert(issued_at=datetime(2026, 3, 1, 3, 0, tzinfo=dt_timezone.utc))  # 28 February in Chicago
    with timezone.override("America/Chicago"):
        url = api.linkedin_url(cert)
    from urllib.parse import parse_qs, urlsplit
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert {key: value[0] for key, value in parse_qs(parts.query).items()} == {
        "startTask": "CERTIFICATION_NAME", "name": "Leadership", "organizationName": "Academy",
        "issueYear": "2026", "issueMonth": "2", "certUrl": f"https://lms.example.org/elsx/v/{NUMBER}",
        "certId": numbers.display(NUMBER)}


def test_the_printed_url_is_host_path_and_number(settings):
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org/"}
    assert api.short_verification_url(NUMBER) == f"https://lms.example.org/elsx/v/{NUMBER}"
    assert api.printed_url_parts(NUMBER) == ("lms.example.org", "/elsx/v/", NUMBER)
    assert api.verification_url(NUMBER) == f"https://lms.example.org/elsx/verify/{numbers.display(NUMBER)}"


def test_download_name():
    assert api.download_name(_cert()) == f"ELS-1-certificate-{numbers.display(NUMBER)}.pdf"
    assert api.download_name(_cert(course_number="")) == f"certificate-certificate-{numbers.display(NUMBER)}.pdf"


@pytest.mark.django_db
def test_the_public_record_has_what_the_certificate_prints_less_the_state_id(settings):
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org"}
    cert = _cert(state_training_id="TX-9", revoked_at=datetime(2026, 3, 1, 3, 0, tzinfo=dt_timezone.utc),
                 status=Certificate.STATUS_REVOKED)
    with timezone.override("America/Chicago"):
        record = api.Verification(number=numbers.display(NUMBER), status=cert.status, certificate=cert,
                                  successor="ABCD").public_record()
    assert record == {
        "certificate_number": numbers.display(NUMBER), "status": "revoked", "name": "Ana",
        "course_title": "Leadership", "course_number": "ELS-1", "provider": "Academy", "credit_hours": 11.0,
        "credit_type": "In-service", "delivery_method": "Online", "completed_on": "2026-02-03",
        "issued_on": "2026-02-03", "revoked_on": "2026-02-28", "superseded_by": "ABCD", "agency": "PD",
        "role": "PSAP / emergency communications",
        "verification_url": f"https://lms.example.org/elsx/verify/{numbers.display(NUMBER)}", "credential_url": None}
    assert "TX-9" not in str(record)
    plain = api.Verification(number="N", status="valid", certificate=_cert(role="gone")).public_record()
    assert (plain["revoked_on"], plain["superseded_by"], plain["role"]) == (None, None, "")
    assert api.Verification(number="N", status="valid", certificate=_cert()).valid
    assert not api.Verification(number="N", status="revoked", certificate=_cert()).valid


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["", "nope", "0" * 20, None, 42])
def test_get_by_number_refuses_unknown_numbers(number):
    with pytest.raises(NotFound):
        api.get_by_number(number)


@pytest.mark.parametrize("field, value, accepted", [
    ("legal_name", "A", True), ("legal_name", "x" * api.NAME_MAX, True), ("legal_name", "x" * (api.NAME_MAX + 1), False),
    ("agency", "PD", True), ("agency", "P", False), ("agency", "x" * (api.AGENCY_MAX + 1), False),
    ("state_training_id", "x" * api.STATE_ID_MAX, True), ("state_training_id", "x" * (api.STATE_ID_MAX + 1), False),
    ("state", "TX", True), ("state", "T", False), ("state", "x" * (api.STATE_MAX + 1), False),
    ("role", "other", True), ("role", "sheriff", False), ("role", ["psap"], False),
])
def test_claim_field_limits(field, value, accepted):
    claim = {"legal_name": "Ana", "agency": "Metro PD", "role": "psap", "state_training_id": "", "state": "TX"}
    claim[field] = value
    if accepted:
        assert api.clean_claim(**claim)[field] == value
    else:
        with pytest.raises(InvalidInput) as caught:
            api.clean_claim(**claim)
        assert caught.value.field == field


def test_a_claim_is_stripped_and_a_state_id_needs_a_state():
    assert api.clean_claim("  Ana  ", " Metro PD ", "psap", " TX-1 ", " TX ") == {
        "legal_name": "Ana", "agency": "Metro PD", "role": "psap", "state_training_id": "TX-1", "state": "TX"}
    assert api.clean_claim("Ana", "Metro PD", "psap")["state"] == ""
    with pytest.raises(InvalidInput) as caught:
        api.clean_claim("Ana", "Metro PD", "psap", "TX-1", "")
    assert caught.value.field == "state"


def test_unprintable_characters_are_refused_naming_the_field_and_the_characters():
    with pytest.raises(InvalidInput) as caught:
        api.clean_claim("Ana", "Metro PD", "psap", "TX-1", "T\U0001F600X")
    assert caught.value.field == "state" and caught.value.extra["characters"] == ["U+1F600"]


@pytest.mark.django_db
def test_the_document_prints_the_certificate_fields_escaped(settings):
    settings.ELSX = dict(settings.ELSX, VERIFY_BASE_URL="https://lms.example.org",
                         APPROVALS=[{"authority": "TCOLE", "number": "77"}], PROVIDER_CONTACT="Training office")
    cert = _cert(legal_name="Zoë <b>", signatory_name="Dr. Lee", signatory_title="Director", language="en")
    prepared = api.prepare_document(cert)
    html = prepared.html
    for fragment in ('<html lang="en"', '<p class="name size-xl" dir="auto">Zoë &lt;b&gt;</p>',
                     "<span>PSAP / emergency communications</span>", "<br>In-service</p>", "<br>Online</p>",
                     '<span class="signer">Dr. Lee</span>', f'<span class="number">{numbers.display(NUMBER)}</span>',
                     '<span class="nb">lms.example.org</span>', "TCOLE", "77", "Training office"):
        assert fragment in html, fragment
    assert "<b>" not in html and prepared.cjk is False
    assert '<html lang="en" style="font-family: &#x27;ELSX Serif&#x27;">' in html  # the families, joined
    assert cert.status_index is None and cert.status_list is None  # a document alone takes no status entry
    with pytest.raises(AttributeError):
        prepared.html = ""  # frozen: it goes to a worker process as it is
    assert prepared.credential_json == cert.credential.encode("utf-8") and cert.credential
    [(qr_name, qr_png)] = prepared.assets  # no logo or signature configured: the QR code only
    assert qr_name.startswith("generated/qr-") and qr_png.startswith(b"\x89PNG") and f'src="{qr_name}"' in html
    assert api.qr_image(api.short_verification_url(NUMBER)) == (qr_name, qr_png)
    # One pixel per module and no quiet zone (the page draws it): a QR symbol is 17 + 4 x version modules.
    width, height = int.from_bytes(qr_png[16:20], "big"), int.from_bytes(qr_png[20:24], "big")
    assert width == height and (width - 17) % 4 == 0 and 21 <= width <= 57


@pytest.mark.django_db
def test_the_document_of_a_cjk_name_with_no_role_or_credit_words():
    cert = _cert(legal_name="王小明", role="retired-role", credit_type="", delivery_method="", signatory_name="")
    prepared = api.prepare_document(cert)
    assert prepared.cjk is True
    # An unknown role prints no label (and never its code); unset words print as nothing.
    assert '<p class="affiliation size-xl" dir="auto"><span dir="auto">PD</span></p>' in prepared.html
    assert "retired-role" not in prepared.html and '<span class="signer"></span>' in prepared.html
    assert '<span class="label">Delivery</span><br></p>' in prepared.html
    assert '<p class="fact"><span class="label">Credit type</span><br></p>' in prepared.html


def test_a_bad_role_lists_the_roles():
    with pytest.raises(InvalidInput) as caught:
        api.clean_claim("Ana", "Metro PD", "sheriff")
    assert str(caught.value) == "Choose a role: " + ", ".join(str(label) for label in api.ROLES.values()) + "."


def test_a_one_character_state_id_is_accepted():
    assert api.clean_claim("Ana", "Metro PD", "psap", "7", "TX")["state_training_id"] == "7"


def test_the_unprintable_message_names_the_field_in_the_learners_language_and_shows_the_characters():
    from django.utils import translation
    with translation.override("es-419"), pytest.raises(InvalidInput) as caught:
        api.clean_claim("Ana \U0001F600", "Metro PD", "psap")
    assert str(caught.value).startswith("Nombre legal: ") and "\U0001F600 (U+1F600)" in str(caught.value)
    with translation.override("es-419"), pytest.raises(InvalidInput) as caught:
        api.clean_claim("Ana", "Metro \U0001F600", "psap")
    assert str(caught.value).startswith("Agencia: ")


@pytest.mark.django_db
def test_the_issuer_id_is_the_issuer_page(settings):
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org/"}
    assert api.issuer_id() == "https://lms.example.org/elsx/issuer"


@pytest.mark.django_db
def test_a_configured_signature_and_logo_go_with_the_document(settings, tmp_path):
    signature, logo = tmp_path / "signature.png", tmp_path / "logo.svg"
    signature.write_bytes(b"\x89PNG signature")
    logo.write_text("<svg/>")
    settings.ELSX = dict(settings.ELSX, SIGNATURE_IMAGE=str(signature), PROVIDER_LOGO=str(logo))
    prepared = api.prepare_document(_cert())
    names = [name for name, _path in prepared.assets]
    assert names[0].startswith("configured/signature-") and names[1].startswith("configured/logo-")
    assert prepared.assets[0][1] == str(signature) and prepared.assets[1][1] == str(logo)
    assert f'src="{names[0]}"' in prepared.html and f'src="{names[1]}"' in prepared.html
    assert str(tmp_path) not in prepared.html  # names, never server paths


def test_the_criteria_are_the_achievements():
    from elsx.certificates import openbadges
    assert api.criteria_text() == openbadges.criteria_narrative() and api.criteria_text()
