"""Search over published articles and visible comments (PostgreSQL full-text search)."""
