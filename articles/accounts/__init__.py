"""Accounts: sign-up, login limits, and sessions that know their user."""
