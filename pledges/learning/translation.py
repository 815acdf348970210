"""A campaign event's title, description and place speak the visitor's language (English
fallback). Local actions are written by cities in one language and translated by them:
their translations are rows (LocalActionTranslation), not columns."""

from modeltranslation.translator import TranslationOptions, register

from .models import CampaignEvent


@register(CampaignEvent)
class CampaignEventTranslationOptions(TranslationOptions):
    fields = ("title", "description", "place")
