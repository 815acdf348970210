"""The evidence files of a report, per commitment, for the officials' report pages."""

from django import template

from pledges import services
from pledges.evidence import MAX_FILES_PER_COMMITMENT, files_of_report

register = template.Library()


@register.simple_tag
def report_evidence_rows(report, pledge) -> list[dict]:
    """One row per chosen commitment: its files and whether one more may be added. Before
    the report is first saved, the pledge's commitments with no file (two queries)."""
    if report is not None and report.pk:
        files = files_of_report(report)
        return [
            {
                "chosen_id": u.chosen_id,
                "commitment": u.chosen.commitment,
                "files": files.get(u.pk, []),
                "can_add": len(files.get(u.pk, [])) < MAX_FILES_PER_COMMITMENT,
            }
            for u in services.ordered_updates(report)
        ]
    chosen = pledge.chosen.select_related("commitment").order_by("commitment__order", "commitment__code", "pk")
    return [{"chosen_id": pc.pk, "commitment": pc.commitment, "files": [], "can_add": True} for pc in chosen]
