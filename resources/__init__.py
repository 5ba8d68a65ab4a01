"""Bundled resources: topic lists, sample clip, icons, report schema (see README.md here)."""
