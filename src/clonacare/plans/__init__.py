"""Taper plans on the record: drafted and approved by a prescriber, revised, never edited."""
