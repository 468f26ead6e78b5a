"""Benchmark the taper engine: one typical plan, then 10,000 varied plans.

Run: .venv/bin/python bench/bench_taper.py
Results are recorded in docs/benchmarks.md ("Taper engine"), not asserted in tests.
Each figure is given as wall time and as the process's CPU time: on a shared, loaded
machine the CPU time is the steadier of the two (wall time counts the waits for a core).
"""

from __future__ import annotations

import platform
import random
import statistics
import time
from datetime import date
from decimal import Decimal

from clonacare.core.drugs import load_formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import DOSE_TIMES, PatientFactors, TaperRequest, plan_taper, plan_to_dict

START = date(2027, 1, 4)
TYPICAL = TaperRequest(
    drug="clonazepam",
    doses=(("morning", Decimal("0.5")), ("night", Decimal(1))),
    start=START,
    method="percent",
    step=Decimal(10),
    # Clonazepam products cannot cut below 0.375 mg within the ceiling: the plan finishes
    # on diazepam, switching once the dose is 10 mg diazepam-equivalent or less.
    switch_to="diazepam",
    switch_at_de_mg=Decimal(10),
)


def varied(rng: random.Random, solids: dict[str, list[Decimal]]) -> TaperRequest:
    drug = rng.choice(sorted(solids))
    times = rng.sample(DOSE_TIMES, rng.randint(1, 4))
    method = rng.choice(["percent", "bands", "fixed"])
    step = {
        "percent": Decimal(rng.randint(50, 250)) / 10,
        "fixed": Decimal(rng.choice(["0.5", "1", "2"])),
        "bands": None,
    }[method]
    return TaperRequest(
        drug=drug,
        doses=tuple((t, rng.choice(solids[drug]) * rng.randint(1, 3)) for t in times),
        start=START,
        method=method,
        step=step,
        interval_days=rng.choice([7, 14, 21, 28]),
        switch_to="diazepam" if drug != "diazepam" and rng.random() < 0.5 else None,
        equivalence=rng.choice(["ashton", "vadod"]),
        override_reason="benchmark" if method == "fixed" else None,
        patient=PatientFactors(confirmed_by="benchmark"),  # doses above a label maximum
    )


def main() -> None:
    formulary = load_formulary()
    solids: dict[str, list[Decimal]] = {}
    for product in formulary.products:
        if product.form != "liquid":
            solids.setdefault(product.drug, []).append(product.mg_per_unit)

    plan_taper(TYPICAL)  # warm the data-file and formulary caches
    runs = []
    cpu_runs = []
    for _ in range(200):
        t0 = time.perf_counter()
        c0 = time.process_time()
        plan = plan_taper(TYPICAL)
        plan_to_dict(plan)
        cpu_runs.append(time.process_time() - c0)
        runs.append(time.perf_counter() - t0)
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print(
        f"typical plan (clonazepam 0.5 + 1 mg, percent 10%/14 d, switching to diazepam at "
        f"10 mg diazepam-equivalent, {len(plan.steps)} steps, "
        f"with JSON): median {statistics.median(runs) * 1000:.2f} ms over 200 runs "
        f"(CPU {statistics.median(cpu_runs) * 1000:.2f} ms)"
    )

    rng = random.Random(20270104)
    requests = [varied(rng, solids) for _ in range(10_000)]
    steps = refused = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for request in requests:
        try:
            steps += len(plan_taper(request).steps)
        except ClinicalError:
            refused += 1
    cpu = time.process_time() - c0
    elapsed = time.perf_counter() - t0
    print(
        f"10,000 varied plans: {elapsed:.2f} s total, {elapsed / 10_000 * 1000:.2f} ms per plan "
        f"(CPU {cpu / 10_000 * 1000:.2f} ms; {steps:,} steps; {refused} refused by a "
        "guardrail or the formulary)"
    )


if __name__ == "__main__":
    main()
