"""Dossier import: exports of the one-stop system (xlsx/csv) into the database.

table.py reads a file into numbered rows; columns.py finds the header and maps it to
fields; normalise.py and rows.py turn cells into clean records (pure); catalogue.py gives
units and procedures the configuration's codes, or short ones of their own; store.py writes
them in bulk; importer.py ties these together; inbox.py runs the drop folder.
"""

from .importer import import_files, parse_file
from .inbox import InboxResult, process_inbox
from .report import ImportReport, RowNote

__all__ = ["ImportReport", "InboxResult", "RowNote", "import_files", "parse_file", "process_inbox"]
