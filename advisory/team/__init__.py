"""Invitations, domain assignments and the staff list of a municipality."""
