"""The newsroom: editors write, schedule and publish articles; readers browse the front page,
topic pages and the feed."""
