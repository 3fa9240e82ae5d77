"""The action plan: what the municipality decided about each recommended step."""
