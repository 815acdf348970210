"""The commitment catalogue file is complete: every site language, unique codes, every theme."""

import re

from django.conf import settings

from campaign.models import Campaign, Commitment, validate_reminder_offsets
from seeds.management.commands.seed_commitments import CATALOGUE, read_catalogue

# Every site language, Arabic included: a language added to settings needs its catalogue texts.
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def test_catalogue_file_is_valid_json_in_the_repository():
    assert CATALOGUE.exists()
    catalogue = read_catalogue()
    assert 20 <= len(catalogue["commitments"]) <= 28


def test_every_commitment_has_title_and_description_in_every_site_language():
    assert "ar" in LANGUAGES
    for item in read_catalogue()["commitments"]:
        for field in ("title", "description"):
            for language in LANGUAGES:
                text = item[field].get(language, "")
                assert text.strip(), f"{item['code']} has no {field} in {language}"
            # Written in each language, not copied across.
            texts = [item[field][language] for language in LANGUAGES]
            assert len(set(texts)) == len(texts), f"{item['code']} repeats a {field} across languages"
        # The Arabic is written in Arabic script.
        assert re.search(r"[\u0600-\u06FF]", item["title"]["ar"]), item["code"]


def test_every_campaign_text_and_period_label_is_in_every_site_language():
    campaign = read_catalogue()["campaign"]
    texts = [campaign[field] for field in ("title", "slogan", "description")]
    texts += [period["label"] for period in campaign["periods"]]
    for text in texts:
        assert all(text.get(language, "").strip() for language in LANGUAGES), text["en"]


def test_codes_are_unique_and_well_formed():
    codes = [item["code"] for item in read_catalogue()["commitments"]]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]+-\d+", code) for code in codes)


def test_every_theme_is_used_and_a_few_commitments_are_required():
    items = read_catalogue()["commitments"]
    assert {item["theme"] for item in items} == set(Commitment.Theme.values)
    assert 3 <= sum(1 for item in items if item["is_required"]) <= 4


def test_framework_links_are_valid():
    for item in read_catalogue()["commitments"]:
        commitment = Commitment(
            code=item["code"],
            theme=item["theme"],
            title_en=item["title"]["en"],
            sdg_targets=item["sdg_targets"],
            gcm_objectives=item["gcm_objectives"],
            nua_paragraphs=item["nua_paragraphs"],
        )
        commitment.clean_fields(exclude=["campaign"])
        assert item["sdg_targets"] and item["gcm_objectives"], f"{item['code']} links no SDG target or GCM objective"


def test_campaign_entry():
    campaign = read_catalogue()["campaign"]
    assert campaign["slogan"]["en"] == "All migrants, all citizens"
    assert campaign["slogan"]["fr"] == "Tous migrants, tous citoyens"
    assert all(campaign["title"][language] for language in LANGUAGES)
    assert campaign["status"] == Campaign.Status.OPEN
    assert campaign["reporting_cadence"] == Campaign.Cadence.ANNUAL
    validate_reminder_offsets(campaign["reminder_offsets"])
    dues = [period["due"] for period in campaign["periods"]]
    assert dues == sorted(dues)
    assert any(due < "2026-11-24" for due in dues) and any(due > "2026-11-24" for due in dues)
