"""The form in which the campaign team writes an announcement."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign
from pledges.models import Announcement


class AnnouncementForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("title"),
        help_text=_("Every approved official of its submitted and verified signatories receives the message."),
    )
    language = forms.ChoiceField(
        label=_("Language of the message"),
        choices=settings.LANGUAGES,
        help_text=_(
            "Write in one language. Greeting and footer are in each recipient's own language; "
            "for French and Spanish versions, send separate announcements."
        ),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text. Leave a blank line between paragraphs; web addresses become links."),
    )

    @classmethod
    def for_announcement(cls, announcement: Announcement, data=None):
        initial = {
            "campaign": announcement.campaign_id,
            "language": announcement.language,
            "subject": announcement.subject,
            "body": announcement.body,
        }
        form = cls(data=data, initial=initial)
        form.fields["campaign"].disabled = True
        return form
