"""Inbound: returned forms from mail, scans and faxes, read into answers."""
