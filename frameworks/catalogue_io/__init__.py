"""Catalogue files (`dxportal-catalogue/1`, see frameworks/FORMAT.md) in and out.

reading.py     file → plain data and the line of every field (size, anchor and depth limits)
validating.py  plain data → Catalogue dataclasses, every problem with file, line and field
importing.py   framework_import: a valid file → a new edition, in one transaction
writing.py     framework_export: an edition → deterministic YAML
"""

from frameworks.catalogue_io.importing import ImportResult, framework_import
from frameworks.catalogue_io.problems import CatalogueFileError, CatalogueProblem
from frameworks.catalogue_io.writing import framework_export

__all__ = [
    "CatalogueFileError",
    "CatalogueProblem",
    "ImportResult",
    "framework_export",
    "framework_import",
]
