"""Tender building blocks: page, PDF and editable document per solution type."""
