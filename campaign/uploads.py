"""Uploaded documents are checked by their content, never by their name.

``validate_pdf`` accepts a council resolution or an evidence letter only when it is a plain
PDF: one that a reader opens, that starts as a PDF and ends at its last ``%%EOF``, and that
carries no JavaScript, no launch action, no attached file and no action run by itself.

``ShortFileNameUploadHandler`` (first of ``FILE_UPLOAD_HANDLERS``) lets a file with a very
long name through: Django refuses a form part whose headers pass 1 KB with a bare 400 before
any view runs (``django.http.multipartparser.MAX_TOTAL_HEADER_SIZE``), and the whole form
with it. The stored name is always our own; the original one only ever labels the file.
"""

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

# What validate_pdf raises: forms put these next to the file input.
PDF_ERROR_CODES = frozenset(
    {
        "too_large",
        "not_pdf",
        "broken_pdf",
        "empty_pdf",
        "encrypted_pdf",
        "pdf_trailing_data",
        "pdf_javascript",
        "pdf_launch",
        "pdf_attachment",
        "pdf_automatic_action",
    }
)

# The PDF white-space characters (ISO 32000-1, 7.2.2): all that may follow the last %%EOF.
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
# A bound on the objects walked, so that a crafted file cannot keep a worker busy.
MAX_PDF_OBJECTS = 200_000

# Actions by kind (the /S of an action dictionary).
SCRIPT_ACTIONS = {"/JavaScript"}
LAUNCH_ACTIONS = {"/Launch", "/ImportData"}
EMBEDDED_ACTIONS = {"/GoToE", "/RichMediaExecute"}
# An /OpenAction may show a page (a destination array or /GoTo); anything else runs by itself.
HARMLESS_OPEN_ACTIONS = {"/GoTo"}


def is_document_error(exc: ValidationError) -> bool:
    """Whether every message of ``exc`` is about the uploaded document."""
    errors = getattr(exc, "error_list", None)
    if not errors:
        return False
    return all(error.code in PDF_ERROR_CODES for error in errors)


def validate_pdf(upload) -> None:
    """A plain PDF of at most 10 MB that a PDF reader can open (see the module's docstring).
    Raises one ValidationError per problem found, each saying what to do."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is 10 MB.") % {"size": upload.size / 1024 / 1024},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    # From byte 0: a file that is something else first (a web page, say) is not a PDF.
    if not data.startswith(b"%PDF-"):
        raise ValidationError(_("This file is not a PDF. Upload the resolution as a PDF document."), code="not_pdf")
    if b"%%EOF" not in data:
        raise ValidationError(_("This PDF is damaged and cannot be opened."), code="broken_pdf")
    if not data.rstrip(PDF_WHITESPACE).endswith(b"%%EOF"):
        raise ValidationError(
            _(
                "This PDF has other data added after its end, which is how files are disguised. "
                "Save or print the document to PDF again and upload the new file."
            ),
            code="pdf_trailing_data",
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) < 1:
            raise ValidationError(_("This PDF has no pages."), code="empty_pdf")
        found = _active_content(reader)
    except FileNotDecryptedError as exc:
        raise ValidationError(
            _("This PDF is protected by a password. Upload a copy that opens without one."), code="encrypted_pdf"
        ) from exc
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise ValidationError(_("This PDF is damaged and cannot be opened."), code="broken_pdf") from exc
    if found:
        raise ValidationError([_active_content_error(kind) for kind in ACTIVE_CONTENT_KINDS if kind in found])


ACTIVE_CONTENT_KINDS = ("javascript", "launch", "attachment", "automatic")


def _active_content_error(kind: str) -> ValidationError:
    if kind == "javascript":
        return ValidationError(
            _(
                "This PDF contains JavaScript (a script that runs in the reader), which a resolution or a letter "
                "never needs. Print the document to PDF again, or export it without scripts, and upload the new file."
            ),
            code="pdf_javascript",
        )
    if kind == "launch":
        return ValidationError(
            _(
                "This PDF contains an action that starts a program or opens a file on the reader's computer. "
                "Print the document to PDF again and upload the new file."
            ),
            code="pdf_launch",
        )
    if kind == "attachment":
        return ValidationError(
            _(
                "This PDF has other files attached inside it. Print it to PDF again without attachments and "
                "upload the new file; send any other document to the campaign team separately."
            ),
            code="pdf_attachment",
        )
    return ValidationError(
        _(
            "This PDF runs actions by itself when it is opened or read. Print the document to PDF again "
            "and upload the new file."
        ),
        code="pdf_automatic_action",
    )


def _active_content(reader: PdfReader) -> set[str]:
    """The kinds of active content (ACTIVE_CONTENT_KINDS) among the objects reachable from
    the trailer: the catalogue and its name trees, pages, annotations, forms, outlines."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    walked = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            reference = (node.idnum, node.generation)
            if reference in seen:
                continue
            seen.add(reference)
            node = node.get_object()
        walked += 1
        if walked > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(node, DictionaryObject):  # stream dictionaries included
            _inspect(node, found)
            stack.extend(dict.values(node))  # the raw values: references stay references
        elif isinstance(node, ArrayObject):
            stack.extend(list.__iter__(node))
    if found & {"javascript", "launch"}:
        found.discard("automatic")  # the worse finding says it
    return found


def _name(value) -> str:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return str(value) if value is not None else ""


def _inspect(node: DictionaryObject, found: set[str]) -> None:
    keys = set(dict.keys(node))
    action = _name(dict.get(node, "/S"))
    if keys & {"/JS", "/JavaScript", "/XFA"} or action in SCRIPT_ACTIONS:
        found.add("javascript")
    if action in LAUNCH_ACTIONS:
        found.add("launch")
    if (
        keys & {"/EmbeddedFiles", "/EF"}
        or _name(dict.get(node, "/Type")) == "/EmbeddedFile"
        or _name(dict.get(node, "/Subtype")) in {"/FileAttachment", "/RichMedia"}
        or action in EMBEDDED_ACTIONS
    ):
        found.add("attachment")
    if "/AA" in keys:
        found.add("automatic")
    if "/OpenAction" in keys:
        open_action = dict.get(node, "/OpenAction")
        open_action = open_action.get_object() if isinstance(open_action, IndirectObject) else open_action
        if (
            isinstance(open_action, DictionaryObject)
            and _name(dict.get(open_action, "/S")) not in HARMLESS_OPEN_ACTIONS
        ):
            found.add("automatic")


# --- evidence files ------------------------------------------------------------------------
# A report's evidence (pledges/evidence.py): a PDF, an image (PNG, JPEG, WebP) or a spreadsheet
# (CSV, XLSX, ODS), each recognised by its bytes. The name's extension must say the same kind,
# since readers open the file by it: a PDF named "photo.png" is refused, as is a web page.

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# What a spreadsheet's zip may unpack to, and how many parts it may have (zip bombs).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
# An image's pixels: beyond this Pillow's own guard calls it a decompression bomb.
MAX_IMAGE_PIXELS = 50_000_000

EVIDENCE_ERROR_CODES = PDF_ERROR_CODES | frozenset(
    {
        "evidence_too_large",
        "evidence_empty",
        "evidence_kind",
        "evidence_name_mismatch",
        "broken_image",
        "broken_spreadsheet",
        "spreadsheet_macros",
        "broken_csv",
    }
)


@dataclass(frozen=True)
class EvidenceKind:
    extension: str  # the one a stored file gets
    content_type: str
    extensions: tuple[str, ...]  # the names' extensions that say this kind


EVIDENCE_KINDS = {
    "pdf": EvidenceKind("pdf", "application/pdf", ("pdf",)),
    "png": EvidenceKind("png", "image/png", ("png",)),
    "jpeg": EvidenceKind("jpg", "image/jpeg", ("jpg", "jpeg")),
    "webp": EvidenceKind("webp", "image/webp", ("webp",)),
    "csv": EvidenceKind("csv", "text/csv", ("csv",)),
    "xlsx": EvidenceKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "ods": EvidenceKind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
}
ACCEPTED_EXTENSIONS = tuple(ext for kind in EVIDENCE_KINDS.values() for ext in kind.extensions)
PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _kind_error() -> ValidationError:
    return ValidationError(
        _(
            "This file is not one of the kinds a report can carry: a PDF, an image (PNG, JPEG or WebP) "
            "or a spreadsheet (CSV, XLSX or ODS)."
        ),
        code="evidence_kind",
    )


def _name_extension(name: str) -> str:
    stem, dot, extension = (name or "").rpartition(".")
    return extension.lower() if dot and stem else ""


def _sniff(data: bytes) -> str:
    """The kind ``data`` is by its first bytes ("" when none of the binary kinds)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    return ""


def _check_image(data: bytes, kind: str) -> None:
    broken = ValidationError(_("This image is damaged and cannot be opened."), code="broken_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != PILLOW_FORMATS[kind]:
                    raise broken
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _("This image is too large (%(width)s × %(height)s pixels). Upload a smaller copy.")
                        % {"width": width, "height": height},
                        code="broken_image",
                    )
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # verify() does not decode: a truncated file fails here
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise broken from exc


def _zip_kind(data: bytes) -> str:
    """ "xlsx" or "ods" for a workbook of that kind, else a ValidationError."""
    broken = ValidationError(_("This spreadsheet is damaged and cannot be opened."), code="broken_spreadsheet")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise broken
            names = {e.filename for e in entries}
            if "[Content_Types].xml" in names:
                types = archive.read("[Content_Types].xml")
                if b"macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
                    raise ValidationError(
                        _(
                            "This workbook contains macros (programs that run when it is opened). "
                            "Save it again as an ordinary workbook (.xlsx) and upload the new file."
                        ),
                        code="spreadsheet_macros",
                    )
                if XLSX_MAIN in types and "xl/workbook.xml" in names:
                    return "xlsx"
                raise _kind_error()
            if (
                entries
                and entries[0].filename == "mimetype"
                and {"META-INF/manifest.xml", "content.xml"} <= names
                and archive.read("mimetype").strip() == ODS_MIMETYPE
            ):
                if any(n.startswith("Basic/") or n.startswith("Scripts/") for n in names):
                    raise ValidationError(
                        _(
                            "This workbook contains macros (programs that run when it is opened). "
                            "Save it again without them and upload the new file."
                        ),
                        code="spreadsheet_macros",
                    )
                return "ods"
            raise _kind_error()
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise broken from exc


def _check_csv(data: bytes) -> None:
    """Text in UTF-8 (or the Windows Latin of older spreadsheet programs), without control
    characters, that is not markup, and that reads as rows."""
    if b"\x00" in data:
        raise _kind_error()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _("This CSV file could not be read: save it again as CSV in UTF-8 and upload the new file."),
                code="broken_csv",
            ) from exc
    stripped = text.lstrip()
    if not stripped:
        raise ValidationError(_("This file is empty."), code="evidence_empty")
    if stripped.startswith("<") or re.search(r"<\s*(script|html|body|iframe|svg)\b", text, re.IGNORECASE):
        raise _kind_error()  # a web page or an image in markup, named .csv
    if any(ord(c) < 32 and c not in "\t\r\n\x0c" for c in text):
        raise _kind_error()
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ValidationError(
            _("This CSV file could not be read: save it again as CSV in UTF-8 and upload the new file."),
            code="broken_csv",
        ) from exc
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise ValidationError(_("This file is empty."), code="evidence_empty")


def validate_evidence(upload) -> EvidenceKind:
    """The kind of an evidence file, recognised by its content and agreeing with its name's
    extension, after the checks of that kind (a PDF: ``validate_pdf``). Raises
    ValidationError (codes in EVIDENCE_ERROR_CODES) saying what to do."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is 10 MB.") % {"size": upload.size / 1024 / 1024},
            code="evidence_too_large",
        )
    if not upload.size:
        raise ValidationError(_("This file is empty."), code="evidence_empty")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    found = _sniff(data)
    if found == "zip":
        found = _zip_kind(data)
    elif not found:
        _check_csv(data)
        found = "csv"
    kind = EVIDENCE_KINDS[found]
    extension = _name_extension(getattr(upload, "name", ""))
    if extension not in kind.extensions:
        if extension not in ACCEPTED_EXTENSIONS:
            raise _kind_error()
        raise ValidationError(
            _(
                "This file's name ends in “.%(extension)s” but the file is a %(kind)s. Rename it with the right "
                "ending, or upload the file you meant."
            )
            % {"extension": extension, "kind": found.upper()},
            code="evidence_name_mismatch",
        )
    if found == "pdf":
        validate_pdf(upload)
    elif found in PILLOW_FORMATS:
        _check_image(data, found)
    return kind


# --- long file names ----------------------------------------------------------------------

# Room left for the name within the 1 KB of a part's headers, in UTF-8 bytes.
MAX_FILE_NAME_BYTES = 200
# An extension longer than this is part of the name.
MAX_EXTENSION_BYTES = 16
# How far to look for the end of a part's headers before leaving them to Django.
MAX_HEADER_SEARCH = 64 * 1024
READ_CHUNK = 64 * 1024

QUOTED_FILE_NAME = re.compile(rb'(\bfilename=")((?:[^"\\\r\n]|\\.)*)(")', re.IGNORECASE)
EXTENDED_FILE_NAME = re.compile(rb"(\bfilename\*=)([^;\r\n]*)", re.IGNORECASE)


def shorten_file_name(name: bytes, limit: int = MAX_FILE_NAME_BYTES) -> bytes:
    """``name`` cut to ``limit`` bytes of UTF-8, its extension kept, never in the middle of a
    character or of an escape."""
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(b".")
    if not dot or len(extension) > MAX_EXTENSION_BYTES or not stem:
        stem, extension = name, b""
    else:
        extension = b"." + extension
    stem = stem[: limit - len(extension)].decode("utf-8", "ignore").encode("utf-8").rstrip(b"\\")
    return stem + extension


def _short_names_in(headers: bytes) -> bytes:
    headers = QUOTED_FILE_NAME.sub(lambda m: m[1] + shorten_file_name(m[2]) + m[3], headers)

    def extended(match: re.Match) -> bytes:
        charset, quote_mark, rest = match[2].partition(b"'")
        language, quote_mark_2, encoded = rest.partition(b"'")
        if not (quote_mark and quote_mark_2) or len(encoded) <= MAX_FILE_NAME_BYTES:
            return match[0]
        short = shorten_file_name(unquote_to_bytes(encoded), MAX_FILE_NAME_BYTES // 3)
        return match[1] + charset + b"'" + language + b"'" + quote(short).encode("ascii")

    return EXTENDED_FILE_NAME.sub(extended, headers)


class ShortFileNameStream:
    """A multipart body read through, with every over-long file name in a part's headers
    shortened (``shorten_file_name``); the parts' contents pass untouched."""

    def __init__(self, source, boundary: bytes):
        self._chunks = self._rewritten(source, b"\r\n--" + boundary)
        self._out = b""
        self._skip = 2  # the CRLF _rewritten puts in front

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._out) < size + self._skip:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._out += chunk
        if self._skip:
            skipped = min(self._skip, len(self._out))
            self._out, self._skip = self._out[skipped:], self._skip - skipped
        size = len(self._out) if size < 0 else size
        data, self._out = self._out[:size], self._out[size:]
        return data

    @staticmethod
    def _rewritten(source, delimiter: bytes) -> Iterator[bytes]:
        # A CRLF in front makes the first delimiter look like the others (read() drops it).
        buffer = b"\r\n"
        keep = len(delimiter) - 1
        while True:
            # The preamble or a part's content, up to the next delimiter, as it came.
            found = buffer.find(delimiter)
            while found < 0:
                chunk = source.read(READ_CHUNK)
                if not chunk:
                    yield buffer
                    return
                if len(buffer) > keep:
                    yield buffer[:-keep]
                    buffer = buffer[-keep:]
                buffer += chunk
                found = buffer.find(delimiter)
            start = found + len(delimiter)
            yield buffer[:start]
            buffer = buffer[start:]
            # The part's headers, up to the blank line.
            end = buffer.find(b"\r\n\r\n")
            while end < 0 and len(buffer) < MAX_HEADER_SEARCH:
                chunk = source.read(READ_CHUNK)
                if not chunk:
                    break
                buffer += chunk
                end = buffer.find(b"\r\n\r\n")
            if end >= 0:
                yield _short_names_in(buffer[:end])
                buffer = buffer[end:]


class ShortFileNameUploadHandler(FileUploadHandler):
    """Parses a multipart body through ShortFileNameStream, then hands the parts to the
    handlers after it in FILE_UPLOAD_HANDLERS, as Django would."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        others = [handler for handler in self.request.upload_handlers if handler is not self]
        return MultiPartParser(META, ShortFileNameStream(input_data, boundary), others, encoding).parse()

    def receive_data_chunk(self, raw_data, start):  # never called: the other handlers receive the files
        return raw_data

    def file_complete(self, file_size):
        return None


# --- files of local actions ---------------------------------------------------------------
# A local action (pledges/learning) carries images (PNG, JPEG, WebP), re-encoded from their
# pixels so that no metadata (EXIF and its GPS position, XMP, ICC, comments) survives, and
# PDFs checked by ``validate_pdf``. Recognised by their bytes; the name's extension must agree.

ACTION_FILE_KINDS = ("png", "jpeg", "webp", "pdf")


@dataclass(frozen=True)
class ActionFileKind:
    kind: str  # "image" or "pdf"
    format: str  # "png", "jpeg", "webp" or "pdf"
    content_type: str
    extension: str


def _action_kind_error() -> ValidationError:
    return ValidationError(
        _("This file is not one of the kinds an action can carry: an image (PNG, JPEG or WebP) or a PDF."),
        code="action_file_kind",
    )


def validate_action_file(upload) -> ActionFileKind:
    """The kind of a local action's file, by its content and agreeing with its name's
    extension, after the checks of its kind. Raises ValidationError saying what to do."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is 10 MB.") % {"size": upload.size / 1024 / 1024},
            code="evidence_too_large",
        )
    if not upload.size:
        raise ValidationError(_("This file is empty."), code="evidence_empty")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    found = _sniff(data)
    if found not in ACTION_FILE_KINDS:
        raise _action_kind_error()
    evidence_kind = EVIDENCE_KINDS[found]
    extension = _name_extension(getattr(upload, "name", ""))
    if extension not in evidence_kind.extensions:
        if extension not in ("pdf", "png", "jpg", "jpeg", "webp"):
            raise _action_kind_error()
        raise ValidationError(
            _(
                "This file's name ends in “.%(extension)s” but the file is a %(kind)s. Rename it with the right "
                "ending, or upload the file you meant."
            )
            % {"extension": extension, "kind": found.upper()},
            code="evidence_name_mismatch",
        )
    if found == "pdf":
        validate_pdf(upload)
        return ActionFileKind("pdf", "pdf", evidence_kind.content_type, evidence_kind.extension)
    _check_image(data, found)
    return ActionFileKind("image", found, evidence_kind.content_type, evidence_kind.extension)


def reencode_image(data: bytes, kind: str) -> tuple[bytes, int, int]:
    """A new image of the same format from the pixels of ``data`` (already checked by
    ``_check_image``), turned as its EXIF orientation says first, with none of its
    metadata: (bytes, width, height)."""
    with Image.open(io.BytesIO(data)) as source:
        turned = ImageOps.exif_transpose(source) or source
        has_alpha = "A" in turned.getbands() or "transparency" in turned.info
        if kind == "jpeg":
            mode = "L" if turned.mode in ("L", "1") else "RGB"
        else:
            mode = turned.mode if turned.mode in ("RGB", "RGBA", "L", "LA") else ("RGBA" if has_alpha else "RGB")
        pixels = turned.convert(mode) if turned.mode != mode else turned
        clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if kind == "jpeg":
        clean.save(out, format="JPEG", quality=90)
    elif kind == "webp":
        clean.save(out, format="WEBP", quality=90)
    else:
        clean.save(out, format="PNG")
    return out.getvalue(), clean.width, clean.height
