"""Bolt events listeners."""
