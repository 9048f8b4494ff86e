"""Accounts: django-allauth with the forum's rules (adapter.py), login limits, profiles, mail
through the task worker (tasks.py), leaving, and sessions that know their user."""
