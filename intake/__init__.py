"""Inbound: sources (IMAP, scan folder), the raw archive, the pipeline (archive → record → process →
settle), matching; ``messages/`` tells replies, bounces, auto-replies, fax reports and opt-outs apart."""
