"""The account page for personal API tokens."""
