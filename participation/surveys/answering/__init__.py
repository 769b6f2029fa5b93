"""Answering surveys: the questionnaire, validation, storing typed answers, codes, drafts, sealing."""
