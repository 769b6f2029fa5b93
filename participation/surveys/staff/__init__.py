"""Assisted entry: staff enter responses taken by phone, at the Bürgerbüro or from paper."""
