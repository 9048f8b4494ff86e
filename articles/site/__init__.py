"""Site-wide pages: the health check and the error pages."""
