"""The lookup form tells a malformed number (said at the field, with what is wrong) from an unknown one."""
import pytest
from django.core.cache import cache
from django.test import Client

from elsx.certificates import numbers
from elsx.models import Certificate
from tests.certificates_helpers import media  # noqa: F401  pylint: disable=unused-import

pytestmark = pytest.mark.django_db

UNKNOWN = "0000-0000-0000-0000-0000"  # well formed, never issued


def lookup(typed):
    cache.clear()
    return Client().get("/elsx/verify/", {"number": typed})


def well_formed():
    body = "7K3M9QX2HB4TZP8RW6N"
    return body + numbers.check_character(body)


@pytest.mark.parametrize("typed, reason, says", [
    ("7K3M-9QX2", numbers.WRONG_LENGTH, "has 20 letters and digits; this one has 8."),
    ("7K3M 9QX2 HB4T ZP8R W6NU", numbers.BAD_CHARACTER, "never U; this one has “U”."),
    ("7K3M-9QX2-HB4T-ZP8R-W6N<", numbers.BAD_CHARACTER, "this one has “&lt;”."),
    (well_formed()[:-1] + ("X" if well_formed()[-1] != "X" else "Y"), numbers.CHECK_FAILED,
     "One character is mistyped, or two side by side are swapped"),
])
def test_a_malformed_number_is_explained_at_the_field_and_nothing_is_looked_up(media, typed, reason, says):
    with pytest.raises(numbers.InvalidNumber) as raised:
        numbers.normalize(typed)
    assert raised.value.reason == reason
    before = Certificate.objects.count()
    response = lookup(typed)
    body = response.content.decode()
    assert response.status_code == 404 and "Location" not in response
    assert says in body, body
    assert '<p id="elsx-verify-error" class="field-error" role="alert">' in body
    assert 'aria-invalid="true"' in body and 'aria-describedby="elsx-verify-error elsx-verify-hint"' in body
    assert "<title>Error: Check the certificate number</title>" in body
    assert "could not find a certificate" not in body  # nothing was looked up: it is not a number
    assert "<script" not in body and "W6N<" not in body
    assert Certificate.objects.count() == before


def test_an_unknown_well_formed_number_goes_to_its_page_and_is_not_marked_invalid(media):
    response = lookup(UNKNOWN.lower())
    assert response.status_code == 302 and response["Location"] == f"/elsx/verify/{UNKNOWN}"
    cache.clear()
    page = Client().get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 404 and "could not find a certificate" in body
    assert 'aria-invalid="true"' not in body and 'id="elsx-verify-error"' not in body


def test_the_empty_form_has_no_error(media):
    body = lookup("").content.decode()
    assert 'aria-invalid="true"' not in body and 'id="elsx-verify-error"' not in body and 'role="alert"' not in body


def test_the_field_error_is_in_spanish_for_a_spanish_browser(media):
    cache.clear()
    body = Client().get("/elsx/verify/", {"number": "7K3M-9QX2"}, HTTP_ACCEPT_LANGUAGE="es-419").content.decode()
    assert '<html lang="es-419">' in body
    assert "<title>Error: Revise el número del certificado</title>" in body
    assert "Un número de certificado tiene 20 letras y dígitos; este tiene 8." in body
