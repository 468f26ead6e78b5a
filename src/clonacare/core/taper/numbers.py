"""Doses as text for people, and decimals without float noise or needless exponents."""

from __future__ import annotations

from decimal import Decimal, getcontext
from fractions import Fraction
from functools import lru_cache

# A number this large (a typo such as 1e400) is shown in scientific notation.
_SHOWN_LARGEST = Decimal("1e12")


def mg_text(value: Decimal | Fraction) -> str:
    """A dose for people: exact decimals as written, others to 3 places; a huge number
    (a typing mistake) in scientific notation."""
    if type(value) is Decimal and value and value.is_finite():
        return _decimal_text(value)
    return _text(value)


@lru_cache(maxsize=8192)
def _decimal_text(value: Decimal) -> str:
    """``mg_text`` of a finite Decimal other than 0, cached: the text depends only on the
    value (equal decimals such as 1 and 1.0 give the same text), and plans write the same
    few doses many times. (0 is left out: -0 and 0 are equal but written differently.)"""
    return _text(value)


def _text(value: Decimal | Fraction) -> str:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
        if abs(value) < _SHOWN_LARGEST:
            value = (
                value.quantize(Decimal("0.001"))
                if value != value.quantize(Decimal("0.001"))
                else value
            )
    if not value.is_finite() or abs(value) >= _SHOWN_LARGEST:
        return format(value.normalize(), ".6g")
    return format(value.normalize(), "f")


def clean(value: Decimal) -> Decimal:
    """``value`` without trailing zeros or an exponent (20.0 → 20, 0.250 → 0.25); a
    number too long to write out (a typo such as 1e400) keeps its exponent."""
    normal = value.normalize()
    if not normal.is_finite() or normal.adjusted() >= getcontext().prec:
        return normal
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


@lru_cache(maxsize=8192)
def fraction_of(value: Decimal) -> Fraction:
    """``value`` as an exact Fraction, cached: the same few doses are converted many
    times per plan (equal decimals such as 1 and 1.0 give the same Fraction)."""
    return Fraction(value)


def below(a: Fraction, b: Fraction) -> bool:
    """``a < b`` for exact rationals, by cross-multiplying (denominators are positive).
    Fraction's own comparison first checks against an abstract base class, which is
    slow in the planner's per-step loop; the answer is the same."""
    return a.numerator * b.denominator < b.numerator * a.denominator


def a_or_an(word: str) -> str:
    """The indefinite article and ``word``: "an alprazolam", "a clonazepam"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
