"""Weighting a survey to the reference population: mapping, raking, weights.

contract.py is what the readers (results, cross-table, report, exports) use.
"""
