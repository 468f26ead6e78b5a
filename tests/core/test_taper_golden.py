"""Golden set of the taper engine: 300 seeded random requests, planned before the engine
was made faster (issue 15), and stored as the plan's JSON or the refusal. Each plan must
come out byte for byte as stored, so a speed-up cannot change a plan.

Regenerate (only when a plan is meant to change, and say why in the commit):
    .venv/bin/python tests/core/test_taper_golden.py
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from clonacare.core.drugs import load_formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import (
    DOSE_TIMES,
    CustomStep,
    PatientFactors,
    TaperRequest,
    plan_taper,
    plan_to_dict,
)

GOLDEN = Path(__file__).parent / "data" / "taper_golden.json.gz"
SEED = 20261204
COUNT = 300
START = date(2027, 1, 4)


def solid_strengths() -> dict[str, list[Decimal]]:
    solids: dict[str, list[Decimal]] = {}
    for product in load_formulary().products:
        if product.form != "liquid":
            solids.setdefault(product.drug, []).append(product.mg_per_unit)
    return solids


def maybe(rng: random.Random, value: object, chance: float = 0.3) -> object:
    return value if rng.random() < chance else None


def random_request(rng: random.Random, solids: dict[str, list[Decimal]]) -> TaperRequest:
    """One request drawn over the options; some are meant to be refused."""
    drug = rng.choice(sorted(solids))
    times = rng.sample(DOSE_TIMES, rng.randint(1, 4))
    doses = tuple((t, rng.choice(solids[drug]) * rng.randint(1, 4)) for t in times)
    method = rng.choice(["percent", "percent", "bands", "fixed", "custom"])
    step = {
        "percent": Decimal(rng.randint(20, 300)) / 10,
        "fixed": Decimal(rng.choice(["0.25", "0.5", "1", "2", "5"])),
        "bands": None,
        "custom": None,
    }[method]
    start = START + timedelta(days=rng.randint(0, 400))
    custom: tuple[CustomStep, ...] = ()
    if method == "custom":
        levels = sorted({rng.randint(0, 4) for _ in range(rng.randint(1, 4))}, reverse=True)
        custom = tuple(
            CustomStep(
                start=start + timedelta(days=14 * (i + 1)),
                doses=tuple((t, rng.choice(solids[drug]) * n) for t in times) if n else (),
            )
            for i, n in enumerate(levels)
        )
    switch_to = "diazepam" if drug != "diazepam" and rng.random() < 0.4 else None
    if rng.random() < 0.02:
        switch_to = "clonazepam"  # refused: only diazepam is supported
    patient = PatientFactors(
        age=rng.choice([None, None, 35, 70, 84]),
        indication=rng.choice([None, None, "anxiety", "insomnia", "epilepsy"]),
        pregnant=rng.random() < 0.05,
        opioid_use=rng.random() < 0.1,
        history_withdrawal_seizure=rng.random() < 0.05,
        confirmed_by=rng.choice([None, "Dr. Avery", "Dr. Avery"]),
    )
    return TaperRequest(
        drug=drug,
        doses=doses,
        start=start,
        method=method,
        step=step,
        interval_days=rng.choice([None, 7, 10, 14, 21, 28]),
        switch_to=switch_to,
        switch_at_de_mg=maybe(rng, Decimal(rng.choice([5, 10, 20])))
        if switch_to and method in ("percent", "bands")
        else None,  # type: ignore[arg-type]
        band_cut=rng.choice([None, None, "low", "high"]) if method == "bands" else None,
        crossover_days=rng.choice([None, None, 7, 14]) if switch_to else None,
        reduce_first=maybe(rng, tuple(rng.sample(DOSE_TIMES, 4)), 0.2),  # type: ignore[arg-type]
        equivalence=rng.choice(["ashton", "vadod"]),
        end_dose_mg=maybe(rng, rng.choice(solids[drug]), 0.1) if method != "custom" else None,  # type: ignore[arg-type]
        final_hold_days=rng.choice([None, None, 7, 14]) if method != "custom" else None,
        discontinuation_de_mg=maybe(rng, Decimal(rng.choice(["0.5", "1", "2"])), 0.15),  # type: ignore[arg-type]
        override_reason=rng.choice([None, "prescriber judgement"]) if method != "percent" else None,
        patient=patient,
        custom_steps=custom,
    )


def outcome(request: TaperRequest) -> str:
    """The plan's canonical JSON, or the refusal's code and message."""
    try:
        plan = plan_taper(request)
    except ClinicalError as error:
        return json.dumps({"refused": error.code, "message": error.message}, sort_keys=True)
    return json.dumps(plan_to_dict(plan), sort_keys=True, ensure_ascii=False)


def outcomes() -> list[str]:
    rng = random.Random(SEED)  # noqa: S311 (seeded test data, not a secret)
    solids = solid_strengths()
    return [outcome(random_request(rng, solids)) for _ in range(COUNT)]


def test_it_makes_the_stored_plans_byte_for_byte() -> None:
    stored = json.loads(gzip.decompress(GOLDEN.read_bytes()).decode())
    made = outcomes()
    assert len(stored) == len(made) == COUNT
    for number, (old, new) in enumerate(zip(stored, made, strict=True)):
        assert new == old, f"request {number} of seed {SEED} changed"


def test_it_covers_plans_and_refusals() -> None:
    stored = [json.loads(s) for s in json.loads(gzip.decompress(GOLDEN.read_bytes()).decode())]
    refusals = {s["refused"] for s in stored if "refused" in s}
    plans = [s for s in stored if "refused" not in s]
    assert len(plans) >= 80
    assert len(refusals) >= 3
    assert sum(len(p["steps"]) for p in plans) > 1000


if __name__ == "__main__":
    data = json.dumps(outcomes(), indent=0).encode()
    GOLDEN.write_bytes(gzip.compress(data, mtime=0))
    print(f"wrote {GOLDEN} ({len(data):,} bytes before compression)", file=sys.stderr)
