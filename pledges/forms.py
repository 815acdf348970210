"""Forms of the signing pages. They validate what was typed; the services decide."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from accounts.place_names import language_name
from campaign.models import Commitment
from campaign.uploads import MAX_DOCUMENT_BYTES, PDF_ERROR_CODES

from .services import ChosenCommitment, site_language
from .validators import (
    STATEMENT_MAX_LENGTH,
    council_decision_window,
    date_errors,
    target_date_window,
    validate_statement,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LanguageSelect(forms.Select):
    """A select of languages, each option named in its own language and marked with its lang."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = value
        return option


def statement_language_choices(current: str = "") -> list[tuple[str, str]]:
    """The site languages, the statement's own language when it is another one (a city's
    language, recorded by an import or the demo), and "Another language"."""
    choices = [(code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES]
    if current and current not in dict(choices):
        choices.append((current, language_name(current)))
    return [*choices, ("", gettext("Another language"))]


class PledgeForm(forms.Form):
    """The pledge: signatory, council decision, resolution, statement, and one group of
    fields per commitment of the campaign (``chosen_<id>``, ``target_<id>``,
    ``target_date_<id>``). Required commitments are ticked and locked (a disabled field
    keeps its initial value whatever the browser sends)."""

    signatory_name = forms.CharField(
        label=_("Signatory's name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("The person who signs for the municipality, usually the mayor."),
    )
    signatory_title = forms.CharField(
        label=_("Signatory's title"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("For example: Mayor of Mechelen."),
    )
    council_decision_date = forms.DateField(
        label=_("Date of the council decision"),
        required=False,
        widget=DateInput(),
        help_text=_("The day the municipal council approved the pledge."),
    )
    resolution = forms.FileField(
        label=_("Council resolution (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_(
            "A PDF of at most 10 MB. It stays private: only the campaign team and your municipality's "
            "officials can open it. If the page shows an error, choose the file again: browsers do not keep it."
        ),
    )
    # No maxlength on the box: a browser would cut a pasted text without a word. The page
    # counts (static/js/char-count.js) and the validator refuses, keeping the text.
    statement = forms.CharField(
        label=_("Public statement"),
        required=False,
        validators=[validate_statement],
        widget=forms.Textarea(attrs={"rows": 5, "data-char-limit": STATEMENT_MAX_LENGTH, "dir": "auto"}),
    )
    statement_language = forms.ChoiceField(
        label=_("Language of the statement"),
        required=False,
        widget=LanguageSelect(),
        help_text=_("Screen readers and translation tools read the statement in this language."),
    )

    def __init__(self, *args, commitments, pledge, **kwargs):
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        self.commitments = list(commitments)
        self.fields["statement"].help_text = gettext(
            "A few sentences shown on your city's public page: why your city signs. At most %(limit)s characters."
        ) % {"limit": STATEMENT_MAX_LENGTH}
        self.fields["statement_language"].choices = statement_language_choices(pledge.statement_language)
        earliest, latest = council_decision_window(pledge.campaign, pledge.municipality)
        decision = self.fields["council_decision_date"]
        decision.widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())
        decision.help_text = gettext(
            "The day the municipal council approved the pledge: not before %(earliest)s, nor in the future."
        ) % {"earliest": date_format(earliest)}
        target_latest = target_date_window(pledge.campaign, pledge.municipality)[1]
        for commitment in self.commitments:
            self.fields[f"chosen_{commitment.pk}"] = forms.BooleanField(
                label=_("We take on %(code)s: %(title)s") % {"code": commitment.code, "title": commitment.title},
                required=False,
                disabled=commitment.is_required,
                initial=True if commitment.is_required else None,
                help_text=_("Required of every signatory.") if commitment.is_required else "",
            )
            self.fields[f"target_{commitment.pk}"] = forms.CharField(
                label=_("Our target for %(code)s") % {"code": commitment.code},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
                help_text=_("What your city will achieve, in its own words."),
            )
            # Only the horizon is known before the decision date is: "min" would be a guess.
            self.fields[f"target_date_{commitment.pk}"] = forms.DateField(
                label=_("Target date for %(code)s") % {"code": commitment.code},
                required=False,
                widget=DateInput(attrs={"max": target_latest.isoformat()}),
                help_text=gettext("At the latest %(latest)s.") % {"latest": date_format(target_latest)},
            )
        if self.is_bound:
            # A locked box is ticked whatever was sent.
            for commitment in self.commitments:
                if commitment.is_required:
                    self.fields[f"chosen_{commitment.pk}"].initial = True

    @classmethod
    def initial_for(cls, pledge) -> dict:
        initial = {
            "signatory_name": pledge.signatory_name,
            "signatory_title": pledge.signatory_title,
            "council_decision_date": pledge.council_decision_date,
            "statement": pledge.statement,
            # A statement's own language, else the language the form is filled in.
            "statement_language": pledge.statement_language if pledge.statement else site_language(get_language()),
        }
        for pc in pledge.chosen.all():
            initial[f"chosen_{pc.commitment_id}"] = True
            initial[f"target_{pc.commitment_id}"] = pc.target
            initial[f"target_date_{pc.commitment_id}"] = pc.target_date
        return initial

    def clean_statement_language(self):
        # Not sent at all (an older page, a script): the service takes the form's language.
        if self.add_prefix("statement_language") not in self.data:
            return None
        return self.cleaned_data.get("statement_language")

    def clean_resolution(self):
        upload = self.cleaned_data.get("resolution")
        if upload and upload.size > MAX_DOCUMENT_BYTES:
            # The service checks again, by content; this saves reading a huge file.
            raise ValidationError(
                _("The file is %(size).1f MB; the limit is 10 MB.") % {"size": upload.size / 1024 / 1024},
                code="too_large",
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        target_fields = [f"target_date_{c.pk}" for c in self.commitments]
        errors = date_errors(
            campaign=self.pledge.campaign,
            municipality=self.pledge.municipality,
            council_decision_date=cleaned.get("council_decision_date"),
            target_dates={name: cleaned.get(name) for name in target_fields},
        )
        for name, error in errors.items():
            self.add_error(name, error)
        for commitment in self.commitments:
            if cleaned.get(f"chosen_{commitment.pk}"):
                continue
            if cleaned.get(f"target_{commitment.pk}") or cleaned.get(f"target_date_{commitment.pk}"):
                self.add_error(
                    f"chosen_{commitment.pk}",
                    _("Tick this commitment to keep the target you wrote, or clear the target."),
                )
        return cleaned

    def chosen_commitments(self) -> list[ChosenCommitment]:
        chosen = []
        for commitment in self.commitments:
            if self.cleaned_data.get(f"chosen_{commitment.pk}") or commitment.is_required:
                chosen.append(
                    ChosenCommitment(
                        commitment=commitment,
                        target=self.cleaned_data.get(f"target_{commitment.pk}") or "",
                        target_date=self.cleaned_data.get(f"target_date_{commitment.pk}"),
                    )
                )
        return chosen

    def themes(self) -> list[dict]:
        """The commitment fields grouped by theme, in the catalogue's order, for the template."""
        groups = []
        for value, label in Commitment.Theme.choices:
            rows = [
                {
                    "commitment": c,
                    "chosen": self[f"chosen_{c.pk}"],
                    "target": self[f"target_{c.pk}"],
                    "target_date": self[f"target_date_{c.pk}"],
                }
                for c in self.commitments
                if c.theme == value
            ]
            if rows:
                groups.append({"value": value, "label": label, "rows": rows})
        return groups

    def error_summary_order(self) -> list[str]:
        """The fields in the order the page draws them (signatory, commitments by theme,
        document, statement), for its error summary (campaign/templatetags/form_errors.py)."""
        order = ["signatory_name", "signatory_title", "council_decision_date"]
        for theme in self.themes():
            for row in theme["rows"]:
                order += [row["chosen"].name, row["target"].name, row["target_date"].name]
        return [*order, "resolution", "statement", "statement_language"]

    def add_service_error(self, exc: ValidationError):
        """Put a service's ValidationError next to the field it is about."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return
        for error in exc.error_list:
            field = "resolution" if error.code in PDF_ERROR_CODES else None
            self.add_error(field, error)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does your municipality withdraw?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The campaign team reads this. The public page only says when the pledge was withdrawn."),
    )


class SignatorySearchForm(forms.Form):
    q = forms.CharField(label=_("Find a city"), required=False, max_length=100)
