"""Bolt actions listeners."""
