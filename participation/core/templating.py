"""Template globals: site name, policies, the one Markdown filter, formatting filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app, request

from participation.core.feedback import flashes_claimed
from participation.core.forms import PostOnlyForm
from participation.core.i18n import current_locale, register_filters, share_form_catalogues
from participation.core.legal_texts import LEGAL_PAGE_SLUGS, legal_page_title
from participation.core.markup import render_markdown

# Policy functions by the name templates call them with; registering a name again replaces it,
# so a second app (tests) changes nothing.
_template_policies: dict[str, Callable[..., Any]] = {}


def register_template_policies(policies: Mapping[str, Callable[..., Any]]) -> None:
    """Expose a domain's policy functions to templates (buttons show only when the policy says yes)."""
    _template_policies.update(policies)


def _legal_links() -> list[tuple[str, str]]:
    """(slug, title) of every legal page, for the footer."""
    return [(slug, legal_page_title(slug)) for slug in LEGAL_PAGE_SLUGS]


def _globals() -> dict[str, Any]:
    """Per-request template variables: site, language, the CSRF-only form, the path, the policies."""
    return {
        "site_name": current_app.config["SITE_NAME"],
        "current_language": current_locale(),
        # Only the CSRF token is needed; formdata=None keeps error pages (413) from reading the body.
        "post_form": lambda: PostOnlyForm(formdata=None),
        "current_path": request.full_path.rstrip("?") if request else "/",
        **_template_policies,
    }


def init_templating(app: Flask) -> None:
    """Register globals, filters and context processors."""
    register_filters(app)
    share_form_catalogues(app)  # forms render in templates; their messages come in the page's language
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["legal_links"] = _legal_links
    app.jinja_env.globals["flashes_claimed"] = flashes_claimed
    app.context_processor(_globals)
