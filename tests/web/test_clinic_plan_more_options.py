"""The draft page takes the options of the API's ``POST /patients/{id}/plans`` beyond the
presets' (docs/api.md, "Taper plans"): the custom method with the prescriber's own
steps, and under "More options" the dose times cut first and the order of the switch.
Labels in clinical words; every judgement is the taper core's, its refusals worded with
the form's labels."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.plans.models import Plan
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
MORE_CLOSED = '<details class="form-group more-options"><summary>More options</summary>'
MORE_OPEN = '<details class="form-group more-options" open><summary>More options</summary>'


def day(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def new_url(world: World) -> str:
    return f"/clinic/patients/{world.alex.pk}/plans/new/"


def post(client: Client, world: World, action: str, **fields: str) -> Any:
    return signed_in(client, "avery").post(new_url(world), {"action": action, **fields})


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_the_form_offers_the_custom_method_and_more_options_closed(
    world: World, client: Client
) -> None:
    page = text(signed_in(client, "avery").get(new_url(world)))
    assert '<option value="custom">Custom</option>' in page
    assert '<label for="id_steps">Custom steps</label>' in page
    assert MORE_CLOSED in page
    assert '<label for="id_reduce_first">Cut these dose times first</label>' in page
    assert '<label for="id_crossover_order">Switch these dose times first</label>' in page


def test_custom_steps_are_planned_and_saved(world: World, client: Client) -> None:
    steps = f"{day(14)}: morning 0.25, night 1\n{day(28)}: night 1"
    preview = post(client, world, "preview", method="custom", steps=steps)
    assert preview.status_code == 200
    assert [(row["start"], row["kind"], row["doses"]) for row in preview.context["schedule"]] == [
        (day(0), "start", "morning 0.5 mg clonazepam; night 1 mg clonazepam"),
        (day(14), "custom", "morning 0.25 mg clonazepam; night 1 mg clonazepam"),
        (day(28), "end-dose", "night 1 mg clonazepam"),
    ]
    saved = post(client, world, "save", method="custom", steps=steps)
    plan = Plan.objects.get()
    assert saved["Location"] == f"/clinic/plans/{plan.pk}/"
    assert plan.parameters["method"] == "custom"
    assert plan.parameters["steps"] == [
        {"start": day(14), "doses": {"morning": 0.25, "night": 1}},
        {"start": day(28), "doses": {"night": 1}},
    ]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            f"{day(14)}: night 1\nnext week: stop",
            "Line 2: start with the date as YYYY-MM-DD and a colon, as "
            "“2027-01-18: morning 0.25, night 1”.",
        ),
        (
            f"{day(14)}: night one",
            "Line 1: give each dose as a dose time and its mg, as "
            "“2027-01-18: morning 0.25, night 1”; got “night one”.",
        ),
    ],
)
def test_a_step_that_cannot_be_read_is_refused_on_its_field(
    world: World, client: Client, steps: str, message: str
) -> None:
    response = post(client, world, "preview", method="custom", steps=steps)
    assert response.status_code == 400
    assert response.context["form"].errors["steps"] == [message]
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("fields", "status", "refusal"),
    [
        ({"method": "custom"}, 400, "The “Custom” method needs the “Custom steps”."),
        (
            {"method": "custom", "steps": "2027-01-18: noon 1"},
            400,
            "Custom step 1: unknown dose time 'noon'; use morning, midday, evening, night.",
        ),
        (
            {
                "method": "percent",
                "step": "10",
                "switch_to_diazepam": "on",
                "steps": "2027-01-18: night 1",
            },
            400,
            "The “Custom steps” applies to the “Custom” method only.",
        ),
        (
            {"method": "percent", "step": "10", "switch_to_diazepam": "on", "reduce_first": "noon"},
            400,
            "The “Cut these dose times first”: unknown dose time 'noon'; use morning, midday, "
            "evening, night.",
        ),
        (
            {"method": "percent", "step": "10", "crossover_order": "morning"},
            400,
            "The “Switch these dose times first” needs “Switch to diazepam”.",
        ),
    ],
)
def test_the_cores_refusals_are_worded_with_the_form_labels(
    world: World, client: Client, fields: dict[str, str], status: int, refusal: str
) -> None:
    response = post(client, world, "preview", **fields)
    assert response.status_code == status
    assert response.context["refusal"] == refusal
    assert not Plan.objects.exists()


def test_a_custom_stop_from_a_high_dose_is_a_guardrails_refusal(
    world: World, client: Client
) -> None:
    response = post(client, world, "save", method="custom", steps=f"{day(14)}: stop")
    assert response.status_code == 422
    assert response.context["refusal"].startswith(
        f"Refused (rate-limit): step 1 ({day(14)}) stops the drug from 30 mg "
        "diazepam-equivalent/day, above the discontinuation dose"
    )
    assert response.context["refusal"].endswith("or give an “Override reason” to plan it anyway.")
    assert not Plan.objects.exists()


def test_the_dose_times_cut_first_and_the_switch_order_are_saved(
    world: World, client: Client
) -> None:
    fields = {
        "method": "percent",
        "step": "10",
        "switch_to_diazepam": "on",
        "reduce_first": "Night",
        "crossover_order": "morning, night",
    }
    preview = post(client, world, "preview", **fields)
    assert preview.status_code == 200
    assert MORE_OPEN in text(preview)
    post(client, world, "save", **fields)
    plan = Plan.objects.get()
    assert (plan.parameters["reduce_first"], plan.parameters["crossover_order"]) == (
        ["night"],
        ["morning", "night"],
    )
    first = plan.plan_json["steps"][1]
    assert first["kind"] == "crossover"
    assert [d["time"] for d in first["doses"] if d["drug"] == "diazepam"] == ["morning"]
