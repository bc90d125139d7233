"""Measures: named, documented quantities computed from warehouse query results.

One module per concept. Each measure has a name, a unit, a definition in words and the source
ids it is computed from; the functions are pure (tables in, tidy tables out) and do no I/O.
"""
