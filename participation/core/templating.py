"""Template globals: site name, policies, the one Markdown filter, formatting filters."""

from __future__ import annotations

from flask import Flask, current_app, request

from participation.core.forms import PostOnlyForm
from participation.core.i18n import current_locale, register_filters
from participation.core.legal_texts import LEGAL_PAGE_SLUGS, legal_page_title

_template_policies: dict = {}


def register_template_policies(policies: dict) -> None:
    """Expose a domain's policy functions to templates (buttons show only when the policy says yes)."""
    _template_policies.update(policies)


def init_templating(app: Flask) -> None:
    """Register globals, filters and context processors."""
    from participation.accounts.models import ROLE_LABELS
    from participation.accounts.policy import TEMPLATE_POLICIES
    from participation.core.markup import render_markdown

    register_template_policies(TEMPLATE_POLICIES)
    register_filters(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals.update(
        role_labels=ROLE_LABELS,
        legal_links=lambda: [(slug, legal_page_title(slug)) for slug in LEGAL_PAGE_SLUGS],
    )

    @app.context_processor
    def _globals():
        return {
            "site_name": current_app.config["SITE_NAME"],
            "current_language": current_locale(),
            # Only the CSRF token is needed; formdata=None keeps error pages (413) from reading the body.
            "post_form": lambda: PostOnlyForm(formdata=None),
            "current_path": request.full_path.rstrip("?") if request else "/",
            **_template_policies,
        }
