"""Associations of municipalities: their page, members and shared inventory."""
