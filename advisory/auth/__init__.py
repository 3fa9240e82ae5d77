"""Sign-in, sign-out and password change."""
