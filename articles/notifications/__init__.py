"""Notifications (issue 14): replies, mentions, follows and mutes, the bell, and mail."""
