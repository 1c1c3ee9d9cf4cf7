"""Outside formats (contract PDFs, the ministry's list, CSV) into the domain's models."""
import registry  # noqa: F401  (sets PICCOLO_CONF before any table is imported)
