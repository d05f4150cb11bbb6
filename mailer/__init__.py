"""Outbound: composing invitations, the SMTP transport, the outbox and dispatch, print batches."""
