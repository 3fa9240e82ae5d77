"""The solution and training catalogue: browse, compare, and curators review."""
