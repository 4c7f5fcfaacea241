"""Bolt commands listeners."""
