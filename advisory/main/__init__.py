"""Home, health check, language choice and the about page."""
