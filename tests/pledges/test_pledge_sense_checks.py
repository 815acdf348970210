"""Dates and lengths of a pledge are checked for sense (pledges/validators.py), through the
service and through the signing page: a council decision between the campaign's reference
texts and today for the city, target dates from the decision to the campaign's horizon,
and a statement of a few sentences."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.geo import local_today
from campaign.models import MECHELEN_DECLARATION_DATE
from pledges import services
from pledges.models import Pledge
from pledges.validators import STATEMENT_MAX_LENGTH, years_after
from tests.factories import CampaignFactory, MunicipalityFactory, UserFactory, approve_official

pytestmark = pytest.mark.django_db


def save(pledge, official, *, decided=None, statement="We sign.", targets=()):
    return services.pledge_save_draft(
        actor=official,
        pledge=pledge,
        signatory_name="Bart Somers",
        signatory_title="Mayor",
        council_decision_date=decided,
        statement=statement,
        chosen=[services.ChosenCommitment(commitment=c, target="A target", target_date=day) for c, day in targets],
    )


def refused(pledge, official, **kwargs) -> dict[str, list[ValidationError]]:
    with pytest.raises(ValidationError) as exc:
        save(pledge, official, **kwargs)
    return exc.value.error_dict


def codes(errors, field):
    return {error.code for error in errors[field]}


# --- the council decision ----------------------------------------------------------------


def test_a_campaign_takes_the_mechelen_declaration_and_ten_years_by_default():
    campaign = CampaignFactory()
    assert campaign.texts_adopted_on == MECHELEN_DECLARATION_DATE == date(2017, 11, 16)
    assert campaign.target_horizon_years == 10


def test_a_decision_dated_1899_is_refused_and_nothing_is_saved(draft_pledge_a, official_a):
    errors = refused(draft_pledge_a, official_a, decided=date(1899, 3, 1))
    assert codes(errors, "council_decision_date") == {"decision_too_early"}
    assert "cannot be dated before" in " ".join(errors["council_decision_date"][0].messages)
    pledge = Pledge.objects.get(pk=draft_pledge_a.pk)
    assert pledge.council_decision_date is None and pledge.signatory_name == ""


def test_a_decision_on_the_day_the_texts_were_adopted_is_accepted_the_day_before_is_not(draft_pledge_a, official_a):
    first_day = draft_pledge_a.campaign.texts_adopted_on
    errors = refused(draft_pledge_a, official_a, decided=first_day - timedelta(days=1))
    assert codes(errors, "council_decision_date") == {"decision_too_early"}
    assert save(draft_pledge_a, official_a, decided=first_day).council_decision_date == first_day


def test_the_campaigns_own_reference_date_counts(draft_pledge_a, official_a):
    campaign = draft_pledge_a.campaign
    campaign.texts_adopted_on = date.today() - timedelta(days=30)
    campaign.save()
    errors = refused(draft_pledge_a, official_a, decided=date.today() - timedelta(days=40))
    assert "council_decision_date" in errors
    assert save(draft_pledge_a, official_a, decided=date.today() - timedelta(days=20)).council_decision_date


def test_a_decision_in_the_future_is_refused_in_the_citys_own_time(campaign, required_commitments):
    """At 12:00 UTC Kiritimati (UTC+14) already lives tomorrow; Mechelen does not."""
    with time_machine.travel(datetime.combine(timezone.now().date(), time(12), tzinfo=UTC), tick=True):
        ahead = MunicipalityFactory(name="Kiritimati", country="KI", time_zone="Pacific/Kiritimati")
        behind = MunicipalityFactory(name="Mechelen", country="BE", time_zone="Europe/Brussels")
        tomorrow_on_the_server = timezone.now().date() + timedelta(days=1)
        assert local_today(ahead) == tomorrow_on_the_server
        pledges = {}
        for city in (ahead, behind):
            user = UserFactory(email=f"focal@{city.name.lower()}.example")
            approve_official(user, city)
            pledges[city.name] = (services.pledge_start(actor=user, campaign=campaign, municipality=city), user)

        pledge, official = pledges["Kiritimati"]
        assert save(pledge, official, decided=tomorrow_on_the_server).council_decision_date == tomorrow_on_the_server
        pledge, official = pledges["Mechelen"]
        errors = refused(pledge, official, decided=tomorrow_on_the_server)
        assert codes(errors, "council_decision_date") == {"decision_in_future"}


# --- target dates ------------------------------------------------------------------------


def test_a_target_before_the_council_decision_is_refused(draft_pledge_a, official_a, optional_commitments):
    decided = date.today() - timedelta(days=10)
    data_1 = optional_commitments[2]
    errors = refused(draft_pledge_a, official_a, decided=decided, targets=[(data_1, decided - timedelta(days=400))])
    assert codes(errors, f"target_date_{data_1.pk}") == {"target_too_early"}
    assert "before the council decision" in " ".join(errors[f"target_date_{data_1.pk}"][0].messages)


def test_without_a_decision_date_a_target_in_the_past_is_refused(draft_pledge_a, official_a, optional_commitments):
    data_1 = optional_commitments[2]
    errors = refused(draft_pledge_a, official_a, targets=[(data_1, date.today() - timedelta(days=2))])
    assert "in the past" in " ".join(errors[f"target_date_{data_1.pk}"][0].messages)


def test_a_target_in_9999_is_refused_the_last_day_of_the_horizon_is_accepted(
    draft_pledge_a, official_a, optional_commitments
):
    data_1 = optional_commitments[2]
    errors = refused(draft_pledge_a, official_a, targets=[(data_1, date(9999, 12, 31))])
    assert codes(errors, f"target_date_{data_1.pk}") == {"target_too_late"}
    assert "more than 10 years ahead" in " ".join(errors[f"target_date_{data_1.pk}"][0].messages)

    last_day = years_after(local_today(draft_pledge_a.municipality), 10)
    refused(draft_pledge_a, official_a, targets=[(data_1, last_day + timedelta(days=1))])
    pledge = save(draft_pledge_a, official_a, targets=[(data_1, last_day)])
    assert pledge.chosen.get(commitment=data_1).target_date == last_day


def test_the_campaigns_horizon_counts(draft_pledge_a, official_a, optional_commitments):
    campaign = draft_pledge_a.campaign
    campaign.target_horizon_years = 3
    campaign.save()
    data_1 = optional_commitments[2]
    errors = refused(draft_pledge_a, official_a, targets=[(data_1, date.today() + timedelta(days=4 * 365))])
    assert "more than 3 years ahead" in " ".join(errors[f"target_date_{data_1.pk}"][0].messages)


def test_years_after_a_29_february_is_the_28th():
    assert years_after(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert years_after(date(2028, 2, 29), 4) == date(2032, 2, 29)


# --- the statement -----------------------------------------------------------------------


def test_a_statement_of_10000_characters_is_refused(draft_pledge_a, official_a):
    errors = refused(draft_pledge_a, official_a, statement="Our city welcomes everyone. " * 358)
    assert codes(errors, "statement") == {"statement_too_long"}
    message = " ".join(errors["statement"][0].messages)
    assert f"at most {STATEMENT_MAX_LENGTH} characters" in message
    assert Pledge.objects.get(pk=draft_pledge_a.pk).statement == ""


def test_a_statement_at_the_limit_is_accepted_a_line_break_counting_one(draft_pledge_a, official_a):
    text = "a" * 500 + "\r\n" + "b" * 499  # 1,001 characters as sent by a browser, 1,000 as counted
    assert save(draft_pledge_a, official_a, statement=text).statement == text
    refused(draft_pledge_a, official_a, statement=text + "c")


def test_the_model_refuses_a_long_statement_too():
    with pytest.raises(ValidationError):
        Pledge._meta.get_field("statement").run_validators("x" * (STATEMENT_MAX_LENGTH + 1))


# --- over HTTP ---------------------------------------------------------------------------


def test_the_page_refuses_absurd_dates_and_a_long_statement_and_keeps_everything_typed(
    client, draft_pledge_a, official_a, optional_commitments
):
    data_1 = optional_commitments[2]
    long_statement = "Our city welcomes everyone. " * 358
    client.force_login(official_a)
    response = client.post(
        f"/en/pledges/{draft_pledge_a.pk}/edit/",
        {
            "signatory_name": "Bart Somers",
            "signatory_title": "Mayor",
            "council_decision_date": "1899-03-01",
            "statement": long_statement,
            f"chosen_{data_1.pk}": "on",
            f"target_{data_1.pk}": "A yearly census",
            f"target_date_{data_1.pk}": "9999-12-31",
            "save": "1",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "cannot be dated before" in " ".join(form.errors["council_decision_date"])
    assert "beyond the campaign's horizon" in " ".join(form.errors[f"target_date_{data_1.pk}"])
    assert f"at most {STATEMENT_MAX_LENGTH} characters" in " ".join(form.errors["statement"])
    html = response.content.decode()
    assert 'value="1899-03-01"' in html and 'value="9999-12-31"' in html
    assert long_statement.strip() in html and "A yearly census" in html
    pledge = Pledge.objects.get(pk=draft_pledge_a.pk)
    assert pledge.council_decision_date is None and pledge.statement == ""


def test_the_page_states_the_limits(client, draft_pledge_a, official_a, optional_commitments):
    client.force_login(official_a)
    html = client.get(f"/en/pledges/{draft_pledge_a.pk}/edit/").content.decode()
    today = local_today(draft_pledge_a.municipality)
    assert f"At most {STATEMENT_MAX_LENGTH} characters." in html
    assert f'data-char-limit="{STATEMENT_MAX_LENGTH}"' in html
    assert "maxlength" not in html.split('name="statement"')[1].split(">")[0]  # a paste is never cut
    assert "js/char-count" in html
    assert f'min="{MECHELEN_DECLARATION_DATE.isoformat()}"' in html and f'max="{today.isoformat()}"' in html
    assert f'max="{years_after(today, 10).isoformat()}"' in html
    assert "not before Nov. 16, 2017, nor in the future" in html


def test_a_sound_pledge_still_saves_over_http(client, draft_pledge_a, official_a, optional_commitments):
    data_1 = optional_commitments[2]
    decided = date.today() - timedelta(days=5)
    target = date.today() + timedelta(days=3 * 365)
    client.force_login(official_a)
    response = client.post(
        f"/en/pledges/{draft_pledge_a.pk}/edit/",
        {
            "signatory_name": "Bart Somers",
            "signatory_title": "Mayor",
            "council_decision_date": decided.isoformat(),
            "statement": "Mechelen is a city for everyone.",
            f"chosen_{data_1.pk}": "on",
            f"target_date_{data_1.pk}": target.isoformat(),
            "save": "1",
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get(pk=draft_pledge_a.pk)
    assert pledge.council_decision_date == decided
    assert pledge.chosen.get(commitment=data_1).target_date == target
