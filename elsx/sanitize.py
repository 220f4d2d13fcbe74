"""An allowlist HTML serializer for topic section bodies.

Section bodies come from curriculum files and from Studio; both go through
here, so only these tags and https links ever reach a learner's page.
"""
from html import escape as _escape

import lxml.html


def _text(value):
    """Text content escaped for HTML: &, < and > only; quotes need no escape outside attributes,
    and an author reading the stored HTML in Studio should see child's, not child&#x27;s."""
    return _escape(value or "", quote=False)

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
        parts.append(_text(element.tail))
        return
    tag = tag.lower()
    if tag not in ALLOWED_TAGS:
        if on_problem:
            on_problem(element, f"<{tag}> is not allowed in a section; use {', '.join(sorted(ALLOWED_TAGS))}")
        parts.append(_text(element.text))
        for child in element:
            _serialize_element(child, parts, on_problem)
        parts.append(_text(element.tail))
        return
    attrs = ""
    if tag == "a":
        href = safe_href(element.get("href"))
        if href is None and on_problem:
            on_problem(element, "links need an https:// href")
        if href:
            attrs = f' href="{_escape(href)}" rel="noopener noreferrer" target="_blank"'
    parts.append(f"<{tag}{attrs}>")
    if tag not in VOID_TAGS:
        parts.append(_text(element.text))
        for child in element:
            _serialize_element(child, parts, on_problem)
        parts.append(f"</{tag}>")
    parts.append(_text(element.tail))


def clean_html(fragment, on_problem=None):
    """Sanitize an HTML string typed by an author (e.g. in Studio); on_problem hears what was removed."""
    fragment = (fragment or "").strip()
    if not fragment:
        return ""
    wrapper = lxml.html.fragment_fromstring(fragment, create_parent="div")
    leading = _text(wrapper.text)
    return (leading + serialize(list(wrapper), on_problem)).strip()


def removed_by_cleaning(fragment):
    """What clean_html would drop from fragment, one short phrase per kind (e.g. "<script>")."""
    found = []

    def note(element, _message):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        what = f"<{tag}>" if tag != "a" else "a link without https://"
        if what not in found:
            found.append(what)
    clean_html(fragment, note)
    attributes = lxml.html.fragment_fromstring((fragment or "").strip() or "<p></p>", create_parent="div")
    if any(name for element in attributes.iter() if isinstance(element.tag, str) and element.tag != "div"
           for name in element.attrib if not (element.tag == "a" and name == "href")):
        found.append("attributes")
    return found
