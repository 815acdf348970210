"""Uploaded documents are checked by their content, never by their name."""

import io

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def validate_pdf(upload) -> None:
    """A real PDF of at most 10 MB that a PDF reader can open."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is 10 MB.") % {"size": upload.size / 1024 / 1024},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime != "application/pdf":
        raise ValidationError(_("This file is not a PDF. Upload the resolution as a PDF document."), code="not_pdf")
    try:
        reader = PdfReader(io.BytesIO(upload.read()))
        if len(reader.pages) < 1:
            raise ValidationError(_("This PDF has no pages."), code="empty_pdf")
    except (PdfReadError, ValueError, OSError) as exc:
        raise ValidationError(_("This PDF is damaged and cannot be opened."), code="broken_pdf") from exc
    finally:
        upload.seek(0)
