"""An allowlist HTML serializer for topic section bodies.

Section bodies come from curriculum files and from Studio; both go through
here, so only these tags and https links ever reach a learner's page.
"""
from html import escape

import lxml.html

ALLOWED_TAGS = frozenset({"p", "ul", "ol", "li", "strong", "em", "h4", "blockquote", "a", "br"})
VOID_TAGS = frozenset({"br"})


def safe_href(value):
    value = (value or "").strip()
    return value if value.lower().startswith("https://") else None


def serialize(elements, on_problem=None):
    """HTML for a sequence of lxml elements, keeping allowed markup only.

    Disallowed elements are reported through on_problem(element, message) and
    replaced by their escaped text, so nothing executable survives.
    """
    parts = []
    for element in elements:
        _serialize_element(element, parts, on_problem)
    return "".join(parts).strip()


def _serialize_element(element, parts, on_problem):
    tag = element.tag if isinstance(element.tag, str) else None
    if tag is None:  # comments and processing instructions
        parts.append(escape(element.tail or ""))
        return
    tag = tag.lower()
    if tag not in ALLOWED_TAGS:
        if on_problem:
            on_problem(element, f"<{tag}> is not allowed in a section; use {', '.join(sorted(ALLOWED_TAGS))}")
        parts.append(escape(element.text or ""))
        for child in element:
            _serialize_element(child, parts, on_problem)
        parts.append(escape(element.tail or ""))
        return
    attrs = ""
    if tag == "a":
        href = safe_href(element.get("href"))
        if href is None and on_problem:
            on_problem(element, "links need an https:// href")
        if href:
            attrs = f' href="{escape(href)}" rel="noopener noreferrer" target="_blank"'
    parts.append(f"<{tag}{attrs}>")
    if tag not in VOID_TAGS:
        parts.append(escape(element.text or ""))
        for child in element:
            _serialize_element(child, parts, on_problem)
        parts.append(f"</{tag}>")
    parts.append(escape(element.tail or ""))


def clean_html(fragment):
    """Sanitize an HTML string typed by an author (e.g. in Studio)."""
    fragment = (fragment or "").strip()
    if not fragment:
        return ""
    wrapper = lxml.html.fragment_fromstring(fragment, create_parent="div")
    leading = escape(wrapper.text or "")
    return (leading + serialize(list(wrapper))).strip()
