"""Outbound: one message composer, the SMTP transport, the outbox and dispatch, print batches,
reminders, unit follow-up lists, and the board's status and round reports (sent once, claimed in the database)."""
