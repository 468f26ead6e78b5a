"""Benzodiazepines: equivalence tables, label facts and formularies, loaded from sourced data.

Public API::

    table = equivalence_table("ashton")          # or "vadod"
    table.diazepam_equivalent_mg("clonazepam", Decimal("1.5"))   # Decimal("30")
    drug_facts("clonazepam").label_maximums
    formulary = load_formulary()                 # the US default, or a site's file
"""

from __future__ import annotations

from clonacare.core.drugs.equivalence import (
    EQUIVALENCE_TABLES,
    EquivalenceTable,
    Equivalent,
    equivalence_table,
)
from clonacare.core.drugs.facts import DrugFacts, LabelMaximum, drug_facts, known_drugs
from clonacare.core.drugs.formulary import Formulary, Product, load_formulary

__all__ = [
    "EQUIVALENCE_TABLES",
    "DrugFacts",
    "EquivalenceTable",
    "Equivalent",
    "Formulary",
    "LabelMaximum",
    "Product",
    "drug_facts",
    "equivalence_table",
    "known_drugs",
    "load_formulary",
]
