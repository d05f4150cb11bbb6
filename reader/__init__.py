"""Pure form reading: a returned file's bytes and the layout maps in, form results out.

``read_document`` is the one entry: the intake calls it for each attachment and file,
``khaosat parse`` for the file it is given (or each attachment of a message).
"""

from .document import read_document

__all__ = ["read_document"]
