"""Importers that turn other catalogues' formats into catalogue entries, one module per format.

- `publiccode`: publiccode.yml files (every version in use, with country sections).
- `codejson`: code.json 2.0 inventories (US federal agencies).

Each importer returns `Entry` records and problems; `write_entries` validates every entry
against the schema and writes it atomically into a catalogue directory, never replacing an
existing file unless asked.
"""

from catalog.importing.common import Entry, ImportReport, write_entries

__all__ = ["Entry", "ImportReport", "write_entries"]
