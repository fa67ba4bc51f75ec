"""Notifications: who is told (recipients), what (digests), and how (email, webhooks).

Notices are written by the sweep in the transaction of the change that caused them; digests
gather them per person into the outbox; the sender delivers the outbox at least once.
"""
