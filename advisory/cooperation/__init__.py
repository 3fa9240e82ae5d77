"""Peer benchmark consent and cooperation between neighbouring municipalities."""
