"""The project's own number formats: one module per language whose Django formats disagree
with CLDR (settings.FORMAT_MODULE_PATH); Django's own serve every other language.

Numbers are written "as the locale says", and the locale's word is CLDR's, read through
babel (the project's one source of locale data: country names come from it too). Django's
localize, number_format, intcomma and floatformat then agree with the browser's Intl,
which the map and the autocomplete use on the same pages. Each module here keeps Django's
date formats (month names come from Django's catalogues) and takes the decimal and group
symbols from ``cldr.separators()``:

- ar: CLDR "ar" uses Western digits (its default numbering system is latn; Arabic-Indic
  digits are the default of regional locales such as ar-EG, not of "ar") with "." before
  the decimals and "," between thousands: 12,345.6. Django's ar has them the other way
  round (12.345,6), which an Arabic reader of this site would take for twelve point three.
- es: CLDR groups with "." (12.345,6); Django's es with a no-break space.
- en agrees. fr differs only in the kind of no-break space between groups (Django U+00A0,
  CLDR U+202F), which reads the same: fr keeps Django's.

A fifth language needs a module here only if tests/public/test_rtl.py (which compares
Django's and babel's 12345.6 for every site language) says they disagree: copy es/.
CLDR's "minimum grouping digits" (es leaves 1234 ungrouped) has no Django equivalent.
"""
