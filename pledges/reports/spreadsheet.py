"""A period's report as a spreadsheet (CSV or XLSX), and a filled-in one read back.

The sheet is drawn from the same report formset the HTML form uses
(pledges/reports/forms.py ``UpdateFormSet``): one column per field of a commitment's form,
one row per chosen commitment, and one row per indicator of that commitment for its
``value_<indicator pk>`` field. Reading a sheet turns its rows back into the formset's POST
data (``form-N-field``), so that a spreadsheet is validated by the form and nothing else;
the form's errors are then mapped back to the row and column they came from.

Layout (every sheet, both formats):

- row 1: the columns' names in the reader's language; row 2: their stable keys (what the
  reader reads; a column is found by its key, whatever the language of row 1);
- then one row per commitment (``commitment`` set, ``indicator`` empty) followed by the
  rows of its indicators (``commitment`` and ``indicator`` set).

Read-only columns (title, unit, baseline, target) are written for the reader and ignored
when the sheet comes back. The codes and the status are the only columns a sheet must
keep; a column left out (or an indicator row) keeps what the report says now.

A file is recognised by its content, never by its name: an XLSX is a zip holding
``[Content_Types].xml``; a CSV is UTF-8 text (with or without a BOM; a legacy Windows code
page is accepted too), its delimiter found by sniffing.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from pledges.models import ProgressUpdate
from pledges.monitoring.models import Indicator, IndicatorTarget
from pledges.monitoring.values import format_input, format_number
from pledges.reports.forms import UpdateFormSet

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 200
# An XLSX is a zip: refuse one that would unpack to more than this (a zip bomb).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_CELL_CHARS = 20_000

# The first bytes of files that are text-like but no CSV.
NOT_TEXT_SIGNATURES = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\xd0\xcf\x11\xe0",  # an old .xls or .doc
    b"\x1f\x8b",  # gzip
    b"{\\rtf",
    b"<",  # HTML or XML, an Excel "web page" too
    b"\xef\xbb\xbf<",
)

VALUE_PREFIX = "value_"
# Keys of the columns that are not a field of the commitment's form.
COMMITMENT = "commitment"
INDICATOR = "indicator"
TITLE = "title"
UNIT = "unit"
BASELINE = "baseline"
TARGET = "target"
VALUE = "value"
READ_ONLY = (TITLE, UNIT, BASELINE, TARGET)
HEADER_ROWS = 2  # the names, then the keys

LABELS = {
    COMMITMENT: _("Commitment code"),
    INDICATOR: _("Indicator code"),
    TITLE: _("Commitment or indicator (not read back)"),
    UNIT: _("Unit (not read back)"),
    BASELINE: _("Baseline (not read back)"),
    TARGET: _("Target (not read back)"),
    VALUE: _("Value for this period"),
}

# How a list of choices or lines is split when it comes back in one cell.
LIST_SEPARATORS = ("\n", ";")


# --- the formset -----------------------------------------------------------------------------


def report_formset(updates: list[ProgressUpdate], data: Any = None, *, submitting: bool = False) -> Any:
    """The report formset of these updates: the HTML form's, unbound for a template or bound
    to the data a sheet was turned into."""
    formset_class: Any = UpdateFormSet
    return formset_class(data, updates=updates, submitting=submitting)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    editable: bool


@dataclass
class FormLayout:
    """What one commitment's form asks: its fields (but the values) and its indicators."""

    index: int
    update: ProgressUpdate
    code: str
    fields: list[str]
    indicators: list[tuple[int, str]]  # (indicator pk, code in the sheet)


def _in_sheet(name: str, form_field: forms.Field) -> bool:
    """A field of a commitment's own columns: not a value (those have their rows), not a
    file (a cell cannot hold one)."""
    return not name.startswith(VALUE_PREFIX) and not isinstance(form_field, forms.FileField)


def _value_fields(form: forms.Form) -> list[tuple[str, int]]:
    found = []
    for name in form.fields:
        suffix = name[len(VALUE_PREFIX) :]
        if name.startswith(VALUE_PREFIX) and suffix.isdigit():
            found.append((name, int(suffix)))
    return found


def layouts(formset: Any, indicators: dict[int, Indicator]) -> list[FormLayout]:
    result = []
    for index, (form, update) in enumerate(formset.pairs()):
        value_pks = [pk for _name, pk in _value_fields(form)]
        seen: set[str] = set()
        codes = []
        for pk in value_pks:
            code = indicators[pk].code if pk in indicators else str(pk)
            if code.casefold() in seen:  # a city's own indicator with a campaign indicator's code
                code = f"{code}#{pk}"
            seen.add(code.casefold())
            codes.append((pk, code))
        result.append(
            FormLayout(
                index=index,
                update=update,
                code=update.chosen.commitment.code,
                fields=[name for name, f in form.fields.items() if _in_sheet(name, f)],
                indicators=codes,
            )
        )
    return result


def _indicators_of(formset: Any) -> dict[int, Indicator]:
    pks = {pk for form in formset.forms for _name, pk in _value_fields(form)}
    return {i.pk: i for i in Indicator.objects.filter(pk__in=pks)} if pks else {}


def columns_of(formset: Any) -> list[Column]:
    """The sheet's columns: the codes, the title, every field of a commitment's form but its
    values (in the form's order), then the indicator columns when there is an indicator."""
    columns = [Column(COMMITMENT, str(LABELS[COMMITMENT]), True), Column(INDICATOR, str(LABELS[INDICATOR]), True)]
    columns.append(Column(TITLE, str(LABELS[TITLE]), False))
    names: list[str] = []
    labels: dict[str, str] = {}
    has_values = False
    for form in formset.forms:
        for name, bound_field in form.fields.items():
            if name.startswith(VALUE_PREFIX):
                has_values = True
            elif name not in labels and _in_sheet(name, bound_field):
                names.append(name)
                labels[name] = str(bound_field.label or name)
    if not formset.forms:  # no commitment: the form's own fields still name the columns
        for name, form_field in formset.form(submitting=False).fields.items():
            if _in_sheet(name, form_field):
                names.append(name)
                labels[name] = str(form_field.label or name)
    columns.extend(Column(name, labels[name], True) for name in names)
    if has_values:
        columns.extend(Column(key, str(LABELS[key]), key == VALUE) for key in (UNIT, BASELINE, TARGET, VALUE))
    return columns


# --- writing ------------------------------------------------------------------------------------


def _choice_label(form_field: forms.Field, value: Any) -> Any:
    """A choice as its label ("In progress"), or as its code when the label starts with it
    (a currency: "EUR", not "EUR · euro"); either is read back."""
    choices = {str(k): str(v) for k, v in getattr(form_field, "choices", []) or []}

    def name(code: Any) -> str:
        label = choices.get(str(code), str(code))
        return str(code) if label.startswith(str(code)) else label

    if isinstance(value, list | tuple):
        return "\n".join(name(v) for v in value)
    return name(value) if value not in (None, "") else ""


def _cell(form: forms.Form, name: str, *, numbers_as_text: bool, language: str) -> Any:
    form_field = form.fields[name]
    value = form[name].value()
    if isinstance(form_field, forms.ChoiceField):
        return _choice_label(form_field, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, Decimal | int | float):
        return format_input(value, language) if numbers_as_text else value
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _baseline(target: IndicatorTarget | None, language: str) -> str:
    if target is None or target.baseline_value is None:
        return ""
    text = format_number(target.baseline_value, language)
    return f"{text} ({target.baseline_year})" if target.baseline_year else text


def _target(target: IndicatorTarget | None, language: str) -> str:
    if target is None or target.target_value is None:
        return ""
    text = format_number(target.target_value, language)
    if target.target_date:
        return f"{text} ({date_format(target.target_date, 'SHORT_DATE_FORMAT')})"
    return text


@dataclass
class Sheet:
    columns: list[Column]
    rows: list[dict[str, Any]]  # key -> cell
    status_labels: list[str] = field(default_factory=list)


def report_sheet(updates: list[ProgressUpdate], *, numbers_as_text: bool) -> Sheet:
    """The report as rows, prefilled with its current content (what the form shows)."""
    language = get_language() or "en"
    formset = report_formset(updates)
    indicators = _indicators_of(formset)
    targets = {
        (t.chosen_id, t.indicator_id): t
        for t in IndicatorTarget.objects.filter(
            chosen_id__in=[u.chosen_id for u in updates], indicator_id__in=list(indicators)
        )
    }
    columns = columns_of(formset)
    rows: list[dict[str, Any]] = []
    for layout in layouts(formset, indicators):
        form = formset.forms[layout.index]
        commitment = layout.update.chosen.commitment
        row: dict[str, Any] = {COMMITMENT: layout.code, INDICATOR: "", TITLE: commitment.title}
        for name in layout.fields:
            row[name] = _cell(form, name, numbers_as_text=numbers_as_text, language=language)
        rows.append(row)
        for pk, code in layout.indicators:
            indicator = indicators.get(pk)
            target = targets.get((layout.update.chosen_id, pk))
            name = f"{VALUE_PREFIX}{pk}"
            rows.append(
                {
                    COMMITMENT: layout.code,
                    INDICATOR: code,
                    TITLE: indicator.name if indicator else str(form.fields[name].label or code),
                    UNIT: indicator.unit if indicator else "",
                    BASELINE: _baseline(target, language),
                    TARGET: _target(target, language),
                    VALUE: _cell(form, name, numbers_as_text=numbers_as_text, language=language),
                }
            )
    status_field = UpdateFormSet.form.base_fields.get("status")
    labels = [str(label) for _value, label in getattr(status_field, "choices", [])]
    return Sheet(columns=columns, rows=rows, status_labels=labels)


def csv_delimiter(language: str) -> str:
    """What Excel expects in this language: ";" where the decimal mark is a comma."""
    return ";" if format_number(Decimal("1.5"), language) == "1,5" else ","


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a BOM, so that Excel reads the accents; every line ends with CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=csv_delimiter(get_language() or "en"), lineterminator="\r\n")
    writer.writerow([c.label for c in sheet.columns])
    writer.writerow([c.key for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_safe_text(row.get(c.key, "")) for c in sheet.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe_text(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (CSV injection): a leading =, +, - or
    @ of a text is escaped with an apostrophe, which reading takes off again."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        Decimal(text.replace(",", "."))
    except InvalidOperation:
        return False
    return True


WIDTHS = {COMMITMENT: 14, INDICATOR: 14, TITLE: 40, "status": 16, "narrative": 60, "evidence_links": 40}


def to_xlsx(sheet: Sheet) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = gettext("Report")[:31]
    if (get_language() or "").startswith("ar"):
        ws.sheet_view.rightToLeft = True
    ws.append([c.label for c in sheet.columns])
    ws.append([c.key for c in sheet.columns])
    for row in sheet.rows:
        ws.append([_safe_text(row.get(c.key, "")) for c in sheet.columns])
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    read_only_fill = PatternFill("solid", fgColor="F2F2F2")
    key_font = Font(color="666666", size=9)
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        ws[f"{letter}1"].font = bold
        ws[f"{letter}1"].fill = header_fill
        ws[f"{letter}1"].alignment = Alignment(wrap_text=True, vertical="top")
        ws[f"{letter}2"].font = key_font
        ws.column_dimensions[letter].width = WIDTHS.get(column.key, 22)
        for cells in ws.iter_rows(min_row=HEADER_ROWS + 1, min_col=index, max_col=index):
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if not column.editable:
                    cell.fill = read_only_fill
    ws.freeze_panes = ws.cell(row=HEADER_ROWS + 1, column=4)
    keys = [c.key for c in sheet.columns]
    labels = sheet.status_labels
    if "status" in keys and labels and all("," not in label and '"' not in label for label in labels):
        formula = '"' + ",".join(labels) + '"'
        if len(formula) <= 255:
            letter = get_column_letter(keys.index("status") + 1)
            validation = DataValidation(type="list", formula1=formula, allow_blank=True)
            validation.error = gettext("Choose one of the list's values.")
            validation.showErrorMessage = True
            validation.errorStyle = "warning"  # the code ("in_progress") is read back too
            validation.add(f"{letter}{HEADER_ROWS + 1}:{letter}{max(ws.max_row, HEADER_ROWS + 1)}")
            ws.add_data_validation(validation)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading ------------------------------------------------------------------------------------


def file_error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def detect_format(data: bytes) -> str:
    """ "xlsx" or "csv", from the file's content; ValidationError otherwise."""
    if not data:
        raise file_error(gettext("The file is empty."), "empty")
    if len(data) > MAX_FILE_BYTES:
        raise file_error(
            gettext("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": len(data) / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024},
            "too_large",
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise _not_a_sheet() from exc
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise _not_a_sheet()
        if unpacked > MAX_UNPACKED_BYTES:
            raise file_error(gettext("This spreadsheet is too large once unpacked."), "too_large")
        return XLSX
    if b"\x00" in data[:65536] or data.lstrip()[:16].startswith(NOT_TEXT_SIGNATURES):
        raise _not_a_sheet()  # binary, or a document of another kind: a PDF, an image, a web page...
    try:
        _decode(data)
    except UnicodeDecodeError as exc:
        raise _not_a_sheet() from exc
    return CSV


def _not_a_sheet() -> ValidationError:
    return file_error(
        gettext(
            "This file is not a CSV or XLSX spreadsheet. Download the report as a spreadsheet, fill it in, "
            "and upload it in the same format (in Excel: “Save as” CSV UTF-8 or Excel Workbook)."
        ),
        "not_a_spreadsheet",
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # a CSV saved by an older Excel in Western Europe
        if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text):
            raise
        return text


def read_table(data: bytes, file_format: str) -> list[list[Any]]:
    """The file's cells, row by row (at most MAX_ROWS rows and MAX_COLUMNS columns)."""
    if file_format == XLSX:
        return _read_xlsx(data)
    return _read_csv(data)


def _too_many_rows() -> ValidationError:
    return file_error(
        ngettext(
            "The file has more than %(limit)d row; split it or remove the rows you added.",
            "The file has more than %(limit)d rows; split it or remove the rows you added.",
            MAX_ROWS,
        )
        % {"limit": MAX_ROWS},
        "too_many_rows",
    )


def _read_csv(data: bytes) -> list[list[Any]]:
    """The rows of a CSV, its delimiter sniffed; when the sniffer guessed wrong (a narrative
    full of commas), the delimiter that finds the row of column keys wins."""
    text = _decode(data)
    try:
        sniffed: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        candidates = [sniffed.delimiter] + [d for d in ",;\t" if d != sniffed.delimiter]
    except csv.Error:
        candidates = [",", ";", "\t"]
    rows: list[list[Any]] = []
    for delimiter in candidates:
        rows = _csv_rows(text, delimiter)
        if _key_row(rows) is not None:
            break
    else:
        rows = _csv_rows(text, candidates[0])
    return rows


def _csv_rows(text: str, delimiter: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= MAX_ROWS + HEADER_ROWS:
                raise _too_many_rows()
            rows.append(row[:MAX_COLUMNS])
    except csv.Error as exc:
        raise _not_a_sheet() from exc
    return rows


def _read_xlsx(data: bytes) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise file_error(gettext("This spreadsheet is damaged and cannot be opened."), "broken") from exc
    try:
        ws = book.worksheets[0] if book.worksheets else None
        if ws is None:
            raise _not_a_sheet()
        rows: list[list[Any]] = []
        for row in ws.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            if len(rows) >= MAX_ROWS + HEADER_ROWS:
                raise _too_many_rows()
            rows.append(list(row))
        return rows
    finally:
        book.close()


def _text(value: Any) -> str:
    """A cell as the form reads it: numbers as plain digits with a point (which the number
    fields read in every language), dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return str(number.quantize(Decimal(1)))
        # As the reader's locale writes it, which the number fields read back without doubt
        # ("1.234" is a thousand and more in Spanish, "1,234" is not).
        return format_input(number, get_language() or "en")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)[:MAX_CELL_CHARS]
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # the apostrophe our download put in front of a formula-like text
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- from rows to the formset's data --------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    row: int | None  # the spreadsheet's row number (1 is the first), None for the whole file
    column: str  # the column's letter ("D"), "" when the error is the whole row's
    label: str  # the column's name
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "label": self.label, "message": self.message}


@dataclass
class Parsed:
    data: MultiValueDict[str, Any] = field(default_factory=MultiValueDict)
    errors: list[CellError] = field(default_factory=list)
    commitment_rows: dict[int, int] = field(default_factory=dict)  # form index -> row
    indicator_rows: dict[tuple[int, int], int] = field(default_factory=dict)  # (form index, pk) -> row
    letters: dict[str, str] = field(default_factory=dict)  # column key -> letter
    labels: dict[str, str] = field(default_factory=dict)  # column key -> name
    rows_total: int = 0


def _key_row(table: list[list[Any]]) -> int | None:
    for index, row in enumerate(table[:5]):
        keys = {_text(cell).strip().lower() for cell in row}
        if COMMITMENT in keys and INDICATOR in keys:
            return index
    return None


def _choice_value(form_field: forms.ChoiceField, text: str) -> str:
    """The choice a cell names, by its code or its label (any case) in the reader's language
    or another site language (a colleague may have filled the sheet in); the text itself when
    it names none, and the form then says so."""
    wanted = text.strip().casefold()
    if not wanted:
        return ""
    choices: Any = form_field.choices
    pairs = [(str(value), label) for value, label in choices]
    for value, label in pairs:
        if wanted in (value.casefold(), str(label).casefold()):
            return value
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in pairs:
                if wanted == str(label).casefold():
                    return value
    return text.strip()


def _split(text: str) -> list[str]:
    parts = [text]
    for separator in LIST_SEPARATORS:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [p.strip() for p in parts if p.strip()]


def _put(data: MultiValueDict[str, Any], prefix: str, form_field: forms.Field, text: str) -> None:
    if isinstance(form_field, forms.MultipleChoiceField):
        data.setlist(prefix, [_choice_value(form_field, piece) for piece in _split(text)])
    elif isinstance(form_field, forms.ChoiceField):
        data[prefix] = _choice_value(form_field, text)
    elif isinstance(form_field, forms.BooleanField):
        truthy = {"1", "true", "x", gettext("Yes").casefold(), "yes"}
        if text.strip().casefold() in truthy:
            data[prefix] = "on"
    else:
        data[prefix] = text


def _keep(data: MultiValueDict[str, Any], prefix: str, form: forms.Form, name: str, language: str) -> None:
    """Put the form's current content of a field in the data, as the HTML form would post
    it: for a column or an indicator row the sheet does not have (nothing is lost)."""
    form_field = form.fields[name]
    value = form[name].value()
    if value is None or value == "":
        return
    if isinstance(form_field, forms.MultipleChoiceField):
        data.setlist(prefix, [str(v) for v in value or []])
    elif isinstance(value, bool):
        if value:
            data[prefix] = "on"
    elif isinstance(value, list | tuple):
        data[prefix] = "\n".join(str(v) for v in value)
    elif isinstance(value, Decimal | int | float):
        data[prefix] = format_input(value, language)
    else:
        data[prefix] = str(value)


def parse_table(
    table: list[list[Any]],
    template: Any,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Parsed:
    """Turn the sheet's rows into the formset's POST data, checking what the form cannot:
    the columns, the commitment and indicator codes, repeated and missing rows. ``template``
    is the unbound formset (its fields and current content)."""
    language = get_language() or "en"
    parsed = Parsed()
    columns = columns_of(template)
    parsed.labels = {c.key: c.label for c in columns}
    key_index = _key_row(table)
    if key_index is None:
        parsed.errors.append(
            CellError(
                None,
                "",
                "",
                gettext(
                    "The row of column keys (the second row of the downloaded spreadsheet, starting with "
                    "“commitment”) is missing. Download the spreadsheet again and keep its first two rows."
                ),
            )
        )
        return parsed
    positions: dict[str, int] = {}
    for index, heading in enumerate(table[key_index]):
        key = _text(heading).strip().lower()
        if key and key not in positions:
            positions[key] = index
    parsed.letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
    # Without these a row means nothing; any other column left out keeps what the report says.
    required = [key for key in (COMMITMENT, INDICATOR, "status") if key in parsed.labels]
    missing = [key for key in required if key not in positions]
    if missing:
        names = ", ".join(f"“{parsed.labels[key]}” ({key})" for key in missing)
        parsed.errors.append(
            CellError(
                key_index + 1,
                "",
                "",
                ngettext(
                    "A column is missing: %(columns)s. Download the spreadsheet again, or add it back.",
                    "Columns are missing: %(columns)s. Download the spreadsheet again, or add them back.",
                    len(missing),
                )
                % {"columns": names},
            )
        )
        return parsed

    indicators = _indicators_of(template)
    plan = layouts(template, indicators)
    by_code = {layout.code.casefold(): layout for layout in plan}
    data_rows = [
        (number, row)
        for number, row in enumerate(table[key_index + 1 :], start=key_index + 2)
        if any(_text(value).strip() for value in row)
    ]
    parsed.rows_total = len(data_rows)
    data = parsed.data
    data["form-TOTAL_FORMS"] = str(len(plan))
    data["form-INITIAL_FORMS"] = str(len(plan))

    def cell(row: list[Any], key: str) -> str:
        index = positions.get(key)
        return _text(row[index]) if index is not None and index < len(row) else ""

    def error(row: int, key: str, message: str) -> None:
        parsed.errors.append(CellError(row, parsed.letters.get(key, ""), parsed.labels.get(key, key), message))

    step = max(1, len(data_rows) // 50)
    for done, (number, row) in enumerate(data_rows, start=1):
        code = cell(row, COMMITMENT).strip()
        indicator_code = cell(row, INDICATOR).strip()
        layout = by_code.get(code.casefold()) if code else None
        if not code:
            error(number, COMMITMENT, gettext("Give the commitment's code on every row."))
        elif layout is None:
            error(
                number,
                COMMITMENT,
                gettext("“%(code)s” is not a commitment of this report.") % {"code": code},
            )
        elif not indicator_code:
            if layout.index in parsed.commitment_rows:
                error(
                    number,
                    COMMITMENT,
                    gettext("Commitment %(code)s is already on row %(row)d: keep one row for it.")
                    % {"code": layout.code, "row": parsed.commitment_rows[layout.index]},
                )
            else:
                parsed.commitment_rows[layout.index] = number
                form = template.forms[layout.index]
                for name in layout.fields:
                    if name in positions:
                        _put(data, f"form-{layout.index}-{name}", form.fields[name], cell(row, name))
                    else:
                        _keep(data, f"form-{layout.index}-{name}", form, name, language)
        else:
            pk = next((pk for pk, c in layout.indicators if c.casefold() == indicator_code.casefold()), None)
            if pk is None:
                error(
                    number,
                    INDICATOR,
                    gettext("“%(indicator)s” is not an indicator of commitment %(code)s.")
                    % {"indicator": indicator_code, "code": layout.code},
                )
            elif (layout.index, pk) in parsed.indicator_rows:
                error(
                    number,
                    INDICATOR,
                    gettext("Indicator %(indicator)s is already on row %(row)d: keep one row for it.")
                    % {"indicator": indicator_code, "row": parsed.indicator_rows[(layout.index, pk)]},
                )
            else:
                parsed.indicator_rows[(layout.index, pk)] = number
                name = f"{VALUE_PREFIX}{pk}"
                if VALUE in positions:
                    data[f"form-{layout.index}-{name}"] = cell(row, VALUE)
                else:
                    _keep(data, f"form-{layout.index}-{name}", template.forms[layout.index], name, language)
        if progress and (done % step == 0 or done == len(data_rows)):
            progress(done, len(data_rows))

    for layout in plan:
        if layout.index not in parsed.commitment_rows:
            parsed.errors.append(
                CellError(
                    None,
                    parsed.letters.get(COMMITMENT, ""),
                    parsed.labels[COMMITMENT],
                    gettext("The row of commitment %(code)s is missing: add it back with the commitment's code.")
                    % {"code": layout.code},
                )
            )
        form = template.forms[layout.index]
        for pk, _code in layout.indicators:
            if (layout.index, pk) not in parsed.indicator_rows:  # an indicator added since: kept as it is
                name = f"{VALUE_PREFIX}{pk}"
                _keep(data, f"form-{layout.index}-{name}", form, name, language)
    return parsed


def formset_errors(formset: Any, parsed: Parsed) -> list[CellError]:
    """The bound formset's errors, each at the row and column it came from, in the form's
    own (translated) words."""
    found: list[CellError] = []
    for message in formset.non_form_errors():
        found.append(CellError(None, "", "", str(message)))
    for index, form in enumerate(formset.forms):
        row = parsed.commitment_rows.get(index)
        for name, messages in form.errors.items():
            key, where = name, row
            if name.startswith(VALUE_PREFIX) and name[len(VALUE_PREFIX) :].isdigit():
                key = VALUE
                where = parsed.indicator_rows.get((index, int(name[len(VALUE_PREFIX) :])), row)
            elif name == NON_FIELD_ERRORS:
                key = ""
            for message in messages:
                found.append(
                    CellError(where, parsed.letters.get(key, ""), parsed.labels.get(key, "") if key else "", message)
                )
    found.sort(key=lambda e: (e.row is not None, e.row or 0, e.column))
    return found


def sorted_errors(errors: Iterable[CellError]) -> list[dict[str, Any]]:
    return [e.as_dict() for e in sorted(errors, key=lambda e: (e.row is not None, e.row or 0, len(e.column), e.column))]
