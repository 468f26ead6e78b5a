"""The patient record: demographics, benzodiazepine use, medications, conditions, care
team, and consent to disclose under 42 CFR Part 2."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from clonacare.accounts.models import Program
from clonacare.core.drugs import LabelMaximum, applicable_label_maximums, known_drugs

DOSE_TIMES = ("morning", "midday", "evening", "night")


class Patient(models.Model):
    class Status(models.TextChoices):
        ASSESSMENT = "assessment", "Being assessed"
        TAPERING = "tapering", "Tapering"
        MAINTENANCE = "maintenance", "Holding a stable dose"
        RECOVERY = "recovery", "In recovery (off benzodiazepines)"
        DISCHARGED = "discharged", "Discharged"
        # Made by an invitation from a population screen: not a patient of the program
        # yet, and not on the caseload (docs/population.md, "In the clinic").
        INVITED = "invited", "Invited to an assessment"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient_record",
        help_text="The patient's own login, if they use the portal.",
    )
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASSESSMENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["family_name", "given_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: dt.date) -> int:
        return age_on(self.date_of_birth, day)


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years from ``born`` to ``day`` (negative when ``day`` is before ``born``)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def label_maximum_exceeded(
    drug: str, daily_mg: Decimal, indication: str | None = None
) -> LabelMaximum | None:
    """The label maximum that applies to ``drug`` taken for ``indication`` (as the label
    data names it; core/drugs' one rule, ``applicable_label_maximums``) when ``daily_mg``
    is above it, else None. Without an indication the drug's highest label maximum.

    Above the label maximum is a warning, never a refusal: people who misuse take more
    than labels allow (clinical reference, label maximum daily doses).
    """
    applies = applicable_label_maximums(drug, indication)
    exceeded = applies.exceeded_by(daily_mg) if applies is not None else ()
    return min(exceeded, key=lambda m: m.mg_per_day, default=None)


def _drug_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in known_drugs()]


class BenzodiazepineUse(models.Model):
    """What the patient takes now (or took): drug, dose at each dose time, since when.

    A use with no ``ended_on`` is current; a patient has at most one current use of each
    drug (``benzo_use_one_current_per_drug``), so two dose changes made at the same time
    cannot both leave one behind.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="benzo_uses")
    drug = models.CharField(max_length=40, choices=_drug_choices)
    morning_mg = models.DecimalField(max_digits=7, decimal_places=3, default=Decimal(0))
    midday_mg = models.DecimalField(max_digits=7, decimal_places=3, default=Decimal(0))
    evening_mg = models.DecimalField(max_digits=7, decimal_places=3, default=Decimal(0))
    night_mg = models.DecimalField(max_digits=7, decimal_places=3, default=Decimal(0))
    since = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    prescriber_name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-since", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["patient", "drug"],
                condition=models.Q(ended_on__isnull=True),
                name="benzo_use_one_current_per_drug",
            )
        ]

    def __str__(self) -> str:
        return f"{self.drug} {self.daily_mg} mg/day since {self.since}"

    @property
    def daily_mg(self) -> Decimal:
        return self.morning_mg + self.midday_mg + self.evening_mg + self.night_mg

    @property
    def above_label_maximum(self) -> LabelMaximum | None:
        return label_maximum_exceeded(self.drug, self.daily_mg)

    def doses(self) -> list[tuple[str, Decimal]]:
        """The dose times with a dose, in the order of the day."""
        return [(t, getattr(self, f"{t}_mg")) for t in DOSE_TIMES if getattr(self, f"{t}_mg")]


class DoseChange(models.Model):
    """A recorded benzodiazepine dose change: the order behind it and its signature.

    A prescriber on the care team enters their own order (signed as they enter it). A
    nurse on the care team enters a prescriber's verbal or telephone order, read back to
    that prescriber first; it is in effect from its date, like any order, and awaits the
    prescriber's co-signature (``cosigned_at``) until they sign it. ``new_use`` is the use
    it started (None when it stopped the drug), ``ended_use`` the one it ended.
    ``override_reason`` is why a cut above the ceiling (rules.toml ``[ceiling]``) was made;
    ``ceiling_cut_pct`` the size of that cut, None when the change was within it.
    """

    class Order(models.TextChoices):
        PRESCRIBER = "prescriber", "Entered by the prescriber"
        VERBAL = "verbal", "Verbal order"
        TELEPHONE = "telephone", "Telephone order"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="dose_changes")
    drug = models.CharField(max_length=40)
    on = models.DateField()
    from_daily_mg = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    to_daily_mg = models.DecimalField(max_digits=9, decimal_places=3)
    new_use = models.OneToOneField(
        BenzodiazepineUse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dose_change",
    )
    ended_use = models.ForeignKey(
        BenzodiazepineUse, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.CharField(max_length=20, choices=Order.choices, default=Order.PRESCRIBER)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    read_back = models.BooleanField(
        default=False, help_text="A verbal or telephone order was read back and confirmed."
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.CharField(max_length=400, blank=True)
    ceiling_cut_pct = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.drug} {self.to_daily_mg} mg/day from {self.on}"

    @property
    def is_pending(self) -> bool:
        """A verbal or telephone order not yet co-signed by its prescriber."""
        return self.order != self.Order.PRESCRIBER and self.cosigned_at is None


class Medication(models.Model):
    """Another medication the patient takes. Ending one keeps it, with the date it ended.

    ``drug`` is a known drug of the co-medications data file (core/drugs, the drugs
    whose combinations with a benzodiazepine are flagged), or empty for a medication
    recorded by its name alone (free text, never flagged).
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(max_length=120)
    drug = models.CharField(
        max_length=40,
        blank=True,
        help_text="A drug id of the co-medications data file; empty for free text.",
    )
    dose = models.CharField(max_length=120, blank=True)
    reason = models.CharField(max_length=120, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.name} {self.dose}".strip()


class Condition(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="conditions")
    name = models.CharField(max_length=120)
    noted_on = models.DateField()

    def __str__(self) -> str:
        return self.name


class CareTeamMember(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_assignments"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["patient", "user"], name="care_team_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.patient}"


class RecipientClass(models.TextChoices):
    """To whom a consent lets the record go (42 CFR § 2.31 as amended in 2024): a class
    of recipients the patient chose, or a recipient named on the consent."""

    TREATING_PROVIDERS = "treating-providers", "My treating providers"
    HEALTH_PLAN = "health-plan", "My health plan"
    NAMED = "named", "A named recipient"


class Consent(models.Model):
    """A patient's written consent to disclose, with the elements of 42 CFR § 2.31.

    ``kind`` is ``tpo`` for a single consent to all future uses and disclosures for
    treatment, payment and health care operations, or ``specific`` for the purpose
    written on it. ``recipient_class`` says to whom: a class the patient chose (then
    ``recipient`` may be empty) or a ``named`` recipient (``recipient`` required).
    ``representative_authority`` is set when a legal representative signed (their name
    is ``signed_by``); empty when the patient signed. ``how_to_revoke`` and
    ``redisclosure_statement`` are the words the patient was given when signing, kept
    as they were (empty on consents recorded before the 2024 elements were asked).
    """

    class Kind(models.TextChoices):
        TPO = (
            "tpo",
            "All future uses and disclosures for treatment, payment and health care operations",
        )
        SPECIFIC = "specific", "The purpose written on the consent"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    disclosing_program = models.ForeignKey(Program, on_delete=models.PROTECT)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SPECIFIC)
    recipient_class = models.CharField(
        max_length=24, choices=RecipientClass.choices, default=RecipientClass.NAMED
    )
    recipient = models.CharField(
        max_length=200,
        blank=True,
        help_text="The person or organisation that may receive the information (required "
        "for a named recipient).",
    )
    purpose = models.CharField(max_length=300)
    information = models.CharField(
        max_length=300, help_text="How much and what kind of information may be disclosed."
    )
    includes_counselling_notes = models.BooleanField(
        default=False, help_text="SUD counselling notes need a consent of their own."
    )
    expires_on = models.DateField(null=True, blank=True)
    expiry_event = models.CharField(max_length=200, blank=True)
    treatment_depends_on_signing = models.BooleanField(
        default=False,
        help_text="Whether the program's treatment of the patient depends on signing.",
    )
    how_to_revoke = models.CharField(max_length=400, blank=True)
    redisclosure_statement = models.TextField(blank=True)
    signed_by = models.CharField(max_length=160, help_text="Signature: the name as signed.")
    representative_authority = models.CharField(
        max_length=200,
        blank=True,
        help_text="Signed by a legal representative: their authority (guardian, health "
        "care proxy...). Empty when the patient signed.",
    )
    signed_on = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-signed_on", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=False) | ~models.Q(expiry_event=""),
                name="consent_has_expiry",
            ),
            models.CheckConstraint(
                condition=~models.Q(recipient_class="named") | ~models.Q(recipient=""),
                name="consent_named_recipient_has_name",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent to disclose to {self.to_whom} ({self.purpose})"

    @property
    def to_whom(self) -> str:
        """The recipient as the patient chose it: the name, or the class in words."""
        if self.recipient_class == RecipientClass.NAMED:
            return self.recipient
        label = str(RecipientClass(self.recipient_class).label).lower()
        return f"{label} ({self.recipient})" if self.recipient else label

    @property
    def signed_by_representative(self) -> bool:
        return bool(self.representative_authority)

    def is_active_on(self, day: dt.date) -> bool:
        """In force on ``day``: signed, not revoked, not past its expiry date.

        A consent that expires on an event (not a date) stays in force until revoked;
        the clinician records the revocation when the event happens.
        """
        if self.revoked_at is not None and self.revoked_at.date() <= day:
            return False
        if self.signed_on > day:
            return False
        return self.expires_on is None or day <= self.expires_on

    def is_in_force_at(self, moment: dt.datetime) -> bool:
        """In force at ``moment`` (aware): signed by that day, not past its expiry date,
        and not revoked at or before that moment: a revocation takes effect for every
        disclosure after it, including later the same day."""
        if self.revoked_at is not None and self.revoked_at <= moment:
            return False
        day = moment.astimezone(dt.UTC).date()
        if self.signed_on > day:
            return False
        return self.expires_on is None or day <= self.expires_on


COUNSELLING_NOTES_SUFFIX = " (with SUD counselling notes)"


# Who recorded a disclosure made by a command with no user (``clonacare export fhir``).
COMMAND_LINE = "the command line"


class Disclosure(models.Model):
    """A disclosure, kept for the patient's accounting of disclosures (42 CFR § 2.24).

    A ``consent`` disclosure is made under ``consent`` to ``recipient`` (for a named
    consent its name; for a class, the provider or plan it went to), for ``purpose``.
    An ``emergency`` disclosure (§ 2.51) had no consent: staff record it after the fact,
    with who received it (``recipient``), who made it (``made_by``), when
    (``disclosed_at``), the nature of the emergency (``purpose``) and what went.
    A ``bulk`` disclosure is a patient's part of a bulk FHIR export
    (``clonacare export fhir``), under the consent that covered it: no package is
    stored (the NDJSON files are what went), and ``disclosed_by`` is empty when the
    command line ran it.

    ``consent_information`` is the description of the information, as it was when
    disclosed; whether SUD counselling notes went too is its own field, so the
    description never outgrows its column. ``information`` is what every page and the
    API show: the two together. ``recorded_at`` is when it was written down.
    """

    class Kind(models.TextChoices):
        CONSENT = "consent", "Under a consent"
        EMERGENCY = "emergency", "Medical emergency (§ 2.51)"
        BULK = "bulk", "Under a consent, in a bulk FHIR export"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CONSENT)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="disclosures", null=True, blank=True
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="disclosures")
    recipient_class = models.CharField(
        max_length=24, choices=RecipientClass.choices, default=RecipientClass.NAMED
    )
    recipient = models.CharField(max_length=200)
    purpose = models.CharField(max_length=300, blank=True)
    consent_information = models.CharField(max_length=300, db_column="information")
    includes_counselling_notes = models.BooleanField(default=False)
    notice = models.TextField(help_text="The 42 CFR § 2.32 notice sent with the disclosure.")
    made_by = models.CharField(
        max_length=160, blank=True, help_text="Emergency: who made the disclosure."
    )
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty for a bulk export run from the command line, which has no user.",
    )
    disclosed_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-disclosed_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(kind="emergency") | models.Q(consent__isnull=False),
                name="disclosure_under_consent_names_it",
            )
        ]

    def __str__(self) -> str:
        return f"Disclosure to {self.recipient} on {self.disclosed_at:%Y-%m-%d}"

    @property
    def under(self) -> str:
        """Under which consent, in words (or the emergency exception)."""
        if self.consent is None:
            return "no consent: a medical emergency (42 CFR § 2.51)"
        c = self.consent
        bulk = ", in a bulk FHIR export" if self.kind == self.Kind.BULK else ""
        return f"consent signed {c.signed_on:%d %b %Y} by {c.signed_by}, to {c.to_whom}{bulk}"

    @property
    def recorded_by(self) -> str:
        """Who recorded it: the user's name, or the command line (a bulk export)."""
        if self.disclosed_by is None:
            return COMMAND_LINE
        return self.disclosed_by.get_username()

    @property
    def information(self) -> str:
        """What was disclosed: the consent's description, and the counselling notes if
        they went too."""
        notes = COUNSELLING_NOTES_SUFFIX if self.includes_counselling_notes else ""
        return self.consent_information + notes

    @information.setter
    def information(self, value: str) -> None:
        # The reverse of the getter, so Disclosure(information=...) keeps working.
        if value.endswith(COUNSELLING_NOTES_SUFFIX):
            value = value.removesuffix(COUNSELLING_NOTES_SUFFIX)
            self.includes_counselling_notes = True
        self.consent_information = value


class DisclosurePackage(models.Model):
    """What was sent with a disclosure, stored as made (so a download is exactly what
    went): the FHIR Bundle as its JSON text and the human-readable PDF."""

    disclosure = models.OneToOneField(Disclosure, on_delete=models.PROTECT, related_name="package")
    bundle_json = models.TextField()
    pdf = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Package of disclosure {self.disclosure_id}"


class RestrictionRequest(models.Model):
    """A patient's request to restrict disclosures for treatment, payment or health
    care operations (42 CFR § 2.26), and the program's answer.

    An agreed request ``covers`` the disclosures it stops, as staff read the patient's
    words when agreeing: to a recipient class, or every disclosure under a consent
    (``all``). From its answer on, ``covering_consent`` refuses a disclosure it covers
    (``disclosure-restricted``); a declined or unanswered request stops nothing."""

    class Answer(models.TextChoices):
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Declined"

    class Covers(models.TextChoices):
        ALL = "all", "every disclosure under a consent"
        TREATING_PROVIDERS = "treating-providers", "disclosures to my treating providers"
        HEALTH_PLAN = "health-plan", "disclosures to my health plan"
        NAMED = "named", "disclosures to a named recipient"

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="restriction_requests"
    )
    request = models.CharField(max_length=600, help_text="What the patient asks to restrict.")
    requested_at = models.DateTimeField()
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answer_note = models.CharField(max_length=600, blank=True)
    covers = models.CharField(
        max_length=24,
        choices=Covers.choices,
        blank=True,
        help_text="Agreed: the disclosures the restriction stops. Empty otherwise.",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Restriction request of {self.requested_at:%Y-%m-%d}"
