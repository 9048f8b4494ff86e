"""The PostgreSQL backend of the forum: Django's, with a client-side deadline on every answer."""
