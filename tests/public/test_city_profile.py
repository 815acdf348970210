"""The public city profile and the list of signatories show only what is public."""

import pytest
from django.core.exceptions import ValidationError

from pledges import services
from pledges.models import ProgressUpdate
from tests.factories import STATEMENT_A, CampaignFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def profile(client, city, language="en"):
    return client.get(f"/{language}/cities/{city.slug}/")


def fill_report(official, report, narrative, status=ProgressUpdate.Status.IN_PROGRESS):
    updates = [
        services.UpdateInput(chosen_id=u.chosen_id, status=status, narrative=narrative) for u in report.updates.all()
    ]
    return services.report_save(actor=official, report=report, updates=updates)


def test_profile_of_a_verified_pledge(client, verified_pledge_a, city_a):
    response = profile(client, city_a)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mechelen" in html and "Belgium" in html and "Flanders" in html and "86,000" in html
    assert "Cities for the rights of migrants" in html
    assert STATEMENT_A in html
    assert "Bart Somers" in html and "Mayor of Mechelen" in html
    assert "Health care for everyone" in html and "Every resident has a family doctor" in html
    assert "Equal rights" in html  # required commitment
    assert "SDG 10.7" in html  # badges
    assert "Schools for every child" not in html  # not chosen
    assert "Verified signatory" in html


@pytest.mark.parametrize("fixture", ["draft_pledge_a", "ready_pledge_a", "submitted_pledge_a"])
def test_no_profile_before_verification(client, request, fixture, city_a):
    request.getfixturevalue(fixture)
    assert profile(client, city_a).status_code == 404


def test_no_profile_for_a_rejected_pledge(client, submitted_pledge_a, staff_admin, city_a):
    services.pledge_reject(actor=staff_admin, pledge=submitted_pledge_a, reason="Unsigned")
    assert profile(client, city_a).status_code == 404


def test_unknown_city_is_404(client, db):
    assert client.get("/en/cities/nowhere-xx/").status_code == 404


def test_a_draft_pledge_of_another_campaign_does_not_leak(client, verified_pledge_a, city_a, official_a):
    other = CampaignFactory(slug="second-campaign", title_en="Second campaign")
    draft = services.pledge_start(actor=official_a, campaign=other, municipality=city_a)
    services.pledge_save_draft(
        actor=official_a,
        pledge=draft,
        signatory_name="",
        signatory_title="",
        council_decision_date=None,
        statement="SECRET DRAFT STATEMENT",
        chosen=[],
    )
    html = profile(client, city_a).content.decode()
    assert STATEMENT_A in html
    assert "SECRET DRAFT STATEMENT" not in html
    assert "Second campaign" not in html


def test_withdrawn_pledge_shows_when(client, verified_pledge_a, official_a, city_a):
    services.pledge_withdraw(actor=official_a, pledge=verified_pledge_a, reason="Private reason")
    html = profile(client, city_a).content.decode()
    assert "Withdrawn on" in html
    assert "Private reason" not in html


def test_withdrawn_before_verification_is_not_public(client, submitted_pledge_a, official_a, city_a):
    services.pledge_withdraw(actor=official_a, pledge=submitted_pledge_a, reason="Mistake")
    assert profile(client, city_a).status_code == 404


def test_timeline_shows_the_submitted_version_not_later_draft_edits(
    client, verified_pledge_a, official_a, city_a, current_period, past_period, django_capture_on_commit_callbacks
):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    fill_report(official_a, report, "Opened a welcome desk")
    services.report_submit(actor=official_a, report=report)
    # Edits saved after submission stay private until submitted again.
    fill_report(official_a, report, "UNPUBLISHED DRAFT EDIT", status=ProgressUpdate.Status.ACHIEVED)
    # Last year's period was due before the city joined: it owes no report for it.
    with pytest.raises(ValidationError):
        services.report_open(actor=official_a, pledge=verified_pledge_a, period=past_period)

    html = profile(client, city_a).content.decode()
    assert "This year" in html
    assert "Opened a welcome desk" in html
    assert "In progress" in html
    assert "On time" in html
    assert "Submitted on" in html
    assert "UNPUBLISHED DRAFT EDIT" not in html
    # Last year's period is on the timeline (due before the city joined), with no report.
    assert "Status of each commitment in the report for Last year" not in html
    assert "Status of each commitment in the report for This year" in html
    assert "Before the city joined" in html

    # Submitting again publishes the correction, as soon as it is committed.
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(actor=official_a, report=report)
    html = profile(client, city_a).content.decode()
    assert "UNPUBLISHED DRAFT EDIT" in html
    assert "Opened a welcome desk" not in html
    assert "corrected on" in html


def test_commitment_titles_in_the_visitors_language(client, verified_pledge_a, city_a, optional_commitments):
    commitment = optional_commitments[0]
    commitment.title_fr = "Des soins de santé pour tous"
    commitment.save()
    html = profile(client, city_a, "fr").content.decode()
    assert "Des soins de santé pour tous" in html
    assert "Health care for everyone" not in html


# --- the list of signatories -------------------------------------------------------------


def test_list_shows_verified_signatories_only(client, verified_pledge_a, city_a, city_b, official_b, campaign):
    services.pledge_start(actor=official_b, campaign=campaign, municipality=city_b)  # a draft for Lyon
    response = client.get("/en/cities/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/en/cities/{city_a.slug}/"' in html
    assert "Belgium" in html
    assert "Lyon" not in html


def test_list_search_by_name_in_any_spelling(client, verified_pledge_a, city_a):
    city_a.alternate_names = ["Malines"]
    city_a.save()
    assert "Mechelen" in client.get("/en/cities/?q=malines").content.decode()
    assert "Mechelen" in client.get("/en/cities/?q=Mech").content.decode()
    html = client.get("/en/cities/?q=Beirut").content.decode()
    assert f'href="/en/cities/{city_a.slug}/"' not in html
    assert "No signatory matches" in html


def test_list_is_empty_without_verified_pledges(client, db):
    MunicipalityFactory()
    assert "No city has been verified" in client.get("/en/cities/").content.decode()


# --- sharing, the period timeline and a fixed number of queries ------------------------------


def test_open_graph_and_share_links(client, verified_pledge_a, city_a):
    html = profile(client, city_a).content.decode()
    url = f"http://testserver/en/cities/{city_a.slug}/"
    assert '<meta property="og:title" content="Mechelen signed the pledge">' in html
    assert '<meta property="og:description" content="Mechelen\'s pledge' in html
    assert f'<meta property="og:url" content="{url}">' in html
    quoted = "http%3A//testserver/en/cities/" + city_a.slug + "/"
    assert f"https://www.facebook.com/sharer/sharer.php?u={quoted}" in html
    assert "https://twitter.com/intent/tweet?text=" in html
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={quoted}" in html
    assert 'href="mailto:?subject=' in html
    assert 'id="copy-link"' in html
    assert '<script src="http' not in html  # no third-party script


def test_profile_shows_where_the_city_is(client, verified_pledge_a, city_a):
    html = profile(client, city_a).content.decode()
    assert "Europe" in html  # continent next to the country
    assert 'data-lat="51.0" data-lon="4.5"' in html  # the small map
    assert '<noscript><p class="p-2 small">51.0000, 4.5000</p></noscript>' in html  # its coordinates without JS


def test_period_timeline_states(
    client, verified_pledge_a, official_a, city_a, past_period, current_period, future_period
):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    fill_report(official_a, report, "Done")
    services.report_submit(actor=official_a, report=report)
    html = profile(client, city_a).content.decode()
    timeline = html[html.index('class="period-timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.index("Last year") < timeline.index("This year") < timeline.index("Next year")
    assert 'class="state-not_owed"' in timeline
    assert 'class="state-on_time"' in timeline and "Reported on time" in timeline
    assert 'class="state-upcoming"' in timeline and "Upcoming" in timeline


def test_fixed_number_of_queries_whatever_the_number_of_reports(
    client, verified_pledge_a, official_a, city_a, campaign, django_assert_num_queries
):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pledges.models import ProgressReport, ReportVersion
    from tests.factories import ReportingPeriodFactory

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert profile(client, city_a).status_code == 200
        return len(queries)

    def add_reports(years):
        for year in years:
            period = ReportingPeriodFactory(
                campaign=campaign, label_en=f"Y{year}", opens=date(year, 1, 1), due=date(year, 12, 1)
            )
            r = ProgressReport.objects.create(pledge=verified_pledge_a, period=period, status="submitted", version=2)
            for number in (1, 2):
                ReportVersion.objects.create(
                    report=r,
                    number=number,
                    submitted_at=verified_pledge_a.verified_at,
                    published_at=verified_pledge_a.verified_at,
                    content={"updates": []},
                )

    add_reports([2001])
    one = count()
    add_reports(range(2002, 2012))
    assert count() == one
