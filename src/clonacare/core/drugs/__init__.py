"""Benzodiazepines: equivalence tables, label facts and formularies, loaded from sourced data.

Public API::

    table = equivalence_table("ashton")          # or "vadod"
    table.diazepam_equivalent_mg("clonazepam", Decimal("1.5"))   # Decimal("30")
    drug_facts("clonazepam").label_maximums
    brand_names()["xanax"]                       # "alprazolam" (every US brand in the data)
    applicable_label_maximums("clonazepam", "panic disorder")   # the 4 mg maximum
    formulary = load_formulary()                 # the US default, or a site's file
    co_medications().drug("oxycodone")          # other medications and their flags
"""

from __future__ import annotations

from clonacare.core.drugs.co_medications import (
    CoMedication,
    CoMedicationTable,
    DrugClass,
    Flag,
    InteractionFlags,
    co_medications,
    interaction_flags,
    load_co_medications,
)
from clonacare.core.drugs.dose_text import plain_mg
from clonacare.core.drugs.equivalence import (
    EQUIVALENCE_TABLES,
    EquivalenceTable,
    Equivalent,
    equivalence_table,
)
from clonacare.core.drugs.facts import (
    Brand,
    DrugFacts,
    LabelMaximum,
    brand_index,
    brand_names,
    drug_facts,
    known_drugs,
)
from clonacare.core.drugs.formulary import Formulary, Product, load_formulary
from clonacare.core.drugs.label_maximum import (
    ALL_INDICATIONS,
    SEIZURE_DISORDERS,
    ApplicableMaximums,
    applicable_label_maximums,
)

__all__ = [
    "ALL_INDICATIONS",
    "EQUIVALENCE_TABLES",
    "SEIZURE_DISORDERS",
    "ApplicableMaximums",
    "Brand",
    "CoMedication",
    "CoMedicationTable",
    "DrugClass",
    "DrugFacts",
    "EquivalenceTable",
    "Equivalent",
    "Flag",
    "Formulary",
    "InteractionFlags",
    "LabelMaximum",
    "Product",
    "applicable_label_maximums",
    "brand_index",
    "brand_names",
    "co_medications",
    "drug_facts",
    "equivalence_table",
    "interaction_flags",
    "known_drugs",
    "load_co_medications",
    "load_formulary",
    "plain_mg",
]
