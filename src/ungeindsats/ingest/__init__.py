"""Importers: real-format files into the warehouse, validated, pseudonymised, all-or-nothing."""
