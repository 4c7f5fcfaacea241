"""Bolt views listeners."""
