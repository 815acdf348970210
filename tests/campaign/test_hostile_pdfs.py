"""Hostile PDFs are refused, each with a message that says what was found and what to do;
plain ones (links, a first page to open on, trailing line ends) pass. The files are built
here with pypdf's writer: no binary fixture in the repository."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from accounts.models import Membership
from campaign.uploads import is_document_error, validate_pdf
from pledges.models import Pledge
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    return writer


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _rect() -> ArrayObject:
    return ArrayObject([FloatObject(10), FloatObject(10), FloatObject(50), FloatObject(50)])


def plain_pdf() -> bytes:
    return _bytes(_writer())


def with_document_javascript() -> bytes:
    # The catalogue's /Names /JavaScript tree: run when the document opens.
    writer = _writer()
    writer.add_open_action(JavaScript("app.alert('hello');"))
    return _bytes(writer)


def with_open_action_javascript() -> bytes:
    writer = _writer()
    action = _action("/JavaScript", JS=TextStringObject("app.launchURL('https://attacker.example');"))
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _bytes(writer)


def with_open_action_launch() -> bytes:
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = _action("/Launch", F=TextStringObject("cmd.exe"))
    return _bytes(writer)


def with_page_additional_action_javascript() -> bytes:
    writer = _writer()
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action("/JavaScript", JS=TextStringObject("1"))})
    return _bytes(writer)


def with_page_additional_action_uri() -> bytes:
    # Not a script, but it runs by itself on opening the page (a tracking call, say).
    writer = _writer()
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/URI", URI=TextStringObject("https://tracker.example/open"))}
    )
    return _bytes(writer)


def with_link_launching_a_program() -> bytes:
    writer = _writer()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): _rect(),
            NameObject("/A"): _action("/Launch", F=TextStringObject("calc.exe")),
        }
    )
    writer.add_annotation(0, annotation)
    return _bytes(writer)


def with_embedded_file() -> bytes:
    writer = _writer()
    writer.add_attachment("payload.exe", b"MZ not really a program")
    return _bytes(writer)


def with_file_attachment_annotation() -> bytes:
    writer = _writer()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): _rect(),
            NameObject("/FS"): DictionaryObject(
                {NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject("notes.docm")}
            ),
        }
    )
    writer.add_annotation(0, annotation)
    return _bytes(writer)


def with_link_to_a_web_page_and_an_opening_page() -> bytes:
    writer = _writer()
    writer.add_uri(0, "https://www.mechelen.be/", [10, 10, 50, 50])
    writer.open_destination = writer.pages[0]
    return _bytes(writer)


def upload(data: bytes, name: str = "resolution.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def codes_of(data: bytes) -> set[str]:
    with pytest.raises(ValidationError) as exc:
        validate_pdf(upload(data))
    assert is_document_error(exc.value)
    return {error.code for error in exc.value.error_list}


def messages_of(data: bytes) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_pdf(upload(data))
    return " ".join(exc.value.messages)


# --- validate_pdf --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (with_document_javascript, "pdf_javascript"),
        (with_open_action_javascript, "pdf_javascript"),
        (with_page_additional_action_javascript, "pdf_javascript"),
        (with_open_action_launch, "pdf_launch"),
        (with_link_launching_a_program, "pdf_launch"),
        (with_embedded_file, "pdf_attachment"),
        (with_file_attachment_annotation, "pdf_attachment"),
        (with_page_additional_action_uri, "pdf_automatic_action"),
    ],
)
def test_active_content_is_refused(build, code):
    assert codes_of(build()) == {code}


def test_the_javascript_message_says_what_was_found_and_what_to_do():
    text = messages_of(with_open_action_javascript())
    assert "contains JavaScript" in text
    assert "Print the document to PDF again" in text


def test_the_attachment_message_says_to_print_it_again_without_attachments():
    assert "Print it to PDF again without attachments" in messages_of(with_embedded_file())


def test_several_findings_are_all_reported():
    writer = _writer()
    writer.add_open_action(JavaScript("app.alert(1);"))
    writer.add_attachment("payload.exe", b"MZ")
    data = _bytes(writer)
    assert codes_of(data) == {"pdf_javascript", "pdf_attachment"}


def test_a_pdf_with_a_web_page_appended_is_refused():
    data = plain_pdf() + b"<html><body><script>alert(document.cookie)</script></body></html>\n"
    assert codes_of(data) == {"pdf_trailing_data"}
    assert "after its end" in messages_of(data)


def test_a_web_page_with_a_pdf_after_it_is_not_a_pdf():
    assert codes_of(b"<html><body>hello</body></html>\n" + plain_pdf()) == {"not_pdf"}


def test_a_password_protected_pdf_is_refused_with_what_to_do():
    writer = _writer()
    writer.encrypt("secret")
    data = _bytes(writer)
    assert codes_of(data) == {"encrypted_pdf"}
    assert "password" in messages_of(data)


@pytest.mark.parametrize(
    "data",
    [
        plain_pdf(),
        plain_pdf() + b"\r\n \n\x00",  # line ends and padding after %%EOF are allowed
        with_link_to_a_web_page_and_an_opening_page(),
    ],
    ids=["plain", "trailing-whitespace", "link-and-open-page"],
)
def test_plain_pdfs_pass(data):
    validate_pdf(upload(data))  # no exception


# --- over HTTP ---------------------------------------------------------------------------


def pledge_form_data(**extra):
    data = {"signatory_name": "Bart Somers", "signatory_title": "Mayor", "statement": "We sign.", "save": "1"}
    data.update(extra)
    return data


def test_the_pledge_form_refuses_a_resolution_with_javascript_and_keeps_what_was_typed(
    client, draft_pledge_a, official_a
):
    client.force_login(official_a)
    response = client.post(
        f"/en/pledges/{draft_pledge_a.pk}/edit/",
        pledge_form_data(resolution=upload(with_open_action_javascript())),
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["resolution"])
    assert "contains JavaScript" in errors
    html = response.content.decode()
    assert 'value="Bart Somers"' in html and "We sign." in html
    pledge = Pledge.objects.get(pk=draft_pledge_a.pk)
    assert not pledge.resolution
    assert pledge.signatory_name == ""  # nothing of the refused save was stored


def test_the_pledge_form_refuses_a_resolution_with_html_appended(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    hostile = plain_pdf() + b"<html><script>alert(1)</script></html>"
    response = client.post(f"/en/pledges/{draft_pledge_a.pk}/edit/", pledge_form_data(resolution=upload(hostile)))
    assert response.status_code == 400
    assert "after its end" in " ".join(response.context["form"].errors["resolution"])
    assert not Pledge.objects.get(pk=draft_pledge_a.pk).resolution


def test_the_membership_request_refuses_a_letter_with_an_attachment_next_to_the_file(client, verified_user):
    mechelen = MunicipalityFactory(name="Mechelen")
    client.force_login(verified_user)
    response = client.post(
        reverse("accounts:membership_request"),
        {
            "municipality": mechelen.pk,
            "role": "mayor",
            "evidence_note": "I am the mayor's chief of staff.",
            "evidence_letter": upload(with_embedded_file(), "letter.pdf"),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "without attachments" in " ".join(form.errors["evidence_letter"])
    assert "I am the mayor&#x27;s chief of staff." in response.content.decode()
    assert not Membership.objects.filter(user=verified_user).exists()
