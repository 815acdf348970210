"""Staff pages: write, preview and send announcements, follow their progress, and see the
deliveries that failed or are being retried. Staff only (and MFA, by the middleware: these
pages live under /<lang>/staff/)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import staff_required
from campaign.outbox.models import EmailCategory, EmailDelivery
from campaign.security_headers import email_preview_policy
from pledges.announcements import services
from pledges.announcements.fanout import announcement_recipients
from pledges.announcements.forms import AnnouncementForm
from pledges.announcements.services import delivery_requeue
from pledges.models import Announcement


def _apply_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@staff_required
@require_GET
def announcement_list(request):
    rows = Announcement.objects.select_related("campaign", "author").order_by("-created_at", "-pk")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "staff/announcements.html", {"page": page, "active": "announcements"})


@staff_required
@require_http_methods(["GET", "POST"])
def announcement_new(request):
    form = AnnouncementForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            announcement = services.announcement_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.info(request, _("Draft saved. Check the preview, then send it."))
            return redirect("announcements:detail", announcement.pk)
    return render(request, "staff/announcement_form.html", {"form": form, "active": "announcements"})


@staff_required
@require_http_methods(["GET", "POST"])
def announcement_edit(request, pk: int):
    announcement = get_object_or_404(Announcement, pk=pk)
    if announcement.status != Announcement.Status.DRAFT:
        messages.warning(request, _("This announcement has already been sent; it can no longer be changed."))
        return redirect("announcements:detail", pk)
    form = AnnouncementForm.for_announcement(announcement, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "campaign"}
        try:
            services.announcement_update(actor=request.user, announcement=announcement, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.info(request, _("Draft saved."))
            return redirect("announcements:detail", pk)
    return render(
        request,
        "staff/announcement_form.html",
        {"form": form, "announcement": announcement, "active": "announcements"},
    )


@staff_required
@require_GET
@email_preview_policy
def announcement_detail(request, pk: int):
    announcement = get_object_or_404(Announcement.objects.select_related("campaign", "author", "sent_by"), pk=pk)
    languages = dict(settings.LANGUAGES)
    preview_language = request.GET.get("preview_language") or announcement.language
    if preview_language not in languages:
        preview_language = announcement.language
    subject, text, html, headers = services.announcement_preview(
        announcement, user=request.user, language=preview_language
    )
    context = {
        "announcement": announcement,
        "active": "announcements",
        "preview": {
            "subject": subject,
            "text": text,
            "html": html,
            "list_unsubscribe": headers.get("List-Unsubscribe", ""),
        },
        "preview_language": preview_language,
        "languages": settings.LANGUAGES,
    }
    if announcement.status == Announcement.Status.DRAFT:
        signatories = list(services.announcement_signatories(announcement.campaign_id))
        context["signatories"] = signatories
        context["recipient_count"] = announcement_recipients(announcement.campaign_id).count()
    else:
        context["progress"] = services.announcement_progress(announcement)
    return render(request, "staff/announcement_detail.html", context)


@staff_required
@require_POST
def announcement_send(request, pk: int):
    announcement = get_object_or_404(Announcement, pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the confirmation box to send the announcement."))
        return redirect("announcements:detail", pk)
    try:
        announcement = services.announcement_send(actor=request.user, announcement=announcement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Sending to %(count)s officials. This page shows the progress.") % {"count": announcement.total},
        )
    return redirect("announcements:detail", pk)


@staff_required
@require_GET
def announcement_progress(request, pk: int):
    announcement = get_object_or_404(Announcement, pk=pk)
    return JsonResponse(services.announcement_progress(announcement))


@staff_required
@require_GET
def deliveries(request):
    status = request.GET.get("status")
    shown = (
        [status]
        if status in (EmailDelivery.Status.FAILED, EmailDelivery.Status.RETRYING)
        else [EmailDelivery.Status.FAILED, EmailDelivery.Status.RETRYING]
    )
    rows = EmailDelivery.objects.filter(status__in=shown).select_related("recipient").order_by("-updated_at", "-pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    services.attach_announcements(page.object_list)
    return render(
        request,
        "staff/announcement_deliveries.html",
        {
            "page": page,
            "status": status if len(shown) == 1 else "",
            "active": "deliveries",
            "categories": dict(EmailCategory.choices),
        },
    )


@staff_required
@require_POST
def delivery_retry(request, pk: int):
    delivery = get_object_or_404(EmailDelivery, pk=pk)
    try:
        delivery_requeue(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message to %(address)s is queued again.") % {"address": delivery.to_email})
    return redirect("announcements:deliveries")
