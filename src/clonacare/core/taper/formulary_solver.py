"""Make a dose from a formulary's products: tablet counts (halves only where scored),
orally disintegrating tablets, capsules and mL of liquid measured to the formulary's
resolution. Every answer adds up exactly to the dose asked for, or there is no answer.

Among the ways to make a dose the solver prefers, in order: no liquid, fewer half
tablets, the weakest liquid and the smallest volume of it (tablets make what they can,
liquid the rest), fewer units, fewer different products, the regular tablet over other
forms. It uses up to two solid products, three only when two cannot make the dose.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from functools import cache
from itertools import combinations
from math import gcd

from clonacare.core.drugs import Formulary, Product
from clonacare.core.taper.model import Dose, ProductQuantity
from clonacare.core.taper.numbers import clean

_FORM_RANK = {"tablet": 0, "capsule": 1, "odt": 2, "liquid": 3}
_HALF = Decimal("0.5")
_ZERO = Decimal(0)
_Parts = tuple[tuple[Product, Decimal], ...]  # (product, quantity) pairs
# How much a way is preferred (see _preference): counts as ints, amounts as Decimals.
_Key = tuple[int, int, Decimal, Decimal, int, int, int]
_Found = tuple[_Key, _Parts]


def _piece_mg(product: Product, resolution_ml: Decimal) -> Decimal:
    """The smallest amount one product adds: a half if scored, a liquid's resolution."""
    if product.form == "liquid":
        return product.mg_per_unit * resolution_ml
    return product.mg_per_unit * _HALF if product.scored else product.mg_per_unit


def _quantity_step(product: Product, resolution_ml: Decimal) -> Decimal:
    if product.form == "liquid":
        return resolution_ml
    return _HALF if product.scored else Decimal(1)


def _preference(parts: _Parts, liquid: Product | None) -> _Key:
    """How much the solver prefers a way to make a dose, smallest first: no liquid, fewer
    half tablets, the weakest liquid and the smallest volume of it, fewer units, fewer
    different products, the regular tablet over other forms. (The counts are ints, not
    Decimals: keys are only compared with each other, position by position.)"""
    halves = sum(1 for p, q in parts if p.form != "liquid" and q % 1 != 0)
    units = sum(
        int(q.to_integral_value(rounding="ROUND_CEILING")) for p, q in parts if p.form != "liquid"
    )
    volume = parts[-1][1] if liquid is not None else _ZERO
    return (
        int(liquid is not None),
        halves,
        liquid.mg_per_unit if liquid is not None else _ZERO,  # weakest liquid
        volume,  # tablets make what they can, liquid the rest
        units,
        len(parts),
        sum(_FORM_RANK[p.form] for p, _ in parts),
    )


def _fraction_gcd(values: list[Fraction]) -> Fraction:
    num = 0
    den = 1
    for v in values:
        num = gcd(num, v.numerator)
        den = den * v.denominator // gcd(den, v.denominator)
    return Fraction(num, den)


class DoseMaker:
    """Answers "which products make this dose of this drug?" for one formulary."""

    def __init__(self, formulary: Formulary, drug: str) -> None:
        self.drug = drug
        self.formulary_name = formulary.name
        self.resolution_ml = formulary.liquid_resolution_ml
        products = formulary.products_for(drug)
        self.products = tuple(
            sorted(products, key=lambda p: (p.form == "liquid", -p.mg_per_unit, _FORM_RANK[p.form]))
        )
        self.solids = tuple(p for p in self.products if p.form != "liquid")
        # The weakest liquid first: small volumes of a concentrate are hard to measure.
        self.liquids = tuple(
            sorted((p for p in self.products if p.form == "liquid"), key=lambda p: p.mg_per_unit)
        )
        pieces = [Fraction(_piece_mg(p, self.resolution_ml)) for p in self.products]
        # Every dose the formulary can make is a multiple of this amount. The pieces are
        # decimals, so their greatest common divisor is an exact decimal too.
        self.quantum: Decimal | None = None
        # The same amount as an exact Fraction, for the planner's arithmetic.
        self.quantum_fraction: Fraction | None = None
        if pieces:
            common = _fraction_gcd(pieces)
            self.quantum = Decimal(common.numerator) / Decimal(common.denominator)
            self.quantum_fraction = Fraction(self.quantum)
        # Keyed by the amount: equal decimals (1, 1.0, 1.00) hash and compare equal, so
        # they share one answer, and the answer does not depend on how mg is written.
        self._cache: dict[Decimal, tuple[ProductQuantity, ...] | None] = {}
        self._tries_cache: dict[tuple[Product, Product], int] = {}
        # By a count of quanta: the dose written cleanly, and whether it can be made (the
        # planner's reduction loop counts doses in quanta; an int is a cheap key).
        self._units_mg: dict[int, Decimal] = {}
        self._units_makeable: dict[int, bool] = {}
        # The planner's Dose objects of this drug by (dose time, mg), kept across plans.
        self.doses: dict[tuple[str, Decimal], Dose] = {}

    @property
    def has_products(self) -> bool:
        return bool(self.products)

    @property
    def has_liquid(self) -> bool:
        return bool(self.liquids)

    def make(self, mg: Decimal) -> tuple[ProductQuantity, ...] | None:
        """The products that make exactly ``mg`` (None when the formulary cannot)."""
        try:
            return self._cache[mg]
        except KeyError:
            pass
        result = self._solve(mg) if mg > 0 else None
        self._cache[mg] = result
        return result

    def can_make(self, mg: Decimal) -> bool:
        return mg == 0 or self.make(mg) is not None

    def units_mg(self, units: int) -> Decimal:
        """``units`` × the quantum in mg, written cleanly (no trailing zeros: 0.25, 2).
        Only for a formulary with products (a quantum)."""
        try:
            return self._units_mg[units]
        except KeyError:
            pass
        if self.quantum is None:
            raise ValueError(f"No {self.drug} products: no quantum to count doses in.")
        mg = clean(self.quantum * units)
        self._units_mg[units] = mg
        return mg

    def can_make_units(self, units: int) -> bool:
        """``can_make`` of ``units`` × the quantum (0 or more), cached by the count."""
        try:
            return self._units_makeable[units]
        except KeyError:
            pass
        made = units == 0 or self.make(self.units_mg(units)) is not None
        self._units_makeable[units] = made
        return made

    def _solve(self, mg: Decimal) -> tuple[ProductQuantity, ...] | None:
        best: _Found | None = None
        for liquid in (None, *self.liquids):
            # Up to two solid products, or three when two cannot make the dose.
            for sizes in ((0, 1, 2), (3,)):
                for size in sizes:
                    if size == 0 and liquid is None:
                        continue
                    for subset in combinations(self.solids, size):
                        found = self._fill(mg, subset, liquid)
                        if found is not None and (best is None or found[0] < best[0]):
                            best = found
                if best is not None:
                    break
            if best is not None and liquid is None:
                break  # tablets alone can make it: no liquid
        if best is None:
            return None
        return tuple(
            ProductQuantity(
                name=p.name, mg_per_unit=p.mg_per_unit, unit=p.unit, quantity=q.normalize()
            )
            for p, q in best[1]
        )

    def _fill(
        self, mg: Decimal, solids: tuple[Product, ...], liquid: Product | None
    ) -> _Found | None:
        """Best way to make ``mg`` using every product given (each at least one piece):
        the first, in the order tried, of the ways the solver prefers most."""
        best: _Found | None = None
        for parts in self._ways(mg, solids, liquid, ()):
            key = _preference(parts, liquid)
            if best is None or key < best[0]:
                best = (key, parts)
        return best

    def _ways(
        self,
        remaining: Decimal,
        solids: tuple[Product, ...],
        liquid: Product | None,
        chosen: _Parts,
    ) -> Iterator[_Parts]:
        """Every way to make ``remaining`` with a quantity of each of ``solids`` (in
        order, smallest quantities first) and the ``liquid``, if any, making the rest."""
        if not solids:
            done = self._with_liquid(remaining, liquid, chosen)
            if done is not None:
                yield done
            return
        product, rest = solids[0], solids[1:]
        exact = not rest and liquid is None  # the last solid makes the rest exactly
        for quantity in self._quantities(product, remaining, liquid, last=not rest):
            left = Decimal(0) if exact else remaining - quantity * product.mg_per_unit
            yield from self._ways(left, rest, liquid, (*chosen, (product, quantity)))

    def _quantities(
        self, product: Product, remaining: Decimal, liquid: Product | None, *, last: bool
    ) -> list[Decimal]:
        """The quantities of ``product`` worth trying with ``remaining`` mg to make."""
        step = _quantity_step(product, self.resolution_ml)
        if last and liquid is None:
            quantity = remaining / product.mg_per_unit
            return [quantity] if quantity >= step and quantity % step == 0 else []
        if last and liquid is not None:
            # The liquid makes the rest: only the largest quantities can win (the
            # smallest volume), one whole and one with a half tablet.
            return self._largest_before_liquid(product, remaining, liquid)
        quantities = []
        quantity = step
        while quantity * product.mg_per_unit <= remaining:
            quantities.append(quantity)
            quantity += step
        return quantities

    def _with_liquid(
        self, remaining: Decimal, liquid: Product | None, chosen: _Parts
    ) -> _Parts | None:
        """``chosen`` and the volume of ``liquid`` that makes ``remaining``, measurable at
        the formulary's resolution; without a liquid, ``chosen`` when nothing remains."""
        if liquid is None:
            return chosen if remaining == 0 else None
        if remaining <= 0:
            return None
        volume = remaining / liquid.mg_per_unit
        if volume % self.resolution_ml != 0:
            return None
        return (*chosen, (liquid, volume))

    def _largest_before_liquid(
        self, product: Product, remaining: Decimal, liquid: Product
    ) -> list[Decimal]:
        """The quantities of the last solid worth trying before ``liquid`` makes the rest:
        the largest that leaves a measurable volume, whole and (scored) with a half.

        For the same other products a larger quantity always leaves less liquid, and the
        solver prefers fewer half tablets, then less liquid; so no smaller quantity of the
        same kind can be better. Trying only these keeps the work linear in the dose
        (a 1000 mg dose would otherwise try every pair of quantities).
        """
        step = _quantity_step(product, self.resolution_ml)
        mg = product.mg_per_unit
        piece = liquid.mg_per_unit * self.resolution_ml
        top = remaining - piece
        if top < mg * step:
            return []
        quantity = (top / mg // step) * step
        while quantity * mg > top:
            quantity -= step
        tries = self._tries(product, liquid)
        found: dict[bool, Decimal] = {}
        kinds = 2 if step % 1 else 1
        while quantity >= step and tries > 0 and len(found) < kinds:
            volume = (remaining - quantity * mg) / liquid.mg_per_unit
            if volume % self.resolution_ml == 0:
                found.setdefault(bool(quantity % 1), quantity)
            quantity -= step
            tries -= 1
        return sorted(found.values())

    def _tries(self, product: Product, liquid: Product) -> int:
        """How many quantities of ``product`` to try before ``liquid`` makes the rest:
        the volume left is measurable again after at most one period (the residue of
        quantity × mg modulo the liquid's piece repeats); twice that finds both kinds.
        Computed once per pair of products."""
        key = (product, liquid)
        tries = self._tries_cache.get(key)
        if tries is None:
            step = _quantity_step(product, self.resolution_ml)
            piece = liquid.mg_per_unit * self.resolution_ml
            period = Fraction(piece) / _fraction_gcd(
                [Fraction(step * product.mg_per_unit), Fraction(piece)]
            )
            tries = 2 * int(period) + 2
            self._tries_cache[key] = tries
        return tries


def dose_maker(formulary: Formulary, drug: str) -> DoseMaker:
    """The (cached) dose maker of one drug in one formulary: one per drug for equal
    formularies, so its answers are kept across plans."""
    key = (id(formulary), drug)
    found = _by_identity.get(key)
    if found is not None and found[0] is formulary:
        return found[1]
    maker = _dose_maker(formulary, drug)
    if len(_by_identity) >= _IDENTITIES_KEPT:
        _by_identity.clear()
    _by_identity[key] = (formulary, maker)
    return maker


@cache
def _dose_maker(formulary: Formulary, drug: str) -> DoseMaker:
    return DoseMaker(formulary, drug)


# The makers found for a formulary object itself, keyed by its id (the object is kept,
# so the id is not reused while it is here): the cache above hashes the whole formulary,
# every product of it, which costs more than a plan's other set-up. Cleared when full.
_IDENTITIES_KEPT = 64
_by_identity: dict[tuple[int, str], tuple[Formulary, DoseMaker]] = {}
