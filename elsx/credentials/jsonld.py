"""JSON-LD with a static document loader: RDFC-1.0 canonicalization and a check that nothing is dropped.

Signing canonicalizes the expanded document, so any key a context doesn't
define would be silently left out of what the signature covers. pyld has no
"safe mode", so check_nothing_dropped() does what safe mode does: expand,
compact with the same context, and refuse if anything did not come back.
"""
import copy
import json
from functools import lru_cache
from pathlib import Path

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CONTEXT_FILES = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "context-3.0.3.json",
    OB_EXTENSIONS: "ob-v3p0-extensions.json",
}


class UnsignableDocument(ValueError):
    """JSON-LD processing would lose part of the document, so a signature would not cover it."""


@lru_cache(maxsize=None)
def _context(url):
    return json.loads((CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def document_loader(url, options=None):
    """pyld loader that serves only the bundled contexts; everything else is refused."""
    if url not in CONTEXT_FILES:
        raise UnsignableDocument(f"no bundled JSON-LD context for {url[:120]}")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": copy.deepcopy(_context(url))}


OPTIONS = {"documentLoader": document_loader}


def canonicalize(document):
    """RDFC-1.0 (URDNA2015) canonical N-Quads of document, as a str."""
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "documentLoader": document_loader, "safe": True})


def _same(original, roundtrip):
    """Equal up to JSON-LD's equivalences: a one-item list and its item."""
    if isinstance(original, list) and len(original) == 1 and not isinstance(roundtrip, list):
        return _same(original[0], roundtrip)
    if isinstance(roundtrip, list) and len(roundtrip) == 1 and not isinstance(original, list):
        return _same(original, roundtrip[0])
    if isinstance(original, dict) and isinstance(roundtrip, dict):
        return original.keys() == roundtrip.keys() and all(_same(v, roundtrip[k]) for k, v in original.items())
    if isinstance(original, list) and isinstance(roundtrip, list):
        return len(original) == len(roundtrip) and all(_same(a, b) for a, b in zip(original, roundtrip))
    return original == roundtrip


def dropped_paths(original, roundtrip, path="$"):
    """Where roundtrip lacks or changed something original has (for the error message)."""
    if isinstance(original, list) and len(original) == 1 and not isinstance(roundtrip, list):
        return dropped_paths(original[0], roundtrip, path)
    if isinstance(roundtrip, list) and len(roundtrip) == 1 and not isinstance(original, list):
        return dropped_paths(original, roundtrip[0], path)
    if isinstance(original, dict):
        if not isinstance(roundtrip, dict):
            return [path]
        found = []
        for key, value in original.items():
            if key not in roundtrip:
                found.append(f"{path}.{key}")
            else:
                found.extend(dropped_paths(value, roundtrip[key], f"{path}.{key}"))
        return found
    if isinstance(original, list):
        if not isinstance(roundtrip, list) or len(original) != len(roundtrip):
            return [path]
        found = []
        for index, (a, b) in enumerate(zip(original, roundtrip)):
            found.extend(dropped_paths(a, b, f"{path}[{index}]"))
        return found
    return [] if original == roundtrip else [path]


# Whether a key is kept depends on the key, where it sits and the types around it (type-scoped
# contexts), never on the other values: so the full round trip runs once per shape, and each
# document's string values are then found in its own canonical N-Quads (cheap; bench/).
_SHAPE_KEYS = ("type", "@type", "@context")
_checked_shapes = set()
_MAX_SHAPES = 512


def _shape(value, key=None):
    if key in _SHAPE_KEYS:
        return ("=", json.dumps(value, sort_keys=True))
    if isinstance(value, dict):
        return ("{", tuple((k, _shape(v, k)) for k, v in sorted(value.items())))
    if isinstance(value, list):
        return ("[", tuple(_shape(v, key) for v in value))
    return type(value).__name__


def _strings(value, key=None):
    if key in _SHAPE_KEYS:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str):
        yield value


def _nquads_escape(value):
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            .replace('"', '\\"'))


def check_nothing_dropped(document, nquads=None):
    """Raise UnsignableDocument unless every key and value survives JSON-LD processing.

    nquads: the document's canonical N-Quads, if the caller has them already.
    """
    shape = _shape(document)
    if shape not in _checked_shapes:
        _round_trip(document)
        if len(_checked_shapes) >= _MAX_SHAPES:
            _checked_shapes.clear()
        _checked_shapes.add(shape)
    nquads = canonicalize(document) if nquads is None else nquads
    for text in _strings({k: v for k, v in document.items() if k != "@context"}):
        if f'"{_nquads_escape(text)}"' not in nquads and f"<{text}>" not in nquads and f"{text}>" not in nquads:
            raise UnsignableDocument(f"JSON-LD would drop or change the value {text[:40]!r}")


def _round_trip(document):
    """Expand, compact with the same context, and compare: the slow, complete check."""
    try:
        expanded = jsonld.expand(document, OPTIONS)
        compacted = jsonld.compact(expanded, {"@context": document["@context"]}, OPTIONS)
    except jsonld.JsonLdError as exc:
        raise UnsignableDocument(f"JSON-LD processing failed: {exc}") from exc
    compacted.pop("@context", None)
    original = {k: v for k, v in document.items() if k != "@context"}
    if not _same(original, compacted):
        raise UnsignableDocument("JSON-LD would drop or change: "
                                 + ", ".join(dropped_paths(original, compacted)[:10]))
