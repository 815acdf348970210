"""The files of a published action download, as attachments that browsers do not sniff;
the files of a draft, a submitted or a returned action answer 404."""

import pytest
from django.urls import reverse

from pledges.learning.models import LocalAction
from tests.factories import CampaignFactory, MunicipalityFactory, make_pdf_bytes
from tests.public.library_helpers import add_file, make_action, set_state

pytestmark = pytest.mark.django_db

State = LocalAction.State


@pytest.fixture
def campaign(db):
    return CampaignFactory(slug="files", status="open")


@pytest.fixture
def city(db):
    return MunicipalityFactory(name="Mechelen", country="BE")


def download(client, upload):
    return client.get(reverse("library:file", kwargs={"pk": upload.action_id, "file_pk": upload.pk}))


def test_a_published_actions_pdf_downloads(client, campaign, city):
    action = make_action(campaign, city)
    upload = add_file(action, content=make_pdf_bytes(), name="Plan d’action.pdf")
    response = download(client, upload)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert "Plan" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == make_pdf_bytes()
    assert "public" not in response["Cache-Control"]


def test_an_image_downloads_with_its_type(client, campaign, city):
    upload = add_file(
        make_action(campaign, city), kind="image", content=b"\x89PNG\r\n", name="desk.png", content_type="image/png"
    )
    response = download(client, upload)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.RETURNED])
def test_files_of_unpublished_actions_are_not_found(client, campaign, city, state):
    upload = add_file(make_action(campaign, city, state=state), content=make_pdf_bytes())
    assert download(client, upload).status_code == 404


def test_a_file_is_gone_once_its_action_is_unpublished(client, campaign, city):
    action = make_action(campaign, city)
    upload = add_file(action, content=make_pdf_bytes())
    assert download(client, upload).status_code == 200
    set_state(action, State.RETURNED)
    assert download(client, upload).status_code == 404


def test_a_file_of_another_action_is_not_found(client, campaign, city):
    one = make_action(campaign, city)
    other = add_file(make_action(campaign, city, state=State.DRAFT), content=make_pdf_bytes())
    response = client.get(reverse("library:file", kwargs={"pk": one.pk, "file_pk": other.pk}))
    assert response.status_code == 404


def test_a_file_of_a_draft_campaign_is_not_found(client, city):
    action = make_action(CampaignFactory(slug="draft-files", status="draft"), city)
    assert download(client, add_file(action, content=make_pdf_bytes())).status_code == 404


def test_a_missing_stored_file_is_not_found(client, campaign, city):
    upload = add_file(make_action(campaign, city), content=make_pdf_bytes())
    upload.file.storage.delete(upload.file.name)
    assert download(client, upload).status_code == 404
