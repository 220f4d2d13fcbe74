"""Known answers for the author-HTML sanitizer: exact output for fixed input, table-driven.

Every case asserts the whole output string, so dropping an escape (text, tail
or attribute), the scheme check or the rel/target pair fails a test.
"""
import lxml.html
import pytest

from elsx.sanitize import ALLOWED_TAGS, clean_html, safe_href, serialize

LINK = ' rel="noopener noreferrer" target="_blank"'

# (author input, exact sanitized output)
TEXT_CASES = [
    ("<p>Hi</p>", "<p>Hi</p>"),
    # escaped text stays escaped in every position: leading text, element text, tail
    ("lead &lt;script&gt;alert(1)&lt;/script&gt; text", "lead &lt;script&gt;alert(1)&lt;/script&gt; text"),
    ("<p>&lt;script&gt;x&lt;/script&gt;</p>", "<p>&lt;script&gt;x&lt;/script&gt;</p>"),
    ("<p><em>a</em>&lt;b&gt; tail</p>", "<p><em>a</em>&lt;b&gt; tail</p>"),
    ("<p>x</p>&lt;i&gt;after", "<p>x</p>&lt;i&gt;after"),
    # quotes need no escape in text: Studio's editor shows the author child's, not child&#x27;s
    ('<p>a "quoted" & \'single\'</p>', "<p>a \"quoted\" &amp; 'single'</p>"),
    ("<ul><li>one</li><li>two &amp; three</li></ul>", "<ul><li>one</li><li>two &amp; three</li></ul>"),
    ("<h4>H</h4><blockquote>q</blockquote><ol><li>1</li></ol>",
     "<h4>H</h4><blockquote>q</blockquote><ol><li>1</li></ol>"),
    ("<P>upper <STRONG>case</STRONG></P>", "<p>upper <strong>case</strong></p>"),
    # void element: no closing tag, its tail kept and escaped
    ("<p>a<br>&lt;b&gt;</p>", "<p>a<br>&lt;b&gt;</p>"),
    # attributes on allowed tags are dropped
    ('<p onclick="x" class="c" style="color:red">t</p>', "<p>t</p>"),
    # disallowed elements: gone, their (escaped) text, children and tail kept
    ("<script>alert(1)</script>after", "alert(1)after"),
    ("<script><b>x</b></script>", "&lt;b&gt;x&lt;/b&gt;"),  # script content is raw text: shown, not run
    ("<script>&lt;b&gt;</script>", "&amp;lt;b&amp;gt;"),
    ("<div>in div <strong>bold</strong> &lt;x&gt;</div> tail &amp;", "in div <strong>bold</strong> &lt;x&gt; tail &amp;"),
    ("<span>&lt;img&gt;</span>&lt;tail&gt;", "&lt;img&gt;&lt;tail&gt;"),
    ("<div><span>a</span>&lt;mid&gt;<em>b</em></div>", "a&lt;mid&gt;<em>b</em>"),
    ("<img src=x onerror=alert(1)>", ""),
    # comments vanish, their tail stays (escaped)
    ("<!-- c -->after &lt;c&gt;", "after &lt;c&gt;"),
    ("<p>x<!-- c -->&lt;y&gt;</p>", "<p>x&lt;y&gt;</p>"),
    ("", ""),
    ("   ", ""),
    (None, ""),
    ("  <p>padded</p>  ", "<p>padded</p>"),
    ("text <img src=x>", "text"),  # the dropped element leaves no trailing space
]


@pytest.mark.parametrize("source, expected", TEXT_CASES)
def test_known_answers(source, expected):
    assert clean_html(source) == expected


# (href as typed, exact anchor output): only https://, any case, trimmed; everything else loses its href
HREF_CASES = [
    ("https://example.org/", f'<a href="https://example.org/"{LINK}>x</a>'),
    ("HTTPS://EXAMPLE.org/", f'<a href="HTTPS://EXAMPLE.org/"{LINK}>x</a>'),
    ("HtTpS://example.org/", f'<a href="HtTpS://example.org/"{LINK}>x</a>'),
    ("  https://example.org/  ", f'<a href="https://example.org/"{LINK}>x</a>'),
    ("http://example.org/", "<a>x</a>"),
    ("HTTP://example.org/", "<a>x</a>"),
    ("javascript:alert(1)", "<a>x</a>"),
    ("JavaScript:alert(1)", "<a>x</a>"),
    (" javascript:alert(1)", "<a>x</a>"),
    ("data:text/html,hi", "<a>x</a>"),
    ("vbscript:msgbox(1)", "<a>x</a>"),
    ("//example.org", "<a>x</a>"),
    ("/relative", "<a>x</a>"),
    ("https:example.org", "<a>x</a>"),
    ("", "<a>x</a>"),
]


@pytest.mark.parametrize("href, expected", HREF_CASES)
def test_hrefs_by_scheme_and_case(href, expected):
    assert clean_html(f'<a href="{href}">x</a>') == expected


def test_an_anchor_without_href_keeps_its_text_only():
    assert clean_html("<a>x</a>") == "<a>x</a>"


@pytest.mark.parametrize("source, expected", [
    # quotes inside the href can't close the attribute
    ("<a href='https://e.org/\"onmouseover=\"alert(1)'>x</a>",
     f'<a href="https://e.org/&quot;onmouseover=&quot;alert(1)"{LINK}>x</a>'),
    ('<a href="https://e.org/?q=&#39;a&#39;&amp;b=1">x</a>', f'<a href="https://e.org/?q=&#x27;a&#x27;&amp;b=1"{LINK}>x</a>'),
    ('<a href="https://e.org/?a=&lt;b&gt;">x</a>', f'<a href="https://e.org/?a=&lt;b&gt;"{LINK}>x</a>'),
])
def test_quotes_and_markup_in_attributes_are_escaped(source, expected):
    assert clean_html(source) == expected


def test_rel_and_target_are_ours_whatever_the_author_wrote():
    source = '<a href="https://e.org" onclick="evil()" rel="opener" target="_self" id="i">x &lt;y&gt;</a> tail'
    assert clean_html(source) == f'<a href="https://e.org"{LINK}>x &lt;y&gt;</a> tail'


def test_nested_allowed_markup_inside_a_link():
    assert clean_html('<p><a href="https://e.org"><em>a</em> b</a>.</p>') == f'<p><a href="https://e.org"{LINK}><em>a</em> b</a>.</p>'


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("   ", None), ("  https://x  ", "https://x"), ("HTTPS://x", "HTTPS://x"),
    ("http://x", None), ("javascript:x", None), ("https:x", None), ("ftp://x", None), ("xhttps://x", None),
])
def test_safe_href(value, expected):
    assert safe_href(value) == expected


def _elements(source):
    return lxml.html.fragments_fromstring(source)


def test_serialize_reports_each_problem_with_its_element():
    problems = []
    html = serialize(_elements('<p>a</p><script>x</script><a href="http://e.org">l</a><a href="https://e.org">ok</a>'),
                     on_problem=lambda element, message: problems.append((element.tag, message)))
    assert html == f'<p>a</p>x<a>l</a><a href="https://e.org"{LINK}>ok</a>'
    assert problems == [
        ("script", f"<script> is not allowed in a section; use {', '.join(sorted(ALLOWED_TAGS))}"),
        ("a", "links need an https:// href"),
    ]


def test_serialize_without_a_reporter_still_sanitizes():
    assert serialize(_elements('<div>x<em>y</em></div><a href="javascript:z">l</a>')) == "x<em>y</em><a>l</a>"


def test_serialize_reports_nothing_for_clean_markup():
    problems = []
    serialize(_elements(f'<p><a href="https://e.org">ok</a><br></p>'), on_problem=lambda *a: problems.append(a))
    assert problems == []


def test_serialize_reports_nested_problems_too():
    problems = []
    serialize(_elements("<div><span>x</span></div>"), on_problem=lambda element, _m: problems.append(element.tag))
    assert problems == ["div", "span"]


def test_output_is_stripped_of_outer_whitespace():
    assert serialize(_elements("<p>a</p> ")) == "<p>a</p>"


def test_serialize_lowercases_tags_from_xml_sources():
    """Curriculum files are parsed as XML, which keeps the case: <P> is still an allowed <p>."""
    from lxml import etree
    assert serialize([etree.fromstring("<P>x <EM>y</EM></P>")]) == "<p>x <em>y</em></p>"
