"""Programs (clinics) and the role each person holds in one."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    PRESCRIBER = "prescriber", "Prescriber"
    NURSE = "nurse", "Nurse"
    COUNSELLOR = "counsellor", "Counsellor"
    PROGRAM_ADMIN = "program_admin", "Program admin"
    SITE_ADMIN = "site_admin", "Site admin"


# Staff who see a patient only when they are on that patient's care team.
CARE_TEAM_ROLES = frozenset({Role.PRESCRIBER, Role.NURSE, Role.COUNSELLOR})
# Staff who may rate clinician-rated instruments and record assessments.
CLINICAL_ROLES = frozenset({Role.PRESCRIBER, Role.NURSE, Role.COUNSELLOR})
STAFF_ROLES = frozenset({*CLINICAL_ROLES, Role.PROGRAM_ADMIN, Role.SITE_ADMIN})
# The roles of the accounts a program's staff page lists and creates.
STAFF_ACCOUNT_ROLES = frozenset({*CARE_TEAM_ROLES, Role.PROGRAM_ADMIN})
# A Clonacare operational default (not a guideline value): a program changes it.
DEFAULT_ESCALATION_MINUTES = 15
# The bounds a program may choose from: at least a minute (the scheduler checks once a
# minute), at most a day (an alert that waits longer is not an alert).
ESCALATION_MINUTES_RANGE = (1, 1440)


class Program(models.Model):
    """A treatment program (a clinic). It owns its patients."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    require_two_factor = models.BooleanField(
        default=True, help_text="Staff must sign in with a TOTP code as well as a password."
    )
    # Alert delivery (docs/records.md, "Alert delivery"). An operational setting of
    # Clonacare, not a clinical number: how long an open safety alert may wait for the
    # care team before it goes to the on-call contact and the program admins.
    escalation_minutes = models.PositiveIntegerField(
        default=DEFAULT_ESCALATION_MINUTES,
        help_text="Minutes an open alert waits before it is escalated.",
    )
    on_call_email = models.EmailField(
        blank=True,
        help_text="Where an alert not acknowledged in time is sent.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SiteConfiguration(models.Model):
    """Settings of the whole installation that are data, not deployment configuration."""

    site_admin_two_factor = models.BooleanField(
        default=True, help_text="Site admins sign in with a TOTP code as well as a password."
    )

    def __str__(self) -> str:
        return "Site configuration"

    @classmethod
    def current(cls) -> SiteConfiguration:
        configuration, _ = cls.objects.get_or_create(pk=1)
        return configuration


class Membership(models.Model):
    """The one role a user holds, and in which program (none for a site admin)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(role="site_admin", program__isnull=True)
                | (~models.Q(role="site_admin") & models.Q(program__isnull=False)),
                name="membership_program_matches_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.program or 'site'})"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def needs_two_factor(self) -> bool:
        """Staff of a program that requires it sign in with a TOTP code; site admins always."""
        if self.role == Role.PATIENT:
            return False
        if self.role == Role.SITE_ADMIN:
            return SiteConfiguration.current().site_admin_two_factor
        return self.program is not None and self.program.require_two_factor


def membership_of(user: Any) -> Membership | None:
    """The user's membership, or None (anonymous, inactive or without a role)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return membership


class LanguagePreference(models.Model):
    """The language a signed-in person chose for the public site and the portal
    (one of ``settings.LANGUAGES``); without a row, English."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_preference"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"


def preferred_language(user: Any) -> str | None:
    """The language ``user`` chose, or None when they chose none (or are anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return None
    found = LanguagePreference.objects.filter(user=user).values_list("language", flat=True)
    return next(iter(found), None)
