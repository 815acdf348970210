"""Guessing passwords: after the configured number of failures the account stops answering."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """reverse() follows the active language, which the previous test's last request leaves behind."""
    translation.activate("en")
    yield
    translation.activate("en")


TOO_MANY = "Too many failed login attempts. Try again later."
WRONG = "The email address and/or password you specified are not correct."


def failures_allowed(rule: str) -> int:
    """'10/m/ip,5/5m/key' -> 5: from one address, against one account, the lowest bound wins."""
    return min(int(part.split("/")[0]) for part in rule.split(","))


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_failures_allowed_reads_the_rule():
    assert failures_allowed("10/m/ip,5/5m/key") == 5
    assert failures_allowed("3/5m/key") == 3


@pytest.mark.parametrize("rule", [None, "3/5m/key"], ids=["configured", "overridden"])
def test_login_is_refused_after_the_configured_number_of_failures(client, settings, verified_user, password, rule):
    if rule:
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": rule}
    allowed = failures_allowed(settings.ACCOUNT_RATE_LIMITS["login_failed"])

    for attempt in range(allowed):
        response = log_in(client, verified_user.email, f"wrong-guess-{attempt}")
        assert response.status_code == 200
        body = response.content.decode()
        assert WRONG in body, f"attempt {attempt + 1} was already limited"
        assert TOO_MANY not in body

    limited = log_in(client, verified_user.email, "wrong-guess-again")
    # allauth answers with the login form again (200), carrying the error.
    assert limited.status_code == 200
    assert TOO_MANY in limited.content.decode()

    # While limited, even the right password does not open the account.
    correct = log_in(client, verified_user.email, password)
    assert correct.status_code == 200
    assert TOO_MANY in correct.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_limit_is_per_account(client, verified_user, password):
    from tests.factories import UserFactory

    other = UserFactory(password=password)
    allowed = failures_allowed("5/5m/key")
    for attempt in range(allowed):
        log_in(client, verified_user.email, f"wrong-guess-{attempt}")
    assert TOO_MANY in log_in(client, verified_user.email, password).content.decode()

    # Another account, from the same address, is not locked out by those failures.
    response = log_in(client, other.email, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_a_successful_login_does_not_count_as_a_failure(client, verified_user, password):
    allowed = failures_allowed("5/5m/key")
    for _ in range(allowed + 2):
        response = log_in(client, verified_user.email, password)
        assert response.status_code == 302
        client.logout()
