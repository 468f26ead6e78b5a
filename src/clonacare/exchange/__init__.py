"""Record exchange: a patient's record as a FHIR R4B Bundle (``bundle.patient_bundle``),
the program's patients as bulk NDJSON (``bulk``), and a Bundle another program sent read
back into a new record (``actions.do_import_fhir_bundle``), its plan kept as an outside
plan. Builds on the record, the assessments, the plans and therapy; none of them
imports it (docs/fhir.md)."""
