"""What changed between two versions of a report, commitment by commitment.

``compare(before, after)`` takes two frozen contents (ReportVersion.content; ``before`` is
None for a first version) and gives one ``CommitmentChanges`` per commitment of either, in
the order of ``after``: its status, the narrative as a word diff (difflib), the links and
evidence files added and removed, the figures, the indicator values and the means of
implementation. It reads nothing from the database; ``with_names`` adds the commitments'
and indicators' names in two queries. Officials see it for their own versions, campaign
admins in the review tab, the public only between two *published* versions.
"""

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from campaign.models import Commitment
from pledges.models import EvidenceFile, ProgressUpdate, ReportVersion
from pledges.monitoring.models import Indicator, MeansOfImplementation
from pledges.monitoring.values import format_number

# Words, runs of spaces and single marks: a narrative is compared token by token, so that a
# changed word shows as that word, in any script.
TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
# Past this many tokens on either side the narrative is compared line by line (quadratic work).
MAX_WORD_TOKENS = 5_000

MEANS_FIELDS: list[tuple[str, Promise]] = [
    ("budget_amount", _("Budget")),
    ("budget_currency", _("Currency of the budget")),
    ("staff_fte", _("Staff (full-time equivalents)")),
    ("lead_department", _("Lead department")),
    ("support_details", _("About the support needed")),
]


@dataclass
class Segment:
    op: str  # "equal", "insert" or "delete"
    text: str


@dataclass
class Change:
    label: Any
    before: str
    after: str


@dataclass
class CommitmentChanges:
    commitment_id: int | None
    code: str
    added: bool = False  # not in the version before
    removed: bool = False  # not in this version
    status: Change | None = None
    narrative: list[Segment] | None = None  # None when unchanged
    links_added: list[str] = field(default_factory=list)
    links_removed: list[str] = field(default_factory=list)
    figures: Change | None = None
    indicators: list[dict[str, Any]] = field(default_factory=list)  # indicator_id, code, before, after
    means: list[Change] = field(default_factory=list)
    files_added: list[dict[str, Any]] = field(default_factory=list)
    files_removed: list[dict[str, Any]] = field(default_factory=list)
    commitment: Commitment | None = None  # with_names

    @property
    def changed(self) -> bool:
        return bool(
            self.added
            or self.removed
            or self.status
            or self.narrative is not None
            or self.links_added
            or self.links_removed
            or self.figures
            or self.indicators
            or self.means
            or self.files_added
            or self.files_removed
        )


def word_diff(before: str, after: str) -> list[Segment]:
    """``after`` against ``before`` as equal, inserted and deleted pieces, by word (by line
    for very long texts)."""
    old, new = TOKENS.findall(before or ""), TOKENS.findall(after or "")
    if max(len(old), len(new)) > MAX_WORD_TOKENS:
        old, new = (before or "").splitlines(keepends=True), (after or "").splitlines(keepends=True)
    segments: list[Segment] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1].text += text
        else:
            segments.append(Segment(op, text))

    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    # A lone space between two changed words joins them: "one shop" → "two shops" reads as
    # one change, not two.
    merged: list[list[Any]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        is_gap = (
            tag == "equal"
            and 0 < index < len(opcodes) - 1
            and all(not token.strip() for token in new[j1:j2])
            and merged
            and merged[-1][0] != "equal"
            and opcodes[index + 1][0] != "equal"
        )
        if (tag != "equal" or is_gap) and merged and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2
        else:
            merged.append([tag if tag == "equal" else "replace", i1, i2, j1, j2])
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            add("equal", "".join(new[j1:j2]))
        else:
            add("delete", "".join(old[i1:i2]))
            add("insert", "".join(new[j1:j2]))
    return segments


def _number(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return format_number(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


def _same_number(a: Any, b: Any) -> bool:
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError, TypeError):
        return a == b


def _status_label(code: str) -> str:
    return str(dict(ProgressUpdate.Status.choices).get(code, code or ""))


def _names(values: list[str]) -> str:
    return ", ".join(values)


def _means_changes(before: dict | None, after: dict | None) -> list[Change]:
    before, after = before or {}, after or {}
    if before == after:
        return []
    changes = []
    for key, label in MEANS_FIELDS:
        old, new = before.get(key), after.get(key)
        if key in ("budget_amount", "staff_fte"):
            if (old in (None, "")) and (new in (None, "")):
                continue
            if old not in (None, "") and new not in (None, "") and _same_number(old, new):
                continue
            changes.append(Change(label, _number(old), _number(new)))
        elif (old or "") != (new or ""):
            changes.append(Change(label, str(old or ""), str(new or "")))
    kinds = dict(MeansOfImplementation.PartnerKind.choices)
    old_partners, new_partners = before.get("partners") or {}, after.get("partners") or {}
    for kind, kind_label in kinds.items():
        old_names, new_names = list(old_partners.get(kind) or []), list(new_partners.get(kind) or [])
        if old_names != new_names:
            partner_label = _("Partners: %(kind)s") % {"kind": kind_label}
            changes.append(Change(partner_label, _names(old_names), _names(new_names)))
    support = dict(MeansOfImplementation.SupportKind.choices)
    old_support, new_support = before.get("support_needed") or [], after.get("support_needed") or []
    if sorted(old_support) != sorted(new_support):
        changes.append(
            Change(
                _("Support needed"),
                _names([str(support.get(k, k)) for k in old_support]),
                _names([str(support.get(k, k)) for k in new_support]),
            )
        )
    return changes


def _indicator_changes(before: list | None, after: list | None) -> list[dict[str, Any]]:
    old = {i.get("indicator_id"): i for i in before or [] if isinstance(i, dict)}
    new = {i.get("indicator_id"): i for i in after or [] if isinstance(i, dict)}
    changes = []
    for indicator_id in list(dict.fromkeys([*new, *old])):
        a, b = old.get(indicator_id), new.get(indicator_id)
        old_value, new_value = (a or {}).get("value"), (b or {}).get("value")
        if a and b and _same_number(old_value, new_value):
            continue
        changes.append(
            {
                "indicator_id": indicator_id,
                "code": (b or a or {}).get("code", ""),
                "before": _number(old_value),
                "after": _number(new_value),
                "indicator": None,
            }
        )
    return changes


def _file_key(f: dict) -> Any:
    return f.get("id")


def _compare_update(before: dict | None, after: dict | None) -> CommitmentChanges:
    a, b = before or {}, after or {}
    source = b or a
    changes = CommitmentChanges(
        commitment_id=source.get("commitment_id"),
        code=source.get("code", ""),
        added=before is None and after is not None,
        removed=after is None,
    )
    if a.get("status") != b.get("status") and not changes.removed:
        changes.status = Change(
            _("Where things stand"), _status_label(a.get("status", "")), _status_label(b.get("status", ""))
        )
    if (a.get("narrative") or "") != (b.get("narrative") or "") and not changes.removed:
        changes.narrative = word_diff(a.get("narrative") or "", b.get("narrative") or "")
    old_links, new_links = list(a.get("evidence_links") or []), list(b.get("evidence_links") or [])
    changes.links_added = [link for link in new_links if link not in old_links]
    changes.links_removed = [link for link in old_links if link not in new_links]
    if (a.get("figures") or "") != (b.get("figures") or "") and not changes.removed:
        changes.figures = Change(_("Figures"), a.get("figures") or "", b.get("figures") or "")
    changes.indicators = _indicator_changes(a.get("indicators"), b.get("indicators"))
    changes.means = _means_changes(a.get("means"), b.get("means"))
    old_files = {_file_key(f): f for f in a.get("evidence_files") or [] if isinstance(f, dict)}
    new_files = {_file_key(f): f for f in b.get("evidence_files") or [] if isinstance(f, dict)}
    changes.files_added = [f for key, f in new_files.items() if key not in old_files]
    changes.files_removed = [f for key, f in old_files.items() if key not in new_files]
    return changes


def compare(before: dict[str, Any] | None, after: dict[str, Any]) -> list[CommitmentChanges]:
    """Per commitment, what ``after`` changed in ``before`` (None: everything is new)."""
    old = {u.get("commitment_id"): u for u in (before or {}).get("updates", []) if isinstance(u, dict)}
    new = {u.get("commitment_id"): u for u in (after or {}).get("updates", []) if isinstance(u, dict)}
    if before is None:
        return [_compare_update(None, u) for u in new.values()]
    result = [_compare_update(old.get(key), u) for key, u in new.items()]
    result += [_compare_update(u, None) for key, u in old.items() if key not in new]
    return result


def with_names(changes: list[CommitmentChanges]) -> list[CommitmentChanges]:
    """The same changes with their commitments, indicators and whether each file is still
    stored: three queries at most."""
    commitments = Commitment.objects.in_bulk([c.commitment_id for c in changes if c.commitment_id])
    indicators = Indicator.objects.in_bulk(
        [i["indicator_id"] for c in changes for i in c.indicators if i.get("indicator_id")]
    )
    listed: list[int] = [int(f["id"]) for c in changes for f in (*c.files_added, *c.files_removed) if f.get("id")]
    stored = set(EvidenceFile.objects.filter(pk__in=listed).values_list("pk", flat=True)) if listed else set()
    for c in changes:
        c.commitment = commitments.get(c.commitment_id) if c.commitment_id else None
        for i in c.indicators:
            i["indicator"] = indicators.get(i.get("indicator_id"))
        # A file the city removed since keeps its name, without a link.
        c.files_added = [{**f, "available": f.get("id") in stored} for f in c.files_added]
        c.files_removed = [{**f, "available": f.get("id") in stored} for f in c.files_removed]
    return changes


def previous_of(version: ReportVersion, *, published_only: bool = False) -> ReportVersion | None:
    """The version before ``version`` of the same report (the published one before it when
    ``published_only``, for the public): one query."""
    earlier = ReportVersion.objects.filter(report_id=version.report_id, number__lt=version.number)
    if published_only:
        earlier = earlier.filter(published_at__isnull=False)
    return earlier.order_by("-number").first()


def version_changes(
    version: ReportVersion, *, published_only: bool = False
) -> tuple[ReportVersion | None, list[CommitmentChanges]]:
    """The version before ``version`` and what ``version`` changed in it, with names."""
    previous = previous_of(version, published_only=published_only)
    return previous, with_names(compare(previous.content if previous else None, version.content or {}))
