"""Campaign admins define the campaign's indicators in the admin: in every site language,
with a code checked like a commitment's, on their own page and inline under the commitment."""

import pytest

from pledges.monitoring.models import Indicator
from tests.factories import CampaignFactory, CommitmentFactory, StaffFactory
from tests.monitoring.conftest import make_indicator

pytestmark = pytest.mark.django_db

ADD_URL = "/en/admin/monitoring/indicator/add/"


@pytest.fixture
def admin_client(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def commitment():
    return CommitmentFactory(campaign=CampaignFactory(), code="RIGHTS-1")


def indicator_form(commitment, **overrides):
    data = {
        "commitment": commitment.pk,
        "code": "id-1",
        "kind": "count",
        "unit_en": "people",
        "higher_is_better": "on",
        "order": "1",
        "name_en": "People reached by the municipal ID card",
        "name_fr": "Personnes touchées par la carte d'identité municipale",
        "name_es": "Personas alcanzadas por la tarjeta de identidad municipal",
        "name_ar": "الأشخاص الذين وصلت إليهم بطاقة الهوية البلدية",
        "guidance_en": "",
        "sdg_targets": "10.7, 16.9",
        "gcm_objectives": "4",
    }
    data.update(overrides)
    return data


def test_an_admin_adds_a_translated_indicator(admin_client, commitment):
    response = admin_client.post(ADD_URL, indicator_form(commitment))
    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator = Indicator.objects.get()
    assert indicator.code == "ID-1" and indicator.municipality is None
    assert indicator.name_fr.startswith("Personnes") and indicator.name_ar
    assert indicator.sdg_targets == ["10.7", "16.9"] and indicator.gcm_objectives == [4]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"code": "bad code!"}, "code"), ({"gcm_objectives": "99"}, "gcm_objectives"), ({"kind": "money"}, "kind")],
)
def test_bad_indicators_are_refused(admin_client, commitment, overrides, field):
    response = admin_client.post(ADD_URL, indicator_form(commitment, **overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Indicator.objects.exists()


def test_a_code_is_used_once_per_commitment(admin_client, commitment):
    make_indicator(commitment, "ID-1", Indicator.Kind.COUNT)
    response = admin_client.post(ADD_URL, indicator_form(commitment, code="id-1"))
    assert response.status_code == 200
    assert "code" in response.context["adminform"].form.errors
    assert Indicator.objects.count() == 1


def test_the_commitment_page_lists_its_campaign_indicators_inline(admin_client, commitment, city_a):
    make_indicator(commitment, "ID-1", Indicator.Kind.COUNT, name="People reached")
    make_indicator(commitment, "OWN-9", Indicator.Kind.COUNT, name="A city's own", municipality=city_a)
    response = admin_client.get(f"/en/admin/campaign/commitment/{commitment.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "People reached" in page
    assert "A city&#x27;s own" not in page and "A city's own" not in page
