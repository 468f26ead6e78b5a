"""Clonacare: software for the whole way out of benzodiazepine dependence."""

__version__ = "0.1.0"
