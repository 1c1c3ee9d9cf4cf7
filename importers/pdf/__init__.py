"""Reading contract PDFs: the best text layer per page, OCR where none can be trusted, and
hard limits for hostile input. `read_pdf` reads in-process; `read_pdf_isolated` reads in a
resource-limited subprocess and is what servers and batch ingest should call."""
from importers.pdf.errors import UnreadableDocumentError
from importers.pdf.isolated import read_pdf_isolated
from importers.pdf.limits import ReadLimits
from importers.pdf.reader import read_pdf

__all__ = ["ReadLimits", "UnreadableDocumentError", "read_pdf", "read_pdf_isolated"]
