import os
import uuid
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import FormView

from campaign.storage import private_download, private_storage
from campaign.uploads import is_document_error, validate_pdf

from .access import access_membership_letter, access_municipality_as_official, verified_email_required
from .forms import HandoverForm, InvitationForm, MembershipRequestForm, MunicipalityRequestForm, PreferencesForm
from .middleware import user_has_mfa
from .models import Invitation, Membership, MunicipalityRequest, listed_municipalities_named
from .services import (
    INVITATION_DAYS,
    invitation_accept,
    invitation_send,
    membership_request,
    municipality_request_submit,
    user_update_preferences,
)


class ProfileView(LoginRequiredMixin, FormView):
    """The signed-in user's own page: who they are, their language, their security."""

    template_name = "accounts/profile.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["emails"] = EmailAddress.objects.filter(user=self.request.user)
        context["has_mfa"] = user_has_mfa(self.request.user)
        context["memberships"] = Membership.objects.filter(user=self.request.user).select_related("municipality")
        return context

    def form_valid(self, form):
        try:
            user = user_update_preferences(
                actor=self.request.user,
                user=self.request.user,
                full_name=form.cleaned_data["full_name"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
        except ValidationError as exc:
            _add_field_errors(form, exc)
            return self.form_invalid(form)
        with translation.override(user.preferred_language):
            messages.success(self.request, _("Your preferences have been saved."))
            return redirect("accounts:profile")


# --- acting for a municipality ------------------------------------------------------------

PENDING_LETTER_SALT = "accounts.membership.pending-letter"
PENDING_LETTER_MAX_AGE = 24 * 3600


def _stash_letter(user, upload) -> str:
    """Keep a valid letter that came with a form showing errors, so it needn't be chosen again.

    Returns a signed token naming the stored file; raises ValidationError when the upload is
    not a valid PDF. The file lives in private storage and is only read back for the same user.
    """
    validate_pdf(upload)
    name = private_storage.save(f"evidence/pending/{uuid.uuid4().hex}.pdf", upload)
    filename = os.path.basename(upload.name or "letter.pdf")[:100]
    return signing.dumps({"user": user.pk, "name": name, "filename": filename}, salt=PENDING_LETTER_SALT)


def _pending_letter(user, token: str) -> dict | None:
    """The stashed letter a token names, if it is this user's, recent and still there."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=PENDING_LETTER_SALT, max_age=PENDING_LETTER_MAX_AGE)
    except signing.BadSignature:
        return None
    name = data.get("name", "")
    if data.get("user") != user.pk or not name.startswith("evidence/pending/") or ".." in name:
        return None
    if not private_storage.exists(name):
        return None
    return data


@verified_email_required
def membership_request_view(request):
    """Ask to act for a municipality, with evidence: an address at its domain or a letter."""
    initial = {}
    if request.method == "GET" and request.GET.get("municipality", "").isdigit():
        # "Ask to represent it", from a request for a missing place that was added or merged.
        initial["municipality"] = request.GET["municipality"]
    form = MembershipRequestForm(request.POST or None, request.FILES or None, initial=initial)
    pending = None
    if request.method == "POST":
        pending = _pending_letter(request.user, request.POST.get("pending_letter", ""))
        if form.is_valid():
            letter = form.cleaned_data["evidence_letter"]
            if letter is None and pending:
                letter = File(private_storage.open(pending["name"], "rb"), name=pending["filename"])
            try:
                membership = membership_request(
                    actor=request.user,
                    municipality=form.cleaned_data["municipality"],
                    role=form.cleaned_data["role"],
                    evidence_email=form.cleaned_data["evidence_email"],
                    evidence_letter=letter,
                    evidence_note=form.cleaned_data["evidence_note"],
                )
            except PermissionDenied as exc:
                form.add_error(None, ValidationError(str(exc)))
            except ValidationError as exc:
                if is_document_error(exc):
                    form.add_error("evidence_letter", exc)
                else:
                    form.add_error(None, exc)
            else:
                if pending:
                    letter.close()
                    private_storage.delete(pending["name"])
                messages.success(
                    request,
                    _(
                        "Your request to represent %(name)s has been sent. The campaign team will check it "
                        "and write to you."
                    )
                    % {"name": membership.municipality.name},
                )
                return redirect("accounts:memberships")
            finally:
                if letter is not None and pending and not letter.closed:
                    letter.close()
        # Redisplayed with errors: keep a valid letter so that it needn't be chosen again.
        upload = request.FILES.get("evidence_letter")
        if upload is not None and not form.has_error("evidence_letter"):
            try:
                token = _stash_letter(request.user, upload)
            except ValidationError as exc:
                form.add_error("evidence_letter", exc)
            else:
                pending = _pending_letter(request.user, token)
                form.data = form.data.copy()
                form.data["pending_letter"] = token
        elif pending is None:
            form.data = form.data.copy()
            form.data["pending_letter"] = ""
    return render(
        request,
        "accounts/membership_request.html",
        {"form": form, "pending_letter": pending},
        status=200,
    )


@verified_email_required
def municipality_request_view(request):
    """My municipality is not listed: ask for it to be added. A place of that name already
    listed in that country is shown first, with a link to ask to represent it instead."""
    initial = {"name": request.GET.get("name", "")[:200]} if request.method == "GET" else {}
    form = MunicipalityRequestForm(request.POST or None, initial=initial)
    twins: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        twins = list(listed_municipalities_named(data["name"], data["country"])[:10])
        if twins and not data["distinct"]:
            form.add_error(
                None,
                ValidationError(
                    _(
                        "%(name)s is already listed in this country. If it is your municipality, ask to represent "
                        "it; if not, tick the box below to confirm that yours is a different place."
                    )
                    % {"name": data["name"]},
                    code="listed",
                ),
            )
        else:
            try:
                place_request = municipality_request_submit(
                    actor=request.user,
                    name=data["name"],
                    country=data["country"],
                    kind=data["kind"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    population=data["population"],
                    source=data["source"],
                )
            except PermissionDenied as exc:
                form.add_error(None, ValidationError(str(exc)))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    _add_field_errors(form, exc)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your request to add %(name)s has been sent. The campaign team will check it and write to "
                        "you; then you can ask to represent it."
                    )
                    % {"name": place_request.name},
                )
                return redirect(reverse("accounts:memberships") + f"#place-request-{place_request.pk}")
    return render(request, "accounts/municipality_request.html", {"form": form, "twins": twins})


def _add_field_errors(form, exc: ValidationError) -> None:
    """A service's errors on the form: on their field where the form has it, else at the top."""
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _memberships_context(request, bound_forms: dict | None = None) -> dict:
    """The user's memberships; for approved ones, colleagues, open invitations and the two forms."""
    bound_forms = bound_forms or {}
    user = request.user
    memberships = list(Membership.objects.filter(user=user).select_related("municipality", "invited_by"))
    now = timezone.now()
    rows = []
    for membership in memberships:
        row = {"membership": membership}
        if membership.status == Membership.Status.APPROVED:
            mid = membership.municipality_id
            row["colleagues"] = list(
                Membership.objects.filter(municipality_id=mid, status=Membership.Status.APPROVED)
                .exclude(user=user)
                .select_related("user")
                .order_by("user__full_name", "user__email")
            )
            row["invitations"] = list(
                Invitation.objects.filter(municipality_id=mid, accepted_at__isnull=True, expires_at__gt=now)
                .select_related("invited_by")
                .order_by("-created_at")
            )
            row["invite_form"] = bound_forms.get(("invite", mid)) or InvitationForm(prefix=f"invite-{mid}")
            row["handover_form"] = bound_forms.get(("handover", mid)) or HandoverForm(prefix=f"handover-{mid}")
        rows.append(row)
    order: dict[str, int] = {
        Membership.Status.APPROVED: 0,
        Membership.Status.REQUESTED: 1,
        Membership.Status.REFUSED: 2,
        Membership.Status.REVOKED: 3,
    }
    rows.sort(key=lambda r: order.get(r["membership"].status, 9))
    place_requests = list(MunicipalityRequest.objects.filter(requested_by=user).select_related("municipality"))
    return {"rows": rows, "invitation_days": INVITATION_DAYS, "place_requests": place_requests}


@verified_email_required
def memberships_view(request):
    """My municipalities: what I asked for, what I may do, who my colleagues are."""
    return render(request, "accounts/memberships.html", _memberships_context(request))


def _send_invitation(request, municipality_id: int, *, is_handover: bool):
    if request.method != "POST":
        return redirect("accounts:memberships")
    municipality = access_municipality_as_official(request.user, pk=municipality_id)
    kind = "handover" if is_handover else "invite"
    form_class = HandoverForm if is_handover else InvitationForm
    form = form_class(request.POST, prefix=f"{kind}-{municipality_id}")
    if form.is_valid():
        try:
            invitation = invitation_send(
                actor=request.user,
                municipality=municipality,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                is_handover=is_handover,
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if is_handover:
                text = _(
                    "We have sent %(email)s an invitation to take over %(name)s. Your own access ends when they "
                    "accept; the invitation is valid for %(days)s days."
                )
            else:
                text = _("We have sent %(email)s an invitation to join %(name)s. It is valid for %(days)s days.")
            messages.success(
                request, text % {"email": invitation.email, "name": municipality.name, "days": INVITATION_DAYS}
            )
            return redirect(reverse("accounts:memberships") + f"#municipality-{municipality_id}")
    context = _memberships_context(request, {(kind, municipality_id): form})
    return render(request, "accounts/memberships.html", context)


@verified_email_required
def invite_view(request, municipality_id: int):
    return _send_invitation(request, municipality_id, is_handover=False)


@verified_email_required
def handover_view(request, municipality_id: int):
    return _send_invitation(request, municipality_id, is_handover=True)


def invitation_view(request, token: str):
    """The link in an invitation email: sign in (or up) with the invited address, then confirm."""
    invitation = Invitation.objects.filter(token=token).select_related("municipality", "invited_by").first()
    problem = ""
    if invitation is None:
        problem = "unknown"
    elif invitation.accepted_at:
        problem = "used"
    elif invitation.expires_at < timezone.now():
        problem = "expired"
    if problem:
        status = 404 if problem == "unknown" else 410
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"problem": problem, "invitation_days": INVITATION_DAYS},
            status=status,
        )

    context = {"invitation": invitation, "municipality": invitation.municipality}
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        query = urlencode({"next": request.path})
        context.update(
            state="anonymous",
            login_url=f"{reverse('account_login')}?{query}",
            signup_url=f"{reverse('account_signup')}?{query}",
        )
        return render(request, "accounts/invitation.html", context)

    addresses = EmailAddress.objects.filter(user=request.user, email__iexact=invitation.email)
    if addresses.filter(verified=True).exists():
        state = "confirm"
    elif addresses.exists():
        state = "unverified"
    else:
        state = "wrong_address"
    if request.method == "POST" and state == "confirm":
        try:
            membership = invitation_accept(actor=request.user, token=token)
        except PermissionDenied:
            state = "wrong_address"
        except ValidationError as exc:
            return render(
                request,
                "accounts/invitation_invalid.html",
                {"problem": "other", "message": exc.messages[0]},
                status=410,
            )
        else:
            messages.success(request, _("You now act for %(name)s.") % {"name": membership.municipality.name})
            return redirect(reverse("accounts:memberships") + f"#municipality-{membership.municipality_id}")
    context["state"] = state
    status = 403 if request.method == "POST" and state != "confirm" else 200
    return render(request, "accounts/invitation.html", context, status=status)


@verified_email_required
@require_GET
def membership_letter_view(request, pk: int):
    """The evidence letter: for the campaign team and the person who uploaded it, nobody else."""
    membership = access_membership_letter(request.user, pk)
    filename = f"letter-{membership.municipality.slug or membership.municipality_id}-{membership.pk}.pdf"
    try:
        return private_download(membership.evidence_letter, filename)
    except FileNotFoundError as exc:
        raise Http404 from exc
