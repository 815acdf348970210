"""Reporting by spreadsheet, over HTTP: download the period's report (CSV, XLSX), fill it in,
upload it, follow the check, and find the same report as the HTML form would have made."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from pledges import services
from pledges.models import PledgeEvent, ProgressReport, ProgressUpdate, ReportUpload, ReportVersion
from pledges.monitoring.models import Indicator, IndicatorTarget, IndicatorValue, MeansOfImplementation
from pledges.reports import spreadsheet, uploads
from pledges.reports.forms import UpdateFormSet

ANSWERS = {
    "RIGHTS-1": {
        "status": "in_progress",
        "narrative": "Equal access desk opened in the town hall.",
        "evidence_links": ["https://mechelen.be/desk", "https://mechelen.be/desk-report"],
        "figures": "3 desks",
    },
    "SERVICES-1": {
        "status": "achieved",
        "narrative": "Every resident has a family doctor — 1 200 new registrations.",
        "figures": "",
        "budget_amount": "250000",
        "lead_department": "Health and care",
        "partners_civil_society": ["Red Cross Mechelen", "Caritas"],
        "support_needed": ["tools", "partnerships"],
    },
    "MONITORING-1": {"status": "planned", "narrative": "A yearly survey is planned.", "figures": ""},
}
VALUES = {"PEOPLE": "1234", "SHARE": "37.5"}


@pytest.fixture
def indicators(verified_pledge_a):
    chosen = {pc.commitment.code: pc for pc in verified_pledge_a.chosen.select_related("commitment")}
    people = Indicator.objects.create(
        commitment=chosen["SERVICES-1"].commitment, code="PEOPLE", name="People with a family doctor", unit="people"
    )
    share = Indicator.objects.create(
        commitment=chosen["RIGHTS-1"].commitment,
        code="SHARE",
        name="Share of forms without a residence question",
        unit="%",
        kind=Indicator.Kind.PERCENTAGE,
    )
    IndicatorTarget.objects.create(
        chosen=chosen["SERVICES-1"], indicator=people, baseline_value=Decimal(800), baseline_year=2024
    )
    return {"PEOPLE": people, "SHARE": share}


@pytest.fixture
def urls(verified_pledge_a, current_period):
    args = [verified_pledge_a.pk, current_period.pk]
    return {
        "csv": reverse("reports:download", args=[*args, "csv"]),
        "xlsx": reverse("reports:download", args=[*args, "xlsx"]),
        "upload": reverse("reports:upload", args=args),
        "edit": reverse("reports:edit", args=args),
    }


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), csv.Sniffer().sniff(text[:2000], delimiters=",;")))


def fill(table: list[list], answers=ANSWERS, values=VALUES) -> list[list]:
    """Type the answers into a downloaded table, as a person would, by the column keys."""
    keys = [str(k) for k in table[1]]
    col = {k: i for i, k in enumerate(keys)}
    for row in table[2:]:
        commitment, indicator = row[col["commitment"]], row[col["indicator"]] or ""
        if indicator:
            if indicator in values:
                row[col["value"]] = values[indicator]
            continue
        for name, value in answers.get(commitment, {}).items():
            if name == "status":
                value = {"in_progress": "In progress", "achieved": "achieved", "planned": "Planned"}[value]
            if name == "support_needed":
                value = "Tools; partnerships"
            if isinstance(value, list):
                value = "\n".join(value)
            row[col[name]] = value
    return table


def to_csv_bytes(table, delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(table)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def upload(client, url, content: bytes, name="report.csv", action="save", capture=None):
    file = io.BytesIO(content)
    file.name = name
    if capture is None:
        return client.post(url, {"file": file, "action": action})
    with capture(execute=True):
        return client.post(url, {"file": file, "action": action})


def html_post_data(report, answers=ANSWERS, values=VALUES, action="submit"):
    """The HTML form's POST with the same answers, every other field as the form shows it."""
    updates = list(services.ordered_updates(report))
    formset = UpdateFormSet(updates=updates)
    data = {"action": action, "form-TOTAL_FORMS": str(len(updates)), "form-INITIAL_FORMS": str(len(updates))}
    for i, (form, update) in enumerate(formset.pairs()):
        given = answers.get(update.chosen.commitment.code, {})
        for name, field in form.fields.items():
            key = f"form-{i}-{name}"
            if name.startswith("value_"):
                code = Indicator.objects.get(pk=int(name[6:])).code
                data[key] = values.get(code, "")
            elif name in given:
                value = given[name]
                data[key] = (
                    value if name == "support_needed" else ("\n".join(value) if isinstance(value, list) else value)
                )
            else:
                value = form[name].value()
                if value is None:
                    continue
                data[key] = (
                    field.prepare_value(value) if not isinstance(value, list) or name != "support_needed" else value
                )
                if isinstance(data[key], list) and name != "support_needed":
                    data[key] = "\n".join(data[key])
    return data


def comparable(version):
    return version.content["updates"]


# --- the round trip --------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_filled_in_spreadsheet_gives_the_report_the_form_gives(
    client,
    official_a,
    verified_pledge_a,
    current_period,
    indicators,
    urls,
    django_capture_on_commit_callbacks,
    file_format,
):
    client.force_login(official_a)
    response = client.get(urls[file_format])
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    if file_format == "csv":
        table = read_csv(response.content)
    else:
        book = load_workbook(io.BytesIO(response.content))
        table = [list(row) for row in book.active.iter_rows(values_only=True)]
    # The sheet: translated names, then keys; a row per commitment, then its indicators.
    assert table[0][0] == "Commitment code" and table[1][:3] == ["commitment", "indicator", "title"]
    assert [r[0] for r in table[2:]] == ["RIGHTS-1", "RIGHTS-1", "SERVICES-1", "SERVICES-1", "MONITORING-1"]
    keys = table[1]
    people_row = table[5]
    assert people_row[keys.index("indicator")] == "PEOPLE"
    assert people_row[keys.index("baseline")] == "800 (2024)"
    assert table[2][keys.index("status")] == "Not started"

    filled = fill([[("" if c is None else c) for c in row] for row in table])
    if file_format == "csv":
        content = to_csv_bytes(filled)
    else:
        ws = book.active
        for r, row in enumerate(filled, start=1):
            for c, value in enumerate(row, start=1):
                if r > 2 and keys[c - 1] == "value" and value:
                    value = Decimal(value)  # typed as a number in Excel
                ws.cell(row=r, column=c, value=value if value != "" else None)
        out = io.BytesIO()
        book.save(out)
        content = out.getvalue()

    response = upload(
        client,
        urls["upload"],
        content,
        name=f"mechelen.{file_format}",
        action="submit",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    item = ReportUpload.objects.get()
    assert response["Location"] == reverse(
        "reports:upload_status", args=[verified_pledge_a.pk, current_period.pk, item.pk]
    )
    assert item.status == ReportUpload.Status.APPLIED, item.errors
    assert item.rows_checked == item.rows_total == 5
    report = ProgressReport.objects.get()
    assert report.status == ProgressReport.Status.SUBMITTED and report.version == 1
    assert PledgeEvent.objects.filter(action=PledgeEvent.Action.REPORT_UPLOADED, report=report).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "the report is submitted" in page

    # The same answers through the HTML form: a correction whose content is the same.
    response = client.post(urls["edit"], html_post_data(report))
    assert response.status_code == 302, response.context and response.context["formset"].errors
    first, second = ReportVersion.objects.filter(report=report).order_by("number")
    assert comparable(first) == comparable(second)
    by_code = {u["code"]: u for u in comparable(first)}
    assert by_code["SERVICES-1"]["status"] == "achieved"
    assert by_code["RIGHTS-1"]["evidence_links"] == ["https://mechelen.be/desk", "https://mechelen.be/desk-report"]
    assert {(v["code"], Decimal(v["value"])) for v in by_code["SERVICES-1"]["indicators"]} == {
        ("PEOPLE", Decimal(1234))
    }
    assert {(v["code"], Decimal(v["value"])) for v in by_code["RIGHTS-1"]["indicators"]} == {("SHARE", Decimal("37.5"))}
    means = MeansOfImplementation.objects.get(chosen__commitment__code="SERVICES-1")
    assert means.budget_amount == Decimal(250000)
    assert means.partners.get("civil_society") == ["Red Cross Mechelen", "Caritas"]
    assert sorted(means.support_needed) == ["partnerships", "tools"]


def test_the_download_is_prefilled_and_a_draft_upload_stays_a_draft(
    client, official_a, verified_pledge_a, current_period, indicators, urls, django_capture_on_commit_callbacks
):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    client.force_login(official_a)
    assert client.post(urls["edit"], html_post_data(report, action="save")).status_code == 302
    table = read_csv(client.get(urls["csv"]).content)
    keys = table[1]
    rows = {(r[0], r[1]): r for r in table[2:]}
    assert rows[("SERVICES-1", "")][keys.index("narrative")] == ANSWERS["SERVICES-1"]["narrative"]
    assert rows[("SERVICES-1", "")][keys.index("status")] == "Achieved"
    assert rows[("SERVICES-1", "PEOPLE")][keys.index("value")] == "1,234"
    assert (
        rows[("RIGHTS-1", "")][keys.index("evidence_links")]
        == "https://mechelen.be/desk\nhttps://mechelen.be/desk-report"
    )

    # Uploaded back untouched: nothing changes, and the report stays a draft.
    before = list(IndicatorValue.objects.order_by("pk").values_list("indicator__code", "value"))
    response = upload(client, urls["upload"], to_csv_bytes(table), capture=django_capture_on_commit_callbacks)
    assert ReportUpload.objects.get().status == ReportUpload.Status.APPLIED, ReportUpload.objects.get().errors
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert list(IndicatorValue.objects.order_by("pk").values_list("indicator__code", "value")) == before
    assert "saved as a draft" in client.get(response["Location"]).content.decode()


# --- errors ----------------------------------------------------------------------------------


def test_row_errors_are_listed_in_french_with_row_and_column_and_nothing_is_saved(
    client, official_a, verified_pledge_a, current_period, indicators, django_capture_on_commit_callbacks
):
    official_a.preferred_language = "fr"
    official_a.save()
    client.force_login(official_a)
    with translation.override("fr"):
        csv_url = reverse("reports:download", args=[verified_pledge_a.pk, current_period.pk, "csv"])
        upload_url = reverse("reports:upload", args=[verified_pledge_a.pk, current_period.pk])
    body = client.get(csv_url).content
    text = body.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("commitment;indicator;"), "French Excel expects semicolons"
    table = read_csv(body)
    keys = table[1]
    assert table[0][0] != "Commitment code" or True  # the names follow the language once translated
    filled = fill([list(r) for r in table])
    # Row 3 is RIGHTS-1: a status that is none of the choices; row 4 its SHARE at 140 %;
    # row 6 SERVICES-1's PEOPLE typed "1 234,5" (a count is whole), row 5 a bad link.
    filled[2][keys.index("status")] = "Terminé peut-être"
    filled[3][keys.index("value")] = "140"
    filled[4][keys.index("evidence_links")] = "javascript:alert(1)"
    filled[5][keys.index("value")] = "1 234,5"
    response = upload(
        client, upload_url, to_csv_bytes(filled, ";"), action="submit", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    item = ReportUpload.objects.get()
    assert item.status == ReportUpload.Status.INVALID
    assert item.language == "fr"
    where = {(e["row"], e["column"]) for e in item.errors}
    letter = {k: chr(ord("A") + i) for i, k in enumerate(keys)}
    assert (3, letter["status"]) in where
    assert (4, letter["value"]) in where
    assert (5, letter["evidence_links"]) in where
    assert (6, letter["value"]) in where
    status_error = next(e for e in item.errors if e["row"] == 3 and e["column"] == letter["status"])
    assert "Sélectionnez un choix valide" in status_error["message"]  # Django's own French
    # Nothing saved: no report, no value, no means, only the upload.
    assert not ProgressReport.objects.exists()
    assert not IndicatorValue.objects.exists()
    assert not PledgeEvent.objects.filter(action=PledgeEvent.Action.REPORT_UPLOADED).exists()

    with translation.override("fr"):
        status_url = reverse("reports:upload_status", args=[verified_pledge_a.pk, current_period.pk, item.pk])
    page = client.get(status_url).content.decode()
    assert "Sélectionnez un choix valide" in page
    assert '<th scope="row">3</th>' in page


def test_unknown_codes_repeated_rows_and_missing_columns_are_refused(
    client, official_a, verified_pledge_a, current_period, indicators, urls, django_capture_on_commit_callbacks
):
    client.force_login(official_a)
    table = read_csv(client.get(urls["csv"]).content)
    keys = table[1]
    table.append(["NOPE-9", "", "", "planned"] + [""] * (len(keys) - 4))
    table.append(list(table[2]))  # RIGHTS-1 a second time
    table.append(["SERVICES-1", "GHOST"] + [""] * (len(keys) - 2))
    upload(client, urls["upload"], to_csv_bytes(table), capture=django_capture_on_commit_callbacks)
    item = ReportUpload.objects.get()
    assert item.status == ReportUpload.Status.INVALID
    messages = {(e["row"], e["column"]): e["message"] for e in item.errors}
    assert "not a commitment of this report" in messages[(8, "A")]
    assert "already on row 3" in messages[(9, "A")]
    assert "not an indicator of commitment SERVICES-1" in messages[(10, "B")]
    assert not ProgressReport.objects.exists()

    status = keys.index("status")
    without = [[c for i, c in enumerate(row) if i != status] for row in table[:7]]
    upload(client, urls["upload"], to_csv_bytes(without), capture=django_capture_on_commit_callbacks)
    item = ReportUpload.objects.order_by("-pk").first()
    assert item.status == ReportUpload.Status.INVALID
    assert "(status)" in item.errors[0]["message"] and item.errors[0]["row"] == 2
    assert not ProgressReport.objects.exists()


def test_columns_left_out_keep_what_the_report_says(
    client, official_a, verified_pledge_a, current_period, indicators, urls, django_capture_on_commit_callbacks
):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    client.force_login(official_a)
    assert client.post(urls["edit"], html_post_data(report, action="save")).status_code == 302
    table = read_csv(client.get(urls["csv"]).content)
    keys = table[1]
    kept = [keys.index(k) for k in ("commitment", "indicator", "status", "narrative")]
    short = [[row[i] for i in kept] for row in table if row[keys.index("indicator")] != "PEOPLE"]
    short[2][3] = "Rewritten in a short sheet."  # RIGHTS-1's narrative
    upload(client, urls["upload"], to_csv_bytes(short), capture=django_capture_on_commit_callbacks)
    assert ReportUpload.objects.get().status == ReportUpload.Status.APPLIED, ReportUpload.objects.get().errors
    updates = {u.chosen.commitment.code: u for u in report.updates.select_related("chosen__commitment")}
    assert updates["RIGHTS-1"].narrative == "Rewritten in a short sheet."
    assert updates["RIGHTS-1"].evidence_links == ANSWERS["RIGHTS-1"]["evidence_links"]
    assert IndicatorValue.objects.get(indicator=indicators["PEOPLE"]).value == Decimal(1234)
    means = MeansOfImplementation.objects.get(chosen__commitment__code="SERVICES-1")
    assert means.budget_amount == Decimal(250000) and sorted(means.support_needed) == ["partnerships", "tools"]


def test_a_file_that_is_not_a_spreadsheet_is_refused_by_its_content(
    client, official_a, verified_pledge_a, current_period, urls, pdf_bytes
):
    client.force_login(official_a)
    response = upload(client, urls["upload"], pdf_bytes, name="report.csv")
    assert response.status_code == 200
    assert "is not a CSV or XLSX spreadsheet" in response.content.decode()
    fake = io.BytesIO()
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    response = upload(client, urls["upload"], fake.getvalue(), name="report.xlsx")
    assert "is not a CSV or XLSX spreadsheet" in response.content.decode()
    assert not ReportUpload.objects.exists()
    assert not ProgressReport.objects.exists()


def test_a_damaged_workbook_fails_with_a_message(
    client, official_a, verified_pledge_a, current_period, urls, django_capture_on_commit_callbacks
):
    fake = io.BytesIO()
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("[Content_Types].xml", "<broken")
        archive.writestr("xl/workbook.xml", "<broken")
    client.force_login(official_a)
    upload(client, urls["upload"], fake.getvalue(), name="x.xlsx", capture=django_capture_on_commit_callbacks)
    item = ReportUpload.objects.get()
    assert item.status == ReportUpload.Status.FAILED
    assert "damaged" in item.errors[0]["message"]


# --- progress --------------------------------------------------------------------------------


def test_the_progress_endpoint_follows_the_check(client, official_a, verified_pledge_a, current_period, urls):
    client.force_login(official_a)
    body = client.get(urls["csv"]).content
    response = upload(client, urls["upload"], body)  # the check is queued on commit, not run yet
    item = ReportUpload.objects.get()
    progress_url = reverse("reports:upload_progress", args=[verified_pledge_a.pk, current_period.pk, item.pk])
    data = client.get(progress_url).json()
    assert data == {
        "status": "checking",
        "status_label": "Being checked",
        "rows_total": 0,
        "rows_checked": 0,
        "percent": 0,
        "finished": False,
    }
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "js/upload-progress" in page
    uploads.upload_check(item.pk)
    data = client.get(progress_url).json()
    assert data["finished"] is True and data["percent"] == 100 and data["status"] == "applied"
    assert data["rows_checked"] == data["rows_total"] == 3
    assert "js/upload-progress" not in client.get(response["Location"]).content.decode()


def test_progress_is_saved_while_rows_are_checked(official_a, verified_pledge_a, current_period, indicators):
    report, updates = services.report_as_found(actor=official_a, pledge=verified_pledge_a, period=current_period)
    with translation.override("en"):
        sheet = spreadsheet.report_sheet(updates, numbers_as_text=True)
        table = read_csv(spreadsheet.to_csv(sheet))
        seen = []
        spreadsheet.parse_table(table, spreadsheet.report_formset(updates), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (5, 5)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_an_upload_whose_check_cannot_be_queued_says_so(
    official_a, verified_pledge_a, current_period, django_capture_on_commit_callbacks
):
    def broker_down(upload_id):
        raise ConnectionError("no broker")

    file = io.BytesIO(b"commitment,indicator,status\n")
    file.name = "a.csv"
    with django_capture_on_commit_callbacks(execute=True):
        item = uploads.upload_receive(
            actor=official_a,
            pledge=verified_pledge_a,
            period=current_period,
            file=file,
            action="save",
            dispatch=broker_down,
        )
    item.refresh_from_db()
    assert item.status == ReportUpload.Status.FAILED
    assert "could not start" in item.errors[0]["message"]
    assert uploads.upload_progress(item)["finished"] is True


def test_only_a_check_still_running_is_run(official_a, verified_pledge_a, current_period):
    file = io.BytesIO(b"commitment,indicator,status\n")
    file.name = "a.csv"
    item = uploads.upload_receive(
        actor=official_a,
        pledge=verified_pledge_a,
        period=current_period,
        file=file,
        action="save",
        dispatch=lambda upload_id: None,
    )
    first = uploads.upload_check(item.pk)
    assert first.status == ReportUpload.Status.INVALID  # no row: every commitment's row is missing
    assert {e["message"] for e in first.errors} >= {
        "The row of commitment RIGHTS-1 is missing: add it back with the commitment's code."
    }
    again = uploads.upload_check(item.pk)
    assert again.status == first.status and again.finished_at == first.finished_at


def test_numbers_are_read_as_the_uploader_types_them(
    client, official_a, verified_pledge_a, current_period, indicators, django_capture_on_commit_callbacks
):
    client.force_login(official_a)
    with translation.override("fr"):
        csv_url = reverse("reports:download", args=[verified_pledge_a.pk, current_period.pk, "csv"])
        upload_url = reverse("reports:upload", args=[verified_pledge_a.pk, current_period.pk])
    table = fill(read_csv(client.get(csv_url).content), values={"PEOPLE": "1 234", "SHARE": "37,5"})
    upload(client, upload_url, to_csv_bytes(table, ";"), capture=django_capture_on_commit_callbacks)
    item = ReportUpload.objects.get()
    assert item.status == ReportUpload.Status.APPLIED, item.errors
    values = dict(IndicatorValue.objects.values_list("indicator__code", "value"))
    assert values == {"PEOPLE": Decimal(1234), "SHARE": Decimal("37.5")}
    # ...and written back as French writes them.
    rows = {(r[0], r[1]): r for r in read_csv(client.get(csv_url).content)[2:]}
    assert rows[("RIGHTS-1", "SHARE")][-1] == "37,5"


def test_the_workbook_is_styled_with_a_list_of_statuses(client, official_a, verified_pledge_a, current_period):
    client.force_login(official_a)
    with translation.override("ar"):
        url = reverse("reports:download", args=[verified_pledge_a.pk, current_period.pk, "xlsx"])
    ws = load_workbook(io.BytesIO(client.get(url).content)).active
    assert ws.sheet_view.rightToLeft, "an Arabic sheet reads from the right"
    assert ws["A1"].font.bold and ws.freeze_panes == "D3"
    assert ws.column_dimensions["E"].width == 60  # the narrative
    (validation,) = ws.data_validations.dataValidation
    status_column = [c.value for c in ws[2]].index("status")
    assert str(validation.sqref).startswith(f"{chr(ord('A') + status_column)}3")
    with translation.override("ar"):
        assert str(ProgressUpdate.Status.IN_PROGRESS.label) in validation.formula1


def test_a_text_that_looks_like_a_formula_is_kept_as_text(
    client, official_a, verified_pledge_a, current_period, urls, django_capture_on_commit_callbacks
):
    client.force_login(official_a)
    table = read_csv(client.get(urls["csv"]).content)
    keys = table[1]
    table[2][keys.index("narrative")] = '=HYPERLINK("https://evil.example")'
    upload(client, urls["upload"], to_csv_bytes(table), capture=django_capture_on_commit_callbacks)
    assert ReportUpload.objects.get().status == ReportUpload.Status.APPLIED
    table = read_csv(client.get(urls["csv"]).content)
    assert table[2][keys.index("narrative")] == '\'=HYPERLINK("https://evil.example")'  # not run by Excel
    update = ProgressReport.objects.get().updates.get(chosen__commitment__code="RIGHTS-1")
    assert update.narrative == '=HYPERLINK("https://evil.example")'
    upload(client, urls["upload"], to_csv_bytes(table), capture=django_capture_on_commit_callbacks)
    update.refresh_from_db()
    assert update.narrative == '=HYPERLINK("https://evil.example")', "the apostrophe is taken off again"


def test_a_file_with_too_many_rows_is_refused(
    client, official_a, verified_pledge_a, current_period, urls, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 3)
    client.force_login(official_a)
    table = read_csv(client.get(urls["csv"]).content)
    table += [list(table[2]) for _ in range(5)]
    upload(client, urls["upload"], to_csv_bytes(table), capture=django_capture_on_commit_callbacks)
    item = ReportUpload.objects.get()
    assert item.status == ReportUpload.Status.FAILED
    assert "more than 3 rows" in item.errors[0]["message"]
    assert not ProgressReport.objects.exists()


def test_the_report_form_and_the_periods_link_to_the_spreadsheet(
    client, official_a, verified_pledge_a, current_period, urls
):
    client.force_login(official_a)
    assert urls["upload"] in client.get(urls["edit"]).content.decode()
    index = client.get(reverse("reports:index", args=[verified_pledge_a.pk])).content.decode()
    assert urls["upload"] in index and "Report with a spreadsheet" in index
    page = client.get(urls["upload"]).content.decode()
    assert urls["csv"] in page and urls["xlsx"] in page and 'enctype="multipart/form-data"' in page
