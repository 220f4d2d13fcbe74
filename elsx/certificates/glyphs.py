"""Which characters the bundled certificate fonts can print.

The renderer uses only the fonts named in fonts.css and fonts-cjk.css (each
limited by its unicode-range); a character none of them has would print as a
box, or not at all, so a claim with one is refused before anything is stored.
"""
import re
import threading
import unicodedata

from elsx.resources import certificate_assets_dir

STYLESHEETS = ("fonts.css", "fonts-cjk.css")
_FACE = re.compile(r"@font-face\s*{(?P<body>[^}]*)}")
_SRC = re.compile(r"url\((?P<url>[^)]+)\)")
_RANGE = re.compile(r"unicode-range:\s*(?P<ranges>[^;]+);")
# Format characters (bidi marks, joiners) shape text but draw nothing themselves.
_INVISIBLE_CATEGORIES = {"Cf"}

_FAMILY = re.compile(r"font-family:\s*'(?P<family>[^']+)'")
_lock = threading.Lock()
_coverage = None
_families = None


def _ranges(text):
    for part in text.split(","):
        part = part.strip().upper().removeprefix("U+")
        if "-" in part:
            low, high = part.split("-")
            yield int(low, 16), int(high, 16)
        elif part:
            yield int(part, 16), int(part, 16)


def _build(assets_dir):
    """{family: code points it prints}, in the stylesheets' order."""
    from fontTools.ttLib import TTFont  # pylint: disable=import-outside-toplevel
    families = {}
    for name in STYLESHEETS:
        css = (assets_dir / name).read_text(encoding="utf-8")
        for face in _FACE.finditer(css):
            body = face.group("body")
            src = _SRC.search(body)
            if not src:
                continue
            font = TTFont(str(assets_dir / src.group("url").strip("'\"")), lazy=True)
            cmap = set(font.getBestCmap() or {})
            font.close()
            limits = _RANGE.search(body)
            if limits:
                cmap = {cp for cp in cmap if any(lo <= cp <= hi for lo, hi in _ranges(limits.group("ranges")))}
            family = _FAMILY.search(body).group("family")
            families.setdefault(family, set()).update(cmap)
    return families


def _load():
    global _coverage, _families  # pylint: disable=global-statement
    with _lock:
        if _families is None:
            _families = {family: frozenset(points) for family, points in _build(certificate_assets_dir()).items()}
            _coverage = frozenset().union(*_families.values())
    return _families, _coverage


def coverage():
    """Code points some bundled face can print (computed once per process)."""
    return _load()[1]


BASE_FAMILY = "ELSX Serif"


def families_for(*texts):
    """The font-family list a document needs: the base face, then one per script it uses.

    Pango tries every family in the list for each run; naming only the needed ones saves
    about a sixth of a render (bench/).
    """
    families, _covered = _load()
    base = families.get(BASE_FAMILY, frozenset())
    needed = []
    for char in "".join(text or "" for text in texts):
        point = ord(char)
        if point in base or point < 0x80:
            continue
        for family, points in families.items():
            if point in points:
                if family not in needed:
                    needed.append(family)
                break
    order = list(families)
    return [BASE_FAMILY] + sorted(needed, key=order.index)


def unprintable(text):
    """The distinct characters of text that no bundled font has, in order of appearance."""
    covered = coverage()
    missing = []
    for char in text or "":
        if ord(char) in covered or char in missing or unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            continue
        missing.append(char)
    return missing


def describe(chars):
    """'Ꭰ (U+13A0), 😀 (U+1F600)': shown to the learner, so they can see which ones."""
    return ", ".join(f"{char} (U+{ord(char):04X})" for char in chars)
