"""Moderation: moderators' actions, the queue, a member's record, readers' reports."""
