"""The assessment report: web page, PDF and data exports."""
