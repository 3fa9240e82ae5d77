"""Administration of accounts, roles and scopes, and the security audit log."""
