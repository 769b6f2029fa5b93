"""Weighting a survey to the reference population: mapping, raking, weights (contract.py is what readers use)."""
