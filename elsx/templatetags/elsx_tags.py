"""Small template filters shared by elsx templates."""
from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def hours(value):
    """11 -> '11.0', Decimal('1.50') -> '1.5': credit hours as people write them."""
    if value is None:
        return ""
    value = Decimal(value).normalize()
    text = format(value, "f")
    return text if "." in text else f"{text}.0"


@register.filter
def percent(value):
    return "" if value is None else f"{int(value)}%"


@register.filter
def get_item(mapping, key):
    """mapping[key], or None: for dicts keyed by ids in templates."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None



# The curriculum, the authors' text and the course's names are written in English.
CONTENT_LANGUAGE = "en"


def content_in_other_language():
    return not (get_language() or CONTENT_LANGUAGE).lower().startswith(CONTENT_LANGUAGE)


@register.simple_tag
def content_lang():
    """' lang="en"' on an element of course content when the page is in another language (WCAG 3.1.2)."""
    return mark_safe(f' lang="{CONTENT_LANGUAGE}"') if content_in_other_language() else ""


@register.simple_tag
def page_lang():
    """The active language as a BCP 47 tag for <html lang>: es-419, en."""
    return get_language() or CONTENT_LANGUAGE


@register.simple_tag
def content_language_notice():
    return content_in_other_language()
@register.filter
def duration(seconds):
    """Engaged seconds for people: "45 min", "2 h 05 min"."""
    from elsx.engagement.api import duration_words  # lazy: templatetags load before apps
    return duration_words(seconds or 0)
