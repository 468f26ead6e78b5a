"""The people every web test shares (as hc/test.py's alice, bob and charlie).

Riverside Recovery: patient ``alex`` and patient ``blair`` (both on prescriber ``avery``'s
and nurse ``kim``'s care team; counsellor ``lee`` on alex's only), program admin
``riverside_admin``. Northgate Clinic: prescriber ``brook`` and patient ``casey``.
``site_admin`` administers the installation. Two-factor is off in both programs unless
a test turns it on. Every password is PASSWORD.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client

from clonacare.accounts.models import Membership, Program, Role, SiteConfiguration
from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient

PASSWORD = "correct-horse-battery-staple"


@dataclass
class World:
    riverside: Program
    northgate: Program
    avery: User
    kim: User
    lee: User
    riverside_admin: User
    brook: User
    site_admin: User
    alex_user: User
    blair_user: User
    casey_user: User
    alex: Patient
    blair: Patient
    casey: Patient


@cache
def password_hash() -> str:
    """PASSWORD hashed once (Argon2 is slow on purpose; every test reuses the hash)."""
    return make_password(PASSWORD)


def signed_in(client: Client, who: str | User) -> Client:
    """``client`` signed in as ``who`` (a persona's username or a user), and returned.

    The shared way for a test to act as someone; it skips the login page (and two-factor),
    so only tests whose subject is signing in post the login form themselves.
    """
    user = who if isinstance(who, User) else User.objects.get(username=who)
    client.force_login(user)
    return client


def _user(username: str, role: Role, program: Program | None) -> User:
    user = User.objects.create(username=username, password=password_hash())
    Membership.objects.create(user=user, program=program, role=role)
    return user


def _patient(program: Program, user: User, given: str, family: str, born: dt.date) -> Patient:
    patient = Patient.objects.create(
        program=program, user=user, given_name=given, family_name=family, date_of_birth=born
    )
    BenzodiazepineUse.objects.create(
        patient=patient,
        drug="clonazepam",
        morning_mg=Decimal("0.5"),
        night_mg=Decimal("1"),
        since=dt.date(2024, 3, 1),
        prescriber_name="Dr. Avery",
    )
    return patient


def make_world() -> World:
    SiteConfiguration.objects.update_or_create(pk=1, defaults={"site_admin_two_factor": False})
    riverside = Program.objects.create(
        name="Riverside Recovery", slug="riverside", require_two_factor=False
    )
    northgate = Program.objects.create(
        name="Northgate Clinic", slug="northgate", require_two_factor=False
    )
    avery = _user("avery", Role.PRESCRIBER, riverside)
    kim = _user("kim", Role.NURSE, riverside)
    lee = _user("lee", Role.COUNSELLOR, riverside)
    riverside_admin = _user("riverside_admin", Role.PROGRAM_ADMIN, riverside)
    brook = _user("brook", Role.PRESCRIBER, northgate)
    site_admin = _user("site_admin", Role.SITE_ADMIN, None)
    alex_user = _user("alex", Role.PATIENT, riverside)
    blair_user = _user("blair", Role.PATIENT, riverside)
    casey_user = _user("casey", Role.PATIENT, northgate)
    alex = _patient(riverside, alex_user, "Alex", "Morgan", dt.date(1982, 5, 14))
    blair = _patient(riverside, blair_user, "Blair", "Okafor", dt.date(1958, 9, 2))
    casey = _patient(northgate, casey_user, "Casey", "Lindqvist", dt.date(1990, 1, 23))
    for patient in (alex, blair):
        CareTeamMember.objects.create(patient=patient, user=avery)
        CareTeamMember.objects.create(patient=patient, user=kim)
    CareTeamMember.objects.create(patient=alex, user=lee)
    CareTeamMember.objects.create(patient=casey, user=brook)
    return World(
        riverside,
        northgate,
        avery,
        kim,
        lee,
        riverside_admin,
        brook,
        site_admin,
        alex_user,
        blair_user,
        casey_user,
        alex,
        blair,
        casey,
    )
