"""State changes and queries as plain functions; views call these, never the session directly."""
