"""Answering surveys: the questionnaire, validation, storing typed answers, codes, drafts, sealing.

Storing a response, for callers that name the sub-package (the package-wide API is surveys.services).
"""

from participation.surveys.answering.services import change_response, submit_response

__all__ = ["change_response", "submit_response"]
