"""Building surveys: settings, pages, questions, options, conditions, preview and participation codes.

The builder's services, for callers that name the sub-package (the package-wide API is surveys.services).
"""

from participation.surveys.builder.services import (
    add_option,
    add_page,
    add_question,
    close,
    create_survey,
    delete_option,
    delete_page,
    delete_question,
    delete_survey,
    has_responses,
    move_option,
    move_question,
    publish,
    rename_page,
    set_results_published,
    set_texts_published,
    update_option,
    update_question,
    update_survey,
)

__all__ = [
    "add_option",
    "add_page",
    "add_question",
    "close",
    "create_survey",
    "delete_option",
    "delete_page",
    "delete_question",
    "delete_survey",
    "has_responses",
    "move_option",
    "move_question",
    "publish",
    "rename_page",
    "set_results_published",
    "set_texts_published",
    "update_option",
    "update_question",
    "update_survey",
]
