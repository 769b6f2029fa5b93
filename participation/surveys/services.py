"""The surveys' API: what views and other domains call to change or read surveys.

Every write takes the acting user first (where there is one), flushes and never commits: the caller
commits once. Raised errors are the classes in errors.py.
"""

from participation.surveys.answering.codes import code_counts, code_is_usable, generate_codes
from participation.surveys.answering.drafts import load_draft, save_draft
from participation.surveys.answering.sealing import seal, seal_due, seal_if_closed
from participation.surveys.answering.services import (
    AlreadyAnswered,
    AnswersInvalid,
    CodeRejected,
    Evaluation,
    change_response,
    evaluate,
    has_participated,
    own_response,
    raw_from_form,
    response_raw,
    response_values,
    submit_response,
    today,
)
from participation.surveys.builder.conditions import (
    add_condition,
    conditions_fixed,
    delete_condition,
    set_condition_mode,
)
from participation.surveys.builder.duplicate import duplicate_survey
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
from participation.surveys.results.services import compute
from participation.surveys.staff.services import enter_response

__all__ = [
    "AlreadyAnswered",
    "AnswersInvalid",
    "CodeRejected",
    "Evaluation",
    "add_condition",
    "add_option",
    "add_page",
    "add_question",
    "change_response",
    "close",
    "code_counts",
    "code_is_usable",
    "compute",
    "conditions_fixed",
    "create_survey",
    "delete_condition",
    "delete_option",
    "delete_page",
    "delete_question",
    "delete_survey",
    "duplicate_survey",
    "enter_response",
    "evaluate",
    "generate_codes",
    "has_participated",
    "has_responses",
    "load_draft",
    "move_option",
    "move_question",
    "own_response",
    "publish",
    "raw_from_form",
    "rename_page",
    "response_raw",
    "response_values",
    "save_draft",
    "seal",
    "seal_due",
    "seal_if_closed",
    "set_condition_mode",
    "set_results_published",
    "set_texts_published",
    "submit_response",
    "today",
    "update_option",
    "update_question",
    "update_survey",
]
