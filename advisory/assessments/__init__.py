"""Answering an inventory: overview, one page per domain, autosave, conflicts and history."""
