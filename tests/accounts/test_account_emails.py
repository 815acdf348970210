"""The accounts library's (allauth's) emails: in our layout, with a text and an HTML part, signed
by the site's name, in our own formal words, in the language of the account they go to, and
greeting the person by name (or neutrally, never by their address).

The French, Spanish and Arabic words asserted here are this project's own translations
(locale/*/django.po), not allauth's catalogue.
"""

import re
from pathlib import Path
from urllib.parse import urlparse

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.models import Site
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from campaign.outbox.emails import queue_email
from tests.factories import UserFactory, add_confirmed_address

pytestmark = pytest.mark.django_db

PREFIX = "[Cities for Migration] "
ALLAUTH_TEMPLATES = Path(allauth.__file__).resolve().parent / "templates"
OUR_TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Every email allauth's installed apps can send, as the installed version ships them (a new
# one fails below). allauth.socialaccount, whose two emails are not overridden, is not installed.
ALLAUTH_EMAILS = sorted(
    str(path.relative_to(ALLAUTH_TEMPLATES))[: -len("_subject.txt")]
    for app in ("account", "mfa")
    for path in ALLAUTH_TEMPLATES.glob(f"{app}/email/*_subject.txt")
)
NOTIFICATIONS = {
    "account/email/email_changed": {"from_email": "old@ville.example", "to_email": "new@ville.example"},
    "account/email/email_confirm": {},
    "account/email/email_deleted": {"deleted_email": "old@ville.example"},
    "account/email/password_changed": {},
    "account/email/password_reset": {},
    "account/email/password_set": {},
    "mfa/email/recovery_codes_generated": {},
    "mfa/email/totp_activated": {},
    "mfa/email/totp_deactivated": {},
    "mfa/email/webauthn_added": {},
    "mfa/email/webauthn_removed": {},
}
# The French subject and sentence of each notification.
FRENCH_NOTIFICATIONS = {
    "account/email/email_changed": (
        "Votre adresse e-mail a été modifiée",
        "L’adresse e-mail de votre compte a été remplacée\u00a0: old@ville.example devient new@ville.example.",
    ),
    "account/email/email_confirm": (
        "Votre adresse e-mail est confirmée",
        "Votre adresse e-mail elodie.fontaine@ville.example a été confirmée.",
    ),
    "account/email/email_deleted": (
        "Une adresse e-mail a été retirée de votre compte",
        "L’adresse old@ville.example a été retirée de votre compte.",
    ),
    "account/email/password_changed": ("Votre mot de passe a été modifié", "Votre mot de passe a été modifié."),
    "account/email/password_reset": ("Votre mot de passe a été réinitialisé", "Votre mot de passe a été réinitialisé."),
    "account/email/password_set": (
        "Un mot de passe a été défini pour votre compte",
        "Un mot de passe a été défini pour votre compte.",
    ),
    "mfa/email/recovery_codes_generated": (
        "De nouveaux codes de récupération ont été créés",
        "Les codes précédents ne fonctionnent plus.",
    ),
    "mfa/email/totp_activated": (
        "L’authentification à deux facteurs est activée",
        "L’authentification à deux facteurs par application d’authentification a été activée.",
    ),
    "mfa/email/totp_deactivated": (
        "L’authentification à deux facteurs est désactivée",
        "L’authentification à deux facteurs par application d’authentification a été désactivée.",
    ),
    "mfa/email/webauthn_added": (
        "Une clé de sécurité a été ajoutée",
        "Une nouvelle clé de sécurité a été ajoutée à votre compte.",
    ),
    "mfa/email/webauthn_removed": (
        "Une clé de sécurité a été retirée",
        "Une clé de sécurité a été retirée de votre compte.",
    ),
}
SIGNATURE = {
    "en": "The Cities for Migration campaign team",
    "fr": "L’équipe de campagne Cities for Migration",
    "es": "El equipo de la campaña Cities for Migration",
    "ar": "فريق حملة Cities for Migration",
}
# Words of the familiar register; the site writes vous / usted.
INFORMAL = {
    "fr": re.compile(r"\b(tu|toi|ton|tes|te)\b", re.IGNORECASE),
    "es": re.compile(r"\b(tú|tu|tus|te|ti|contigo|tienes|puedes|has olvidado)\b", re.IGNORECASE),
}
URL = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def _english():
    """reverse() follows the active language, which the previous test's last request leaves behind."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def elodie(db):
    return UserFactory(email="elodie.fontaine@ville.example", full_name="Élodie Fontaine", preferred_language="fr")


@pytest.fixture
def mercedes(db):
    return UserFactory(email="alcaldia@ciudad.example", full_name="Mercedes Ruiz", preferred_language="es")


@pytest.fixture
def leila(db):
    """An official of Tunis whose account speaks Arabic."""
    return UserFactory(email="official@tunis.example", full_name="ليلى بن علي", preferred_language="ar")


def html_of(message) -> str:
    assert message.alternatives, "no HTML part"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return html


def assert_ours(message, language: str) -> str:
    """Our layout, in `language`, named by the site's name: never allauth's default words, nor
    the Sites row's domain as a signature. Returns the HTML."""
    html = html_of(message)
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    # The layout's header: the site's name, linking to the home page in that language.
    assert f'<a href="{settings.SITE_URL}/{language}/"' in html
    assert "Cities for Migration</a>" in html
    assert "border-bottom: 4px solid #0d6efd" in html
    assert message.subject.startswith(PREFIX)
    assert SIGNATURE[language] in html
    assert SIGNATURE[language] in message.body
    for leftover in ("Hello from", "Thank you for using", "example.com", "You're receiving"):
        assert leftover not in message.body
        assert leftover not in html
    # Signed by the team, and no line that is only a domain (allauth signed with "127.0.0.1:8000").
    lines = [line.strip() for line in message.body.splitlines()]
    assert urlparse(settings.SITE_URL).netloc not in [line for line in lines if "://" not in line]
    if language in INFORMAL:
        words = URL.sub("", message.body) + URL.sub("", re.sub(r"<[^>]+>", " ", html))
        assert not INFORMAL[language].search(words), INFORMAL[language].search(words)
    return html


def link_path(body: str, fragment: str) -> str:
    for url in URL.findall(body):
        if fragment in url:
            return urlparse(url).path
    raise AssertionError(f"no link with {fragment!r} in:\n{body}")


def send_through_the_adapter(prefix: str, email: str, context: dict, *, path="/en/", notification_for=None):
    """As allauth does, within a request (in the language of `path`)."""
    request = RequestFactory().get(path, HTTP_USER_AGENT="Firefox/140.0")
    with allauth_context.request_context(request), translation.override(path.strip("/").split("/")[0]):
        adapter = get_adapter(request)
        if notification_for is not None:
            adapter.send_notification_mail(prefix, notification_for, context)
        else:
            adapter.send_mail(prefix, email, context)


# --- every email allauth can send is ours -----------------------------------------------


def test_allauth_still_ships_the_emails_we_override():
    assert "account/email/email_confirmation_signup" in ALLAUTH_EMAILS
    assert "account/email/password_reset_key" in ALLAUTH_EMAILS
    assert "mfa/email/totp_activated" in ALLAUTH_EMAILS
    assert len(ALLAUTH_EMAILS) == 18
    # Its social accounts would send emails of their own, not yet in our layout.
    assert "allauth.socialaccount" not in settings.INSTALLED_APPS


@pytest.mark.parametrize("prefix", ALLAUTH_EMAILS)
def test_every_allauth_email_has_our_subject_text_and_html(prefix):
    for suffix in ("_subject.txt", "_message.txt", "_message.html"):
        origin = Path(get_template(prefix + suffix).origin.name).resolve()
        assert origin.is_relative_to(OUR_TEMPLATES), f"{prefix}{suffix} comes from {origin}"


@pytest.mark.parametrize("prefix", ALLAUTH_EMAILS)
def test_every_allauth_email_renders_in_our_layout_and_greets_by_name(prefix, mailoutbox, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    user = UserFactory(email="amina@ville.example", full_name="Amina Diallo", preferred_language="en")
    context = {
        "user": user,
        "code": "7QK2-MX",
        "activate_url": f"{settings.SITE_URL}/en/accounts/confirm-email/abc/",
        "password_reset_url": f"{settings.SITE_URL}/en/accounts/password/reset/key/1-abc/",
        "signup_url": f"{settings.SITE_URL}/en/accounts/signup/",
        **NOTIFICATIONS.get(prefix, {}),
    }
    if prefix in NOTIFICATIONS:
        send_through_the_adapter(prefix, user.email, NOTIFICATIONS[prefix], notification_for=user)
    else:
        send_through_the_adapter(prefix, user.email, context)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    html = assert_ours(message, "en")
    assert message.body.startswith("Dear Amina Diallo,")
    assert "Dear Amina Diallo," in html
    assert len(message.subject) > len(PREFIX)
    # Its <title> is its subject.
    assert f"<title>{message.subject.removeprefix(PREFIX)}</title>" in html


def test_the_sites_row_bears_the_site_name_not_a_domain():
    """allauth's own fallbacks read the Sites row: campaign/apps.py keeps it in step after every
    migrate (a data migration would run once and not follow SITE_URL)."""
    site = Site.objects.get_current()
    assert site.name == settings.SITE_NAME == "Cities for Migration"
    assert site.domain == urlparse(settings.SITE_URL).netloc


# --- each path, in the recipient's language ---------------------------------------------


def test_signup_confirmation_in_french_greets_the_new_official_by_name(client, mailoutbox, password):
    client.post(
        "/fr/accounts/signup/",
        {
            "full_name": "  Élodie   Fontaine ",
            "email": "elodie.fontaine@ville.example",
            "password1": password,
            "password2": password,
        },
    )

    assert User.objects.get(email="elodie.fontaine@ville.example").full_name == "Élodie Fontaine"
    message = mailoutbox[0]
    html = assert_ours(message, "fr")
    assert message.subject == PREFIX + "Confirmez votre adresse e-mail pour ouvrir votre compte"
    assert message.body.startswith("Bonjour Élodie Fontaine,")
    assert "Bonjour Élodie Fontaine," in html
    assert "elodie.fontaine@" not in message.body.splitlines()[0]
    assert "Merci d’avoir créé un compte sur Cities for Migration" in message.body
    assert "Pour confirmer que cette adresse est la vôtre, ouvrez ce lien\u00a0:" in html
    assert ">Confirmer mon adresse e-mail</a>" in html
    path = link_path(message.body, "/confirm-email/")
    assert path.startswith("/fr/accounts/confirm-email/")
    assert f'href="{settings.SITE_URL}{path}"' in html, html


def test_password_reset_is_written_in_the_account_language_not_the_page(client, mailoutbox, mercedes):
    client.post("/en/accounts/password/reset/", {"email": mercedes.email})

    assert [m.to for m in mailoutbox] == [[mercedes.email]]
    message = mailoutbox[0]
    html = assert_ours(message, "es")
    assert message.subject == PREFIX + "Elegir una nueva contraseña"
    assert message.body.startswith("Estimado/a Mercedes Ruiz:")
    assert "Alguien, probablemente usted, ha solicitado restablecer la contraseña de su cuenta" in message.body
    assert ">Elegir una nueva contraseña</a>" in html
    # The link leads to the Spanish pages, and works.
    path = link_path(message.body, "/password/reset/key/")
    assert path.startswith("/es/accounts/password/reset/key/")
    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert 'name="password1"' in page.content.decode()


def test_an_arabic_official_adding_an_address_reads_arabic_right_to_left(client, mailoutbox, leila):
    client.force_login(leila)

    client.post(reverse("account_email"), {"action_add": "", "email": "second@tunis.example"})

    assert [m.to for m in mailoutbox] == [["second@tunis.example"]]
    message = mailoutbox[0]
    html = assert_ours(message, "ar")
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert message.subject != PREFIX + "Confirm your email address"
    assert message.subject == PREFIX + "يُرجى تأكيد عنوان بريدكم الإلكتروني"
    assert message.body.startswith("حضرة ليلى بن علي المحترم(ة)،")
    assert "لقد أضفتم العنوان second@tunis.example إلى حسابكم في Cities for Migration." in message.body
    assert link_path(message.body, "/confirm-email/").startswith("/ar/accounts/confirm-email/")


def test_someone_signing_up_with_a_taken_address_warns_its_owner_in_their_language(client, mailoutbox, leila, password):
    client.post(
        "/en/accounts/signup/",
        {"full_name": "Someone", "email": leila.email, "password1": password, "password2": password},
    )

    assert User.objects.filter(email=leila.email).count() == 1
    message = mailoutbox[0]
    assert message.to == [leila.email]
    html = assert_ours(message, "ar")
    assert message.subject == PREFIX + "لديكم حساب بالفعل"
    assert "حضرة ليلى بن علي المحترم(ة)،" in html
    assert link_path(message.body, "/password/reset/").startswith("/ar/accounts/password/reset/")


def test_an_unknown_address_is_answered_in_the_page_language_with_a_neutral_greeting(client, mailoutbox):
    client.post("/fr/accounts/password/reset/", {"email": "personne@nulle-part.example"})

    message = mailoutbox[0]
    assert message.to == ["personne@nulle-part.example"]
    html = assert_ours(message, "fr")
    assert message.subject == PREFIX + "Aucun compte n’utilise cette adresse"
    assert message.body.startswith("Bonjour,\n")
    assert "Bonjour personne" not in message.body
    assert "a essayé d’utiliser l’adresse personne@nulle-part.example sur Cities for Migration" in html
    assert link_path(message.body, "/signup/").startswith("/fr/accounts/signup/")


def test_a_sign_in_code_goes_in_the_language_of_the_account_it_is_for(mailoutbox, mercedes):
    # allauth names no user for this email: the adapter finds the account by its address.
    send_through_the_adapter("account/email/login_code", mercedes.email, {"code": "7QK2-MX"}, path="/en/")

    message = mailoutbox[0]
    html = assert_ours(message, "es")
    assert message.subject == PREFIX + "Su código de inicio de sesión"
    assert message.body.startswith("Estimado/a Mercedes Ruiz:")
    assert "Este es su código para iniciar sesión en Cities for Migration." in message.body
    assert "\n7QK2-MX\n" in message.body
    assert 'dir="ltr">7QK2-MX</p>' in html


def test_an_email_to_another_address_of_an_account_speaks_its_language(mailoutbox, leila):
    add_confirmed_address(leila, "mairie@tunis.example")

    send_through_the_adapter("account/email/login_code", "mairie@tunis.example", {"code": "7QK2-MX"}, path="/fr/")

    message = mailoutbox[0]
    assert message.to == ["mairie@tunis.example"]
    assert_ours(message, "ar")
    assert message.subject == PREFIX + "رمز تسجيل الدخول الخاص بكم"
    assert message.body.startswith("حضرة ليلى بن علي المحترم(ة)،")


@pytest.mark.parametrize("prefix", sorted(NOTIFICATIONS))
def test_each_notice_of_a_change_speaks_the_account_language(prefix, mailoutbox, settings, elodie):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True

    # The page is in English; the account speaks French.
    send_through_the_adapter(prefix, "", NOTIFICATIONS[prefix], notification_for=elodie)

    message = mailoutbox[0]
    html = assert_ours(message, "fr")
    subject, sentence = FRENCH_NOTIFICATIONS[prefix]
    assert message.subject == PREFIX + subject
    assert message.body.startswith("Bonjour Élodie Fontaine,")
    assert sentence in message.body
    assert "Adresse IP\u00a0: 127.0.0.1" in message.body
    assert "Navigateur\u00a0: Firefox/140.0" in message.body
    assert f"{settings.SITE_URL}/fr/accounts/password/reset/" in html


def test_changing_the_password_notifies_in_the_account_language(client, mailoutbox, settings, mercedes, password):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.force_login(mercedes)

    response = client.post(
        "/en/accounts/password/change/",
        {
            "oldpassword": password,
            "password1": "otra-Frase-bastante-larga-8",
            "password2": "otra-Frase-bastante-larga-8",
        },
    )

    assert response.status_code == 302
    message = mailoutbox[0]
    assert_ours(message, "es")
    assert message.subject == PREFIX + "Su contraseña ha sido modificada"
    assert "Acaba de realizarse el siguiente cambio en su cuenta de Cities for Migration:" in message.body
    assert "Su contraseña ha sido modificada." in message.body


# --- our own emails greet by name, or neutrally -----------------------------------------


def test_our_emails_greet_by_name_and_never_by_the_address(mailoutbox, django_capture_on_commit_callbacks, elodie):
    nameless = UserFactory(email="sans.nom@ville.example", full_name="", preferred_language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        for user in (elodie, nameless):
            queue_email(template="membership_approved", to_user_id=user.pk, context={"municipality": "Grande-Synthe"})

    by_address = {m.to[0]: m for m in mailoutbox}
    named = by_address[elodie.email]
    assert named.body.startswith("Bonjour Élodie Fontaine,")
    assert "Bonjour Élodie Fontaine," in html_of(named)
    neutral = by_address[nameless.email]
    assert neutral.body.startswith("Bonjour,\n")
    assert "sans.nom" not in neutral.body
    assert "Bonjour," in html_of(neutral)
    assert "sans.nom" not in html_of(neutral)
