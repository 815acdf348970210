"""Fields that speak the visitor's language (English is the fallback)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Campaign, Commitment, ReportingPeriod


@register(Campaign)
class CampaignTranslationOptions(TranslationOptions):
    fields = ("title", "slogan", "description")
    required_languages = {"en": ("title",)}


@register(Commitment)
class CommitmentTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"en": ("title",)}


@register(ReportingPeriod)
class ReportingPeriodTranslationOptions(TranslationOptions):
    fields = ("label",)
    required_languages = {"en": ("label",)}
