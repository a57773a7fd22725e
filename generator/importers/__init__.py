"""Importers: turn published records into content files (`tthc import …`).

Each source format has one module with a pure function from one source record to an
`Imported` value (see `records.py`); `run.py` reads the inputs, writes the files in the
canonical layout and prints the per-record summary.
"""
