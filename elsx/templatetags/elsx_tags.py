"""Small template filters shared by elsx templates."""
from decimal import Decimal

from django import template

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


@register.filter
def duration(seconds):
    """Engaged seconds for people: "45 min", "2 h 05 min"."""
    from elsx.engagement.api import duration_words  # lazy: templatetags load before apps
    return duration_words(seconds or 0)
