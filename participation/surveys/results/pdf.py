"""HTML to a tagged A4 PDF with WeasyPrint (PDF/UA-1: structure tree, document language, title).

The report's HTML carries `lang` and a <title>; the stylesheet (static/css/surveys-report-pdf.css) sets
the page size, the footer with the survey title and "Seite x von y", and repeats table headers.
Nothing is fetched from elsewhere: the charts are inline SVG and the only resource is that stylesheet.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app

STYLESHEET = "css/surveys-report-pdf.css"
# WeasyPrint reports every layout step at INFO: one line per page in the server log is noise.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _no_fetching(url: str, *args, **kwargs):
    """Refuse every URL: the report needs nothing from outside itself (and must not reach the network)."""
    raise ValueError(f"not fetched: {url[:80]}")


def render(html: str) -> bytes:
    """The HTML document as PDF bytes, tagged for screen readers (PDF/UA-1)."""
    # WeasyPrint loads Pango through cffi: imported when a PDF is asked for, not at app start.
    from weasyprint import CSS, HTML

    stylesheet = Path(current_app.static_folder or "static") / STYLESHEET
    document = HTML(string=html, url_fetcher=_no_fetching, base_url=str(stylesheet.parent))
    pdf: bytes = document.write_pdf(
        stylesheets=[CSS(filename=str(stylesheet))], pdf_variant="pdf/ua-1", uncompressed_pdf=False
    )
    return pdf
