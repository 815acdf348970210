"""An indicator's name, guidance and unit speak the visitor's language (English fallback)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Indicator


@register(Indicator)
class IndicatorTranslationOptions(TranslationOptions):
    fields = ("name", "guidance", "unit")
