"""The municipality directory: search and profile pages."""
