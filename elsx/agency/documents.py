"""The policy document an executive may attach to the policy criterion: what is accepted, and its name.

The type is decided by the bytes, never by the file name or the Content-Type the browser sent.
The name the learner's computer gave the file is kept only to label the download; the stored
file gets a random name (elsx.storage.new_name).
"""
import io
import unicodedata
import zipfile

from django.utils.translation import gettext as _

from elsx import conf
from elsx.errors import InvalidInput

PDF, DOCX = "pdf", "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FILENAME_MAX = 120
# Acrobat accepts %%EOF within the last 1,024 bytes; a file without it was cut short.
PDF_TAIL = 1024
# A Word file with macros (.docm renamed .docx) carries this part; we accept none.
DOCX_REQUIRED = ("[Content_Types].xml", "word/document.xml")
DOCX_MACROS = "word/vbaProject.bin"
ZIP_MAX_ENTRIES = 2000
FALLBACK_STEM = "policy-document"


class TooLarge(InvalidInput):
    status = 413


def max_bytes():
    return conf.get("AGENCY_DOCUMENT_MAX_BYTES")


def too_large():
    limit = max_bytes()
    return TooLarge(_("The document is too large: at most {size} MB.").format(size=f"{limit / 1048576:g}"),
                    field="document")


def read(handle):
    """At most max_bytes() bytes of handle; TooLarge if there are more, InvalidInput if there are none."""
    limit = max_bytes()
    chunks, total = [], 0
    while True:
        chunk = handle.read(min(65536, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise too_large()
    data = b"".join(chunks)
    if not data:
        raise InvalidInput(_("The document is empty."), field="document")
    return data


def sniff(data):
    """PDF or DOCX, judged from the content; InvalidInput for anything else."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-PDF_TAIL:]:
        return PDF
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return DOCX
    raise InvalidInput(_("Attach the policy as a PDF or a Word (.docx) document."), field="document")


def _is_docx(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()  # the central directory only: nothing is decompressed
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return len(names) <= ZIP_MAX_ENTRIES and all(n in names for n in DOCX_REQUIRED) and DOCX_MACROS not in names


def clean_filename(raw, kind):
    """A label for the download: the last part of whatever path was sent, printable, with the right ending."""
    name = raw if isinstance(raw, str) else ""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    # Letters, digits, marks, punctuation, symbols and spaces: no controls, bidi or invisible characters.
    name = "".join(ch for ch in name if (unicodedata.category(ch)[0] in "LNMPS" or unicodedata.category(ch) == "Zs")
                   and ch not in '"<>:|?*')
    name = " ".join(name.split()).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" .")[:FILENAME_MAX - 6] or FALLBACK_STEM
    return f"{stem}.{kind}"


def ascii_fallback(filename):
    """The filename="..." part of Content-Disposition: ASCII only (the UTF-8 name goes in filename*)."""
    text = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    return "".join(ch if ch.isalnum() or ch in " .-_()" else "_" for ch in text).strip() or FALLBACK_STEM
