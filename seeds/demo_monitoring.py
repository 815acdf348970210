"""The demo's monitoring: means of implementation, baselines, targets and indicator values
of the demo cities, from the "monitoring" part of seeds/data/demo_pledges.json.

Everything goes through the services an official uses (pledges.monitoring.services for the
means, the baselines and targets and a city's own indicators; the values travel with each
report in ``UpdateInput.values``, which ``pledges.services.report_save`` stores before the
demo submits the report, so the frozen version carries them). The demo back-dates the
history entries these calls write, as it does for the pledges (seeds/demo.py).

How the figures are made, so that a first run shows trends:

- the baseline stands for the year before the council decision; the target is set for the
  end of a year two to four years ahead of the day of the seed (the services refuse a target
  date in the past), within the campaign's horizon;
- each value is on the straight line from the baseline to the target at its period's due
  date (``pledges.monitoring.progress.expected_at``, the line ``on_track`` judges against),
  times a pace: above one for a city "ahead" (on track), well below one for a city "behind"
  (not on track), drawn per indicator for a "mixed" one. Counts are rounded away from the
  line so that the pace, not the rounding, decides whether a value is on track;
- yes/no indicators aim at yes (1): an "ahead" city says yes from its first or second
  report, a "behind" one not yet (one marked "always", such as the focal point, is yes
  from the start);
- a city's own indicators (``own_indicators``, written in the city's language) are added
  through the service a city uses, with figures of their own.

Every draw comes from a random generator seeded by the city and the indicator, apart from
the one the rest of the demo uses, so that the figures are the same on every run and adding
them changes nothing else of the demo.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Municipality, User
from accounts.place_names import currency_of
from pledges.delays import delay_request, latest_date
from pledges.models import DelayRequest, Pledge, PledgeCommitment, PledgeEvent, ProgressReport
from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation
from pledges.monitoring.progress import expected_at
from pledges.monitoring.services import (
    IndicatorInput,
    MeansInput,
    TargetInput,
    indicators_for,
    means_save,
    own_indicator_add,
    targets_of,
    targets_save,
)
from pledges.validators import target_date_window

PACE_AHEAD = (1.15, 1.5)
PACE_BEHIND = (0.2, 0.6)
# Each period's value wobbles around its pace by at most this much (either way).
WOBBLE = 0.04
DEFAULT_POPULATION = 100_000


def _stamp_last_event(pledge: Pledge, moment: datetime, action: str) -> None:
    """Demo back-dating of the history entry the last service call wrote (of that action:
    a call that changed nothing wrote none, and an earlier entry keeps its date)."""
    last = (
        PledgeEvent.objects.filter(pledge=pledge, action=action, created_at__gt=moment)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if last:
        PledgeEvent.objects.filter(pk=last).update(created_at=moment)


def significant(value: float, digits: int = 2) -> Decimal:
    """A whole amount rounded to a few significant digits (3 400 000, not 3 417 296)."""
    if value < 1:
        return Decimal(1)
    power = max(0, int(math.floor(math.log10(value))) - digits + 1)
    return Decimal(round(value / 10**power) * 10**power)


class DemoMonitoring:
    """One demo city's means, baselines, targets and values."""

    def __init__(self, *, city: dict, municipality: Municipality, texts: dict):
        self.key = city["key"]
        self.language = city["language"]
        self.municipality = municipality
        self.data: dict[str, Any] = texts.get("monitoring", {})
        self.plan: dict[str, Any] = self.data.get("cities", {}).get(self.key, {})
        self.currency = currency_of(municipality)
        self.decided = date.fromisoformat(city["decided"])
        self.population = municipality.population or DEFAULT_POPULATION

    @property
    def active(self) -> bool:
        return bool(self.plan)

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(["seed-demo-monitoring", self.key, *(str(p) for p in parts)]))

    def _rate(self) -> float:
        return float(self.data.get("rates", {}).get(self.currency, 1))

    # means, own indicators, baselines and targets ---------------------------------------

    def set_up(self, *, pledge: Pledge, official: User, moment: datetime) -> None:
        """The city's own indicators, then the means and the baselines and targets of each
        chosen commitment that has none yet (an existing pledge gets only what it lacks)."""
        if not self.active or pledge.status == Pledge.Status.WITHDRAWN:
            return
        chosen_list = list(
            pledge.chosen.select_related("commitment", "pledge__campaign", "pledge__municipality").order_by(
                "commitment__order"
            )
        )
        self._own_indicators(chosen_list, pledge, official, moment)
        for number, chosen in enumerate(chosen_list):
            if not MeansOfImplementation.objects.filter(chosen=chosen).exists():
                means_save(actor=official, chosen=chosen, data=self.means_for(chosen, first=number == 0))
                _stamp_last_event(pledge, moment, PledgeEvent.Action.MEANS_SAVED)
            stored = targets_of(chosen)
            targets = {
                indicator: data
                for indicator in indicators_for(chosen)
                if indicator.pk not in stored and (data := self.target_for(chosen, indicator)) is not None
            }
            if targets:
                targets_save(actor=official, chosen=chosen, targets=targets)
                _stamp_last_event(pledge, moment, PledgeEvent.Action.TARGETS_SAVED)

    def _own_indicators(self, chosen_list: list[PledgeCommitment], pledge: Pledge, official: User, moment) -> None:
        by_code = {c.commitment.code: c for c in chosen_list}
        for item in self.data.get("own_indicators", []):
            chosen = by_code.get(item["commitment"])
            if item["city"] != self.key or chosen is None:
                continue
            exists = Indicator.objects.filter(
                commitment_id=chosen.commitment_id, municipality=self.municipality, code=item["code"]
            ).exists()
            if exists:
                continue
            own_indicator_add(
                actor=official,
                chosen=chosen,
                data=IndicatorInput(
                    code=item["code"],
                    name=item["name"],
                    kind=item["kind"],
                    unit=item.get("unit", ""),
                    guidance=item.get("guidance", ""),
                    higher_is_better=item.get("higher_is_better", True),
                    language=self.language,
                ),
            )
            _stamp_last_event(pledge, moment, PledgeEvent.Action.INDICATOR_ADDED)

    def _figures(self, indicator: Indicator) -> dict[str, Any] | None:
        if indicator.municipality_id is not None:
            for item in self.data.get("own_indicators", []):
                if item["city"] == self.key and item["code"] == indicator.code:
                    return item["figures"]
            return None
        return self.data.get("figures", {}).get(indicator.code)

    def means_for(self, chosen: PledgeCommitment, *, first: bool = False) -> MeansInput:
        """The means of one chosen commitment; about half of a city's commitments (its
        first always) say what support the city needs, of the kinds its plan lists."""
        code = chosen.commitment.code
        rng = self.rng(code, "means")
        budget = self.population * float(self.plan.get("eur_per_resident", 1)) * self._rate() * rng.uniform(0.5, 1.5)
        fte = rng.uniform(0.5, 2.0) * (1 + min(self.population, 5_000_000) / 500_000)
        departments = self.data.get("departments", {}).get(self.language, {})
        partners_of_city: dict[str, list[str]] = self.plan.get("partners", {})
        kinds = sorted(partners_of_city)
        picked = rng.sample(kinds, k=min(len(kinds), rng.randint(1, 3))) if kinds else []
        partners = {kind: list(partners_of_city[kind]) for kind in kinds if kind in picked}
        support: list[str] = []
        details = ""
        wanted = list(self.plan.get("support", []))
        if wanted and (rng.random() < 0.55 or first):
            support = sorted(rng.sample(wanted, k=rng.randint(1, len(wanted))))
            texts = self.data.get("support_details", {}).get(self.language, {})
            details = " ".join(rng.choice(texts[kind]) for kind in support if texts.get(kind))
        return MeansInput(
            budget_amount=significant(budget),
            budget_currency=self.currency,
            staff_fte=Decimal(str(round(fte, 1))),
            lead_department=departments.get(code, departments.get("_other", "")),
            partners=partners,
            support_needed=support,
            support_details=details,
        )

    def target_for(self, chosen: PledgeCommitment, indicator: Indicator) -> TargetInput | None:
        figures = self._figures(indicator)
        if figures is None:
            return None
        rng = self.rng(indicator.code, "target")
        earliest, latest = target_date_window(chosen.pledge.campaign, self.municipality)
        target_date = date(timezone.now().year + rng.randint(2, 4), 12, 31)
        target_date = max(earliest, min(target_date, latest))
        baseline_year = self.decided.year - 1
        if indicator.kind == Indicator.Kind.YES_NO:
            return TargetInput(
                baseline_value=Decimal(0), baseline_year=baseline_year, target_value=Decimal(1), target_date=target_date
            )
        if "per_100k" in figures:
            base = rng.uniform(*figures["per_100k"]) * self.population / 100_000
        elif "money_per_resident" in figures:
            base = rng.uniform(*figures["money_per_resident"]) * self.population * self._rate()
        else:
            base = rng.uniform(*figures["baseline"])
        if "change" in figures:
            target = base * (1 + rng.uniform(*figures["change"]))
        elif "target" in figures:
            target = rng.uniform(*figures["target"])
        else:
            target = rng.uniform(*figures["target_value"])
        baseline_value, target_value = self._round(indicator, base), self._round(indicator, target)
        if baseline_value == target_value:
            target_value += 1 if indicator.higher_is_better else -1
        return TargetInput(
            baseline_value=baseline_value,
            baseline_year=baseline_year,
            target_value=max(target_value, Decimal(0)),
            target_date=target_date,
        )

    def _round(self, indicator: Indicator, value: float | Decimal, *, up: bool | None = None) -> Decimal:
        """A value as the indicator's kind holds it: a tenth for a percentage (0 to 100),
        a whole number otherwise (money too: no currency's precision is below one), up or
        down when asked, else to the nearest."""
        value = Decimal(str(value))
        step = Decimal("0.1") if indicator.kind == Indicator.Kind.PERCENTAGE else Decimal(1)
        if indicator.kind == Indicator.Kind.AMOUNT and up is None and value >= 1000:
            return significant(float(value), 3)
        rounding = None if up is None else (ROUND_CEILING if up else ROUND_FLOOR)
        rounded = value.quantize(step, rounding=rounding) if rounding else value.quantize(step)
        rounded = max(rounded, Decimal(0))
        if indicator.kind == Indicator.Kind.PERCENTAGE:
            rounded = min(rounded, Decimal(100))
        return rounded.normalize() if rounded != rounded.to_integral_value() else rounded.quantize(Decimal(1))

    # the values of one report -------------------------------------------------------------

    def ahead(self, indicator: Indicator) -> bool:
        pace = self.plan.get("pace", "mixed")
        if pace == "ahead":
            return True
        if pace == "behind":
            return False
        return self.rng(indicator.code, "pace").random() < 0.5

    def values_for(self, chosen: PledgeCommitment, *, number: int, due: date) -> dict[int, Decimal | None] | None:
        """indicator id → the value for the report of the period due on `due`, the pledge's
        `number`-th period (0 for the first it owes); None when the city has no plan."""
        if not self.active:
            return None
        targets = targets_of(chosen)
        when = min(due, timezone.now().date())
        values: dict[int, Decimal | None] = {}
        for indicator in indicators_for(chosen):
            target = targets.get(indicator.pk)
            if target is None:
                continue
            target.indicator = indicator
            value = self.value_for(indicator, target, number=number, when=when)
            if value is not None:
                values[indicator.pk] = value
        return values

    def value_for(self, indicator: Indicator, target: IndicatorTarget, *, number: int, when: date) -> Decimal | None:
        ahead = self.ahead(indicator)
        if indicator.kind == Indicator.Kind.YES_NO:
            figures = self._figures(indicator) or {}
            if figures.get("always"):  # such as a focal point: every demo city has one
                return Decimal(1)
            switch = self.rng(indicator.code, "switch").randint(0, 1)
            return Decimal(1) if ahead and number >= switch else Decimal(0)
        expected = expected_at(target, when)
        if expected is None or target.baseline_value is None:
            return None
        pace = self.rng(indicator.code, "pace-size").uniform(*(PACE_AHEAD if ahead else PACE_BEHIND))
        pace *= 1 + self.rng(indicator.code, "wobble", number).uniform(-WOBBLE, WOBBLE)
        base = target.baseline_value
        raw = base + (expected - base) * Decimal(str(round(pace, 4)))
        # Away from the line: up when higher is better and the city is ahead, and so on.
        return self._round(indicator, raw, up=ahead == indicator.higher_is_better)


def request_more_time(*, data: dict, pledge: Pledge, period, official: User, moment: datetime) -> DelayRequest | None:
    """The demo's one pending request for more time (pledges.delays.delay_request): the city
    asks for a later due date for the current period, whose report it has not submitted.
    Once asked, never asked again."""
    spec = data.get("monitoring", {}).get("delay_request")
    if not spec or period is None or pledge.status != Pledge.Status.VERIFIED:
        return None
    if DelayRequest.objects.filter(pledge=pledge, period=period).exists():
        return None
    if ProgressReport.objects.filter(pledge=pledge, period=period, status=ProgressReport.Status.SUBMITTED).exists():
        return None
    requested_due = min(period.due + timedelta(days=spec.get("days", 30)), latest_date(period))
    request = delay_request(
        actor=official, pledge=pledge, period=period, requested_due=requested_due, reason=spec["reason"]
    )
    # Demo back-dating: asked a few days before the seed.
    DelayRequest.objects.filter(pk=request.pk).update(requested_at=moment)
    _stamp_last_event(pledge, moment, PledgeEvent.Action.DELAY_REQUESTED)
    return request
