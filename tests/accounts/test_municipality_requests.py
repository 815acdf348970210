"""My municipality is not listed: an official asks for a missing place, a campaign admin
adds it, merges it with the listed place it duplicates, or refuses it with a reason."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Municipality, MunicipalityRequest
from accounts.search import search_municipalities
from accounts.services import (
    municipality_request_add,
    municipality_request_merge,
    municipality_request_refuse,
    municipality_request_submit,
)
from campaign.outbox.models import EmailDelivery
from tests.factories import MunicipalityFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

RIACE = {
    "name": "Riace",
    "country": "IT",
    "kind": "municipality",
    "latitude": 38.4181,
    "longitude": 16.4811,
    "population": 2300,
    "source": "https://www.istat.it/",
}


@pytest.fixture
def official(verified_user):
    return verified_user


@pytest.fixture
def admin():
    return StaffFactory(totp=True)


@pytest.fixture
def reggio():
    """A listed Italian place near Riace, whose time zone the new place takes."""
    return MunicipalityFactory(
        name="Reggio Calabria",
        country="IT",
        admin_region="13",
        latitude=38.11,
        longitude=15.66,
        time_zone="Europe/Rome",
    )


@pytest.fixture
def riace_request(official):
    return municipality_request_submit(actor=official, **RIACE)


def form_data(**changes):
    data = {key: str(value) for key, value in RIACE.items()}
    data.update(changes)
    return data


# --- asking -----------------------------------------------------------------------------------


def test_a_verified_official_asks_for_a_missing_place(official):
    place = municipality_request_submit(actor=official, **{**RIACE, "name": "  Riace  ", "country": "it"})

    place.refresh_from_db()
    assert (place.name, place.country, place.status) == ("Riace", "IT", "requested")
    assert (place.latitude, place.longitude, place.population) == (38.4181, 16.4811, 2300)
    assert place.requested_by == official
    assert not Municipality.objects.filter(name="Riace").exists()


def test_asking_needs_a_signed_in_verified_account():
    with pytest.raises(PermissionDenied):
        municipality_request_submit(actor=UserFactory(verified=False), **RIACE)
    with pytest.raises(PermissionDenied):
        municipality_request_submit(actor=AnonymousUser(), **RIACE)
    assert not MunicipalityRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"country": "XX"}, "country"),
        ({"latitude": 90.5}, "latitude"),
        ({"longitude": -180.5}, "longitude"),
        ({"population": -1}, "population"),
        ({"latitude": 0, "longitude": 0}, "latitude"),
        ({"source": ""}, "source"),
    ],
)
def test_a_request_with_wrong_data_is_refused_on_its_field(official, change, field):
    with pytest.raises(ValidationError) as error:
        municipality_request_submit(actor=official, **{**RIACE, **change})
    assert field in error.value.error_dict
    assert not MunicipalityRequest.objects.exists()


def test_asking_twice_for_the_same_place_is_refused(official, riace_request):
    with pytest.raises(ValidationError) as error:
        municipality_request_submit(actor=official, **{**RIACE, "name": "RIACE"})
    assert "name" in error.value.error_dict
    assert MunicipalityRequest.objects.count() == 1


# --- adding -----------------------------------------------------------------------------------


def test_adding_creates_a_searchable_place_and_tells_the_requester(
    official, admin, reggio, riace_request, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://pledge.example"
    official.preferred_language = "fr"
    official.save()
    MunicipalityFactory(name="Riace", country="IT", kind="regional", slug="riace-it")  # the slug is taken

    with django_capture_on_commit_callbacks(execute=True):
        riace = municipality_request_add(actor=admin, request=riace_request)

    riace.refresh_from_db()
    assert (riace.name, riace.country, riace.kind, riace.population) == ("Riace", "IT", "municipality", 2300)
    assert riace.time_zone == "Europe/Rome"
    assert riace.slug != "riace-it" and riace.slug.startswith("riace-")
    assert riace in search_municipalities("Riac")
    riace_request.refresh_from_db()
    assert (riace_request.status, riace_request.municipality, riace_request.decided_by) == ("added", riace, admin)
    assert riace_request.decided_at is not None
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [official.email]
    assert "Riace" in mail.subject
    assert f"https://pledge.example/fr/accounts/memberships/request/?municipality={riace.pk}" in mail.body
    assert 'lang="fr"' in mail.alternatives[0][0]


def test_a_place_far_from_any_listed_one_takes_the_time_zone_of_geonames_nearest_city(official, admin):
    place = municipality_request_submit(
        actor=official, **{**RIACE, "name": "Lampedusa", "latitude": 35.5, "longitude": 12.6}
    )
    lampedusa = municipality_request_add(actor=admin, request=place)
    assert lampedusa.time_zone == "Europe/Rome"


def test_the_admin_can_correct_the_time_zone(official, admin, riace_request):
    riace = municipality_request_add(actor=admin, request=riace_request, time_zone="Europe/Vatican")
    assert riace.time_zone == "Europe/Vatican"
    with pytest.raises(ValidationError):
        municipality_request_add(
            actor=admin,
            request=municipality_request_submit(actor=official, **{**RIACE, "name": "Stilo"}),
            time_zone="Mars/Olympus",
        )
    assert not Municipality.objects.filter(name="Stilo").exists()


def test_adding_a_place_already_listed_with_that_name_is_refused(official, admin, riace_request):
    MunicipalityFactory(name="Riace", country="IT", admin_region="", kind="municipality")

    with pytest.raises(ValidationError):
        municipality_request_add(actor=admin, request=riace_request)

    assert Municipality.objects.filter(name="Riace").count() == 1
    riace_request.refresh_from_db()
    assert riace_request.status == "requested"


# --- merging and refusing -----------------------------------------------------------------------


def test_merging_points_the_request_to_the_listed_place(
    official, admin, riace_request, mailoutbox, django_capture_on_commit_callbacks
):
    listed = MunicipalityFactory(name="Riace Marina", country="IT")

    with django_capture_on_commit_callbacks(execute=True):
        municipality_request_merge(actor=admin, request=riace_request, municipality=listed)

    riace_request.refresh_from_db()
    assert (riace_request.status, riace_request.municipality, riace_request.decided_by) == ("merged", listed, admin)
    assert not Municipality.objects.filter(name="Riace").exists()
    assert len(mailoutbox) == 1
    assert "Riace Marina" in mailoutbox[0].body
    assert f"?municipality={listed.pk}" in mailoutbox[0].body


def test_refusing_needs_a_reason_records_it_and_emails_it(
    official, admin, riace_request, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        municipality_request_refuse(actor=admin, request=riace_request, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        municipality_request_refuse(actor=admin, request=riace_request, reason="We found no such municipality.")

    riace_request.refresh_from_db()
    assert (riace_request.status, riace_request.reason, riace_request.decided_by) == (
        "refused",
        "We found no such municipality.",
        admin,
    )
    assert len(mailoutbox) == 1
    assert "We found no such municipality." in mailoutbox[0].body
    assert "We found no such municipality." in mailoutbox[0].alternatives[0][0]


def test_a_decided_request_cannot_be_decided_again(official, admin, riace_request):
    municipality_request_refuse(actor=admin, request=riace_request, reason="No.")

    with pytest.raises(ValidationError):
        municipality_request_add(actor=admin, request=riace_request)
    with pytest.raises(ValidationError):
        municipality_request_merge(actor=admin, request=riace_request, municipality=MunicipalityFactory())

    assert not Municipality.objects.filter(name="Riace").exists()
    assert EmailDelivery.objects.filter(template="municipality_request_decided").count() == 1


@pytest.mark.parametrize("who", ["official", "other_official", "staff_without_mfa", "anonymous"])
def test_only_another_campaign_admin_decides(who, official, riace_request, settings):
    settings.STAFF_REQUIRE_MFA = True
    actor = {
        "official": official,  # the requester: not staff, and nobody decides on their own request
        "other_official": UserFactory(),
        "staff_without_mfa": StaffFactory(),
        "anonymous": AnonymousUser(),
    }[who]
    listed = MunicipalityFactory()

    for decide in (
        lambda: municipality_request_add(actor=actor, request=riace_request),
        lambda: municipality_request_merge(actor=actor, request=riace_request, municipality=listed),
        lambda: municipality_request_refuse(actor=actor, request=riace_request, reason="No."),
    ):
        with pytest.raises(PermissionDenied):
            decide()

    riace_request.refresh_from_db()
    assert riace_request.status == "requested"
    assert not Municipality.objects.filter(name="Riace").exists()
    assert not EmailDelivery.objects.exists()


def test_an_admin_does_not_decide_on_their_own_request(admin):
    own = municipality_request_submit(actor=admin, **RIACE)
    with pytest.raises(PermissionDenied):
        municipality_request_add(actor=admin, request=own)
    with pytest.raises(PermissionDenied):
        municipality_request_refuse(actor=admin, request=own, reason="No.")
    assert not Municipality.objects.filter(name="Riace").exists()
    municipality_request_add(actor=StaffFactory(totp=True), request=own)  # another admin may


# --- the official's pages --------------------------------------------------------------------------


def test_the_membership_request_page_offers_the_link(client, official):
    client.force_login(official)
    page = client.get(reverse("accounts:membership_request")).content.decode()
    assert f'href="{reverse("accounts:municipality_request")}"' in page
    assert "My municipality is not listed" in page


def test_the_request_page_takes_the_name_typed_in_the_search(client, official):
    client.force_login(official)
    response = client.get(reverse("accounts:municipality_request"), {"name": "Riace"})
    assert response.status_code == 200
    assert 'value="Riace"' in response.content.decode()
    assert 'id="position-picker"' in response.content.decode()


def test_sending_the_form_records_the_request_and_shows_it_on_my_municipalities(client, official):
    client.force_login(official)

    response = client.post(reverse("accounts:municipality_request"), form_data(latitude="38,4181"))

    place = MunicipalityRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:memberships") + f"#place-request-{place.pk}"
    assert place.latitude == 38.4181  # a decimal comma is read as a point
    page = client.get(reverse("accounts:memberships")).content.decode()
    assert f'id="place-request-{place.pk}"' in page
    assert "Requested" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Enter the name of the municipality."),
        ({"country": "XX"}, "Choose a country from the list."),
        ({"latitude": "91"}, "Latitude must be between -90 and 90 degrees."),
        ({"longitude": "east"}, "Enter the longitude as a number of degrees, such as 16.48."),
        ({"population": "-5"}, "The population cannot be negative."),
        ({"source": ""}, "Say where these figures come from."),
    ],
)
def test_a_form_with_an_error_says_what_to_fix_and_saves_nothing(client, official, change, message):
    client.force_login(official)
    response = client.post(reverse("accounts:municipality_request"), form_data(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MunicipalityRequest.objects.exists()


def test_a_place_already_listed_is_shown_with_a_link_to_represent_it(client, official):
    listed = MunicipalityFactory(name="Riace", country="IT", admin_region="")
    client.force_login(official)

    response = client.post(reverse("accounts:municipality_request"), form_data(name="RIACE"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "is already listed in this country" in page
    assert f"{reverse('accounts:membership_request')}?municipality={listed.pk}" in page
    assert not MunicipalityRequest.objects.exists()

    # A different place of the same name: ticking the box sends the request anyway.
    response = client.post(reverse("accounts:municipality_request"), form_data(name="RIACE", distinct="on"))
    assert response.status_code == 302
    assert MunicipalityRequest.objects.filter(name="RIACE").exists()


def test_ask_to_represent_opens_with_the_place_chosen(client, official):
    listed = MunicipalityFactory(name="Riace", country="IT")
    client.force_login(official)
    page = client.get(reverse("accounts:membership_request"), {"municipality": listed.pk}).content.decode()
    assert f'value="{listed.pk}"' in page
    assert "Riace, Italy" in page


def test_an_added_place_is_offered_to_represent_on_my_municipalities(client, official, admin, riace_request):
    riace = municipality_request_add(actor=admin, request=riace_request)
    client.force_login(official)
    page = client.get(reverse("accounts:memberships")).content.decode()
    assert f"{reverse('accounts:membership_request')}?municipality={riace.pk}" in page


# --- the work queue ---------------------------------------------------------------------------


def test_the_queue_lists_pending_requests_with_their_count(client, admin, riace_request):
    client.force_login(admin)
    page = client.get(reverse("staff:municipality_requests")).content.decode()
    assert f'id="municipality-request-{riace_request.pk}"' in page
    assert "https://www.istat.it/" in page
    assert "Missing municipalities" in page
    dashboard = client.get(reverse("staff:dashboard")).content.decode()
    assert reverse("staff:municipality_requests") in dashboard


def test_the_queue_adds_a_place(client, admin, reggio, riace_request):
    client.force_login(admin)
    page = client.get(reverse("staff:municipality_requests")).content.decode()
    assert 'value="Europe/Rome"' in page  # the guessed time zone

    response = client.post(
        reverse("staff:municipality_request_add", args=[riace_request.pk]),
        {f"add-{riace_request.pk}-time_zone": "Europe/Rome"},
    )

    assert response.status_code == 302
    riace_request.refresh_from_db()
    assert riace_request.status == "added"
    assert riace_request.municipality.name == "Riace"


def test_the_queue_merges_with_a_listed_twin(client, admin, official):
    twin = MunicipalityFactory(name="Riace", country="IT", admin_region="")
    place = municipality_request_submit(actor=official, **RIACE)
    client.force_login(admin)
    page = client.get(reverse("staff:municipality_requests")).content.decode()
    assert f'name="merge-{place.pk}-municipality" value="{twin.pk}"' in page

    response = client.post(
        reverse("staff:municipality_request_merge", args=[place.pk]), {f"merge-{place.pk}-municipality": twin.pk}
    )

    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.status, place.municipality) == ("merged", twin)


def test_refusing_without_a_reason_redisplays_the_queue_with_the_error(client, admin, riace_request):
    client.force_login(admin)
    url = reverse("staff:municipality_request_refuse", args=[riace_request.pk])

    response = client.post(url, {f"refuse-{riace_request.pk}-reason": ""})

    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    riace_request.refresh_from_db()
    assert riace_request.status == "requested"

    response = client.post(url, {f"refuse-{riace_request.pk}-reason": "Not a local government."})
    assert response.status_code == 302
    riace_request.refresh_from_db()
    assert (riace_request.status, riace_request.reason) == ("refused", "Not a local government.")
