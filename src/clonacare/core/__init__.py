"""The clinical core: pure Python, no Django, no database.

Everything here takes explicit inputs (dates included), returns frozen value objects
and raises :class:`clonacare.core.errors.ClinicalError` with a message a clinician can
read. Clinical numbers live in data files beside the code that loads them, each with
its source.
"""
