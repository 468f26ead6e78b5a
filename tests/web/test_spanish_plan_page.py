"""Issue 16: the portal's plan and dose-log pages in Spanish (/es/portal/plan/,
/es/portal/doses/). The patient's own plan reads in Spanish: what to take at each time
of day and how, the next change, the prescriber's change (their reason stays as typed,
marked English), the check-in schedule, the instructions (instructions.toml,
``title_es``/``text_es``), the steps of the schedule and the dates ("4 de diciembre de
2026"). Every number is the English page's. The English pages and the API keep their
words and codes."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import get_format

from clonacare.core.errors import ClinicalError
from clonacare.core.taper import Dose
from clonacare.core.taper.model import ProductQuantity
from clonacare.core.taper.render.text import product_text
from clonacare.patients.models import DOSE_TIMES
from clonacare.plans.calendar import load_instructions
from clonacare.portal.words import DATE_FORMS, dose_time_label, how_to_take, patient_date
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, signed_in
from tests.web.test_portal_spanish import ENGLISH_ONLY, spanish_main

pytestmark = pytest.mark.django_db

STANDARD = {"method": "percent", "step": 10, "switch_to": "diazepam"}
INSTRUCTIONS = (
    Path(__file__).parents[2] / "src" / "clonacare" / "plans" / "data" / "instructions.toml"
)
MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
WEEKDAYS_ES = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]


def approved(world: World) -> int:
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/plans", STANDARD)
    assert response.status_code == 201
    plan_id: int = response.json()["id"]
    response = ApiClient(world.avery).post(f"/plans/{plan_id}/approve", {"password": PASSWORD})
    assert response.status_code == 200
    return plan_id


def spanish_day(day: dt.date) -> str:
    return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"


def page(client: Client, world: World, path: str = "/es/portal/plan/") -> str:
    response = signed_in(client, world.alex_user).get(path)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_it_says_what_to_take_at_each_time_of_day_in_spanish(client: Client, world: World) -> None:
    approved(world)
    today = section(page(client, world), "today-title")
    assert f"Hoy, {spanish_day(timezone.localdate())}</h2>" in today
    assert (
        '<ul class="dose-list">'
        "<li><strong>Por la mañana</strong>: clonazepam 0.5 mg "
        "(1 × tableta de clonazepam de 0.5 mg)</li>"
        "<li><strong>Por la noche</strong>: clonazepam 1 mg "
        "(1 × tableta de clonazepam de 1 mg)</li></ul>"
    ) in today


def test_the_next_change_has_its_spanish_weekday_and_date(client: Client, world: World) -> None:
    approved(world)
    upcoming = section(page(client, world), "next-title")
    next_day = timezone.localdate() + dt.timedelta(days=7)
    weekday = WEEKDAYS_ES[next_day.weekday()]
    assert (
        f"El <strong>{weekday} {spanish_day(next_day)}</strong> sus dosis cambian a "
        "clonazepam 1 mg + diazepam 10 mg al día:"
    ) in upcoming
    assert (
        "<li><strong>Por la noche</strong>: diazepam 10 mg (1 × tableta de diazepam de 10 mg)"
        in (upcoming)
    )


def test_the_steps_of_the_schedule_are_named_in_spanish(client: Client, world: World) -> None:
    approved(world)
    schedule = section(page(client, world), "schedule-title")
    assert "<td>Dosis actual (ahora)</td><td>clonazepam 1.5 mg</td>" in schedule
    assert "<td>Fin</td><td>0 mg</td></tr></tbody>" in schedule
    start = timezone.localdate()
    month = MONTHS_ES[start.month - 1][:3]
    assert f"<td>{start.day} {month} {start.year}</td>" in schedule  # "4 dic 2026"


def test_the_check_in_schedule_and_the_instructions_are_in_spanish(
    client: Client, world: World
) -> None:
    approved(world)
    html = page(client, world)
    check_ins = section(html, "check-ins-title")
    assert (
        "Le pedimos un control todos los días desde el día en que cambia su dosis hasta "
        "7 días después, y el resto del tiempo una vez cada 7 días, contando desde el "
        "primer día de su plan."
    ) in check_ins
    # The plan stops the drug: the follow-up after it, with the rules file's 30 days.
    assert "y luego una vez cada 30 días, contando desde su primer día sin el medicamento" in (
        check_ins
    )
    shown = section(html, "instructions-title").replace("&#x27;", "'")
    for item in tomllib.loads(INSTRUCTIONS.read_text())["instructions"].values():
        if isinstance(item, dict):
            assert f"<h3>{item['title_es']}</h3><p>{item['text_es']}</p>" in shown
            assert item["title"] not in shown


def test_the_prescribers_change_is_told_in_spanish_with_their_reason_as_typed(
    client: Client, world: World
) -> None:
    plan_id = approved(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    pause = {"kind": "pause", "days": 14, "reason": "Poor sleep", "on": tomorrow.isoformat()}
    assert ApiClient(world.avery).post(f"/plans/{plan_id}/revisions", pause).status_code == 201
    change = section(page(client, world), "change-title")
    assert (
        '<p id="plan-change">Quien le receta cambió su plan: una pausa de 14 días desde el '
        f"{spanish_day(tomorrow)}: su dosis se queda igual durante más tiempo antes de "
        'volver a cambiar. El motivo que dio: <span lang="en">Poor sleep.</span></p>'
    ) in change


def test_a_smaller_step_is_told_in_spanish(client: Client, world: World) -> None:
    plan_id = approved(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    smaller = {"kind": "slow-step", "step": 5, "reason": "Too fast.", "on": tomorrow.isoformat()}
    response = ApiClient(world.avery).post(f"/plans/{plan_id}/revisions", smaller)
    assert response.status_code == 201, response.json()
    change = section(page(client, world), "change-title")
    assert f"cambios más pequeños desde el {spanish_day(tomorrow)}. El motivo" in change


def test_the_spanish_plan_page_has_no_english_outside_lang_en(client: Client, world: World) -> None:
    plan_id = approved(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    slower = {"kind": "slow-interval", "days": 28, "reason": "Go gently.", "on": str(tomorrow)}
    assert ApiClient(world.avery).post(f"/plans/{plan_id}/revisions", slower).status_code == 201
    html = page(client, world)
    words = set(spanish_main(html))
    assert sorted(words & (ENGLISH_ONLY | {"morning", "night", "tablet", "cut", "stop"})) == []
    marked = re.findall(r'.{60}lang="en".{60}', html)
    assert len(marked) == 1, marked  # the prescriber's reason, as they typed it


def test_a_patient_without_a_plan_is_told_so_in_spanish(client: Client, world: World) -> None:
    html = page(client, world)
    assert (
        "<p>Todavía no tiene un plan de reducción aprobado. Cuando quien le receta apruebe "
        "uno, aquí verá sus dosis y las fechas en que cambian.</p>"
    ) in html


def test_the_english_plan_page_and_the_api_keep_their_words(client: Client, world: World) -> None:
    plan_id = approved(world)
    html = page(client, world, "/portal/plan/")
    assert (
        "<li><strong>Morning</strong>: clonazepam 0.5 mg (1 × clonazepam 0.5 mg tablet)</li>"
        in (html)
    )
    assert "A check-in is asked for every day from the day your dose changes" in html
    assert "<h3>Never stop on your own</h3>" in html
    assert 'lang="en"' not in html.split('tabindex="-1" lang="en">', 1)[1]
    steps = ApiClient(world.alex_user).get(f"/plans/{plan_id}").json()["steps"]
    assert steps[0]["kind"] == "start"
    assert {d["time"] for d in steps[0]["doses"]} == {"morning", "night"}
    assert steps[0]["doses"][0]["products"][0]["name"] == "clonazepam 0.5 mg tablet"


def test_the_dose_log_names_the_times_of_day_and_dates_in_spanish(
    client: Client, world: World
) -> None:
    approved(world)
    signed_in(client, world.alex_user)
    response = client.post("/es/portal/doses/", {"dose_time": "night", "status": "taken"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    today = timezone.localdate()
    assert f"Guardado: su dosis del {spanish_day(today)} (por la noche), tomada." in html
    assert '<input type="radio" name="dose_time" value="morning"> Por la mañana</label>' in html
    month = MONTHS_ES[today.month - 1][:3]
    assert f"<td>{today.day} {month} {today.year}</td><td>Por la noche</td>" in html
    assert sorted(set(spanish_main(html)) & (ENGLISH_ONLY | {"morning", "night"})) == []
    english = client.get("/portal/doses/").content.decode()
    assert '<input type="radio" name="dose_time" value="night"> Night</label>' in english
    assert f"<td>{today:%-d %b %Y}</td><td>Night</td>" in english
    # The API keeps the code.
    logged = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/doses").json()
    assert logged["items"][0]["dose_time"] == "night"


def test_every_dose_time_has_a_spanish_label(client: Client, world: World) -> None:
    with translation.override("es"):
        labels = [dose_time_label(t) for t in DOSE_TIMES]
    assert labels == ["por la mañana", "al mediodía", "por la tarde", "por la noche"]


def test_how_to_take_a_dose_keeps_the_cores_words_in_english_and_its_numbers_in_spanish() -> None:
    products = (
        ProductQuantity(
            "clonazepam 0.25 mg orally disintegrating tablet", Decimal("0.25"), "tablet", Decimal(2)
        ),
        ProductQuantity("diazepam 1 mg/mL oral solution", Decimal(1), "mL", Decimal("2.5")),
        ProductQuantity(
            "diazepam 5 mg Riverside scored tablet", Decimal(5), "tablet", Decimal("0.5")
        ),
    )
    dose = Dose(time="night", drug="clonazepam", mg=Decimal("0.5"), products=products[:1])
    liquid = Dose(time="night", drug="diazepam", mg=Decimal(5), products=products[1:])
    with translation.override("en"):
        assert how_to_take(dose) == product_text(products[0])
        assert how_to_take(liquid) == " + ".join(product_text(p) for p in products[1:])
    with translation.override("es"):
        assert how_to_take(dose) == "2 × tableta de desintegración oral de clonazepam de 0.25 mg"
        # A site's own product label is kept as written.
        assert how_to_take(liquid) == (
            "2.5 mL de solución oral de diazepam de 1 mg/mL + "
            "0.5 × diazepam 5 mg Riverside scored tablet"
        )
        no_products = Dose(
            time="morning", drug="clonazepam", mg=Decimal("0.5"), products=(), supply="current"
        )
        assert how_to_take(no_products) == "de lo que ya tiene en casa"


def test_dates_follow_the_language_and_an_unknown_form_is_refused() -> None:
    day = dt.date(2026, 12, 4)
    with translation.override("es"):
        assert patient_date(day) == "4 de diciembre de 2026"
        assert patient_date(day, "weekday") == "viernes 4 de diciembre de 2026"
        assert patient_date(day, "short") == "4 dic 2026"
        assert patient_date(None) == ""
        with pytest.raises(ValueError, match="Unknown date form 'long'; use one of: day, "):
            patient_date(day, "long")
    with translation.override("en"):
        assert patient_date(day) == "4 December 2026"
        assert patient_date(day, "weekday-no-year") == "Friday 4 December"
    # The Spanish day form is Django's own Spanish DATE_FORMAT.
    assert DATE_FORMS["es"]["day"] == get_format("DATE_FORMAT", "es")
    assert set(DATE_FORMS["es"]) == set(DATE_FORMS["en"])


def test_an_instruction_given_half_in_spanish_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "instructions.toml"
    bad.write_text(
        '[instructions]\nsource = "test"\n'
        '[instructions.one]\ntitle = "T"\ntext = "X"\nsource = "s"\ntitle_es = "Título"\n'
    )
    with pytest.raises(ClinicalError) as refused:
        load_instructions(bad)
    assert refused.value.message == (
        "instructions.toml [instructions.one]: give 'title_es' and 'text_es' together, or neither."
    )
    bad.write_text(
        '[instructions]\nsource = "test"\n'
        '[instructions.one]\ntitle = "T"\ntext = "X"\nsource = "s"\ntitle_es = ""\ntext_es = "Y"\n'
    )
    with pytest.raises(ClinicalError, match="'title_es' must be a non-empty string"):
        load_instructions(bad)


def test_no_english_month_on_the_spanish_plan(client: Client, world: World) -> None:
    approved(world)
    main = page(client, world).split("<main", 1)[1].split("</main>", 1)[0]
    months = "January February March April May June July August September October November December"
    assert not re.search(rf"\b({months.replace(' ', '|')})\b", main)


@pytest.mark.parametrize(
    ("fields", "spanish"),
    [
        ({"status": "taken"}, "Elija qué dosis está anotando."),
        ({"dose_time": "night"}, "Elija cómo fue la dosis."),
        (
            {"dose_time": "night", "status": "different", "amount_mg": "0"},
            "Revise la cantidad: escríbala solo si eligió otra cantidad",
        ),
        (
            {"dose_time": "night", "status": "taken", "date": "2999-01-01"},
            "Elija un día válido para la dosis: hoy o un día anterior.",
        ),
        (
            {"dose_time": "night", "status": "taken", "date": "not a day"},
            "Elija un día válido para la dosis: hoy o un día anterior.",
        ),
    ],
)
def test_a_refused_dose_says_what_to_do_in_spanish(
    client: Client, world: World, fields: dict[str, str], spanish: str
) -> None:
    response = signed_in(client, world.alex_user).post("/es/portal/doses/", fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="form-error" role="alert">' + spanish in html
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []
    english = client.post("/portal/doses/", fields).content.decode()
    assert '<p class="form-error" role="alert">' in english
    assert spanish not in english


def test_a_dose_logged_twice_is_refused_in_spanish_and_in_english(
    client: Client, world: World
) -> None:
    fields = {"dose_time": "night", "status": "taken"}
    signed_in(client, world.alex_user).post("/es/portal/doses/", fields)
    again = client.post("/es/portal/doses/", fields)
    assert again.status_code == 409
    assert "Esa dosis de ese día ya está anotada; no se puede anotar dos veces." in (
        again.content.decode()
    )
    english = client.post("/portal/doses/", fields).content.decode()
    today = timezone.localdate().isoformat()
    assert f"The night dose of {today} is already logged." in english
