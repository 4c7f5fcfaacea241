"""Reciprocity: a Slack app that makes asking for help at work normal, specific and answered."""
