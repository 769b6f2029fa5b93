"""A moderated wiki: citizens propose changes, readers see only reviewed text."""


def init_app(app) -> None:
    """Register the wiki blueprint, notification kinds, privacy parts, demo data and template helpers."""
    from flask_babel import lazy_gettext as _l

    from participation.core.demo import register_demo_seeder
    from participation.core.privacy import register_eraser, register_exporter
    from participation.core.settings import CONTRIBUTIONS_HOOK, register_hook
    from participation.core.templating import register_template_policies
    from participation.notifications.services import register_kind
    from participation.wiki import (  # noqa: F401  (review routes on wiki.bp)
        models,  # noqa: F401  (tables known to the metadata)
        policy,
        queries,
        review_views,
    )
    from participation.wiki.demo import seed_wiki
    from participation.wiki.privacy import erase_wiki_data
    from participation.wiki.views import bp

    app.register_blueprint(bp)
    register_template_policies(policy.TEMPLATE_POLICIES)
    register_exporter("wiki", queries.export_revisions)
    register_eraser("wiki", erase_wiki_data)
    register_demo_seeder("wiki", seed_wiki)
    # Approved changes count as contributions for "the first N contributions are held".
    register_hook(CONTRIBUTIONS_HOOK, queries.approved_revision_count)
    register_kind(
        "wiki_approved", _l("Ihre Änderung an der Seite „%(title)s“ wurde geprüft und veröffentlicht.")
    )
    register_kind(
        "wiki_rejected",
        _l("Ihre Änderung an der Seite „%(title)s“ wurde nicht übernommen. Begründung: %(reason)s"),
    )
    register_kind(
        "wiki_outdated",
        _l(
            "Die Seite „%(title)s“ wurde inzwischen geändert, daher wurde Ihre Änderung nicht übernommen. "
            "Sie können die Seite auf Grundlage des neuen Textes erneut bearbeiten."
        ),
    )
    _register_project_panel()


def _register_project_panel() -> None:
    """Show linked wiki pages on project pages (when the projects package offers panels)."""
    try:
        from participation.projects.panels import register_project_panel
    except ImportError:  # projects without panels: the wiki still works on its own
        return
    from participation.wiki.queries import pages_for_project

    def context(project, **_options):
        pages = pages_for_project(project.id)
        return {"pages": pages} if pages else None

    register_project_panel("wiki", "wiki/_project_panel.html", context, order=40)
