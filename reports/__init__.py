"""Reports: return rates per unit and round, satisfaction indices, the status and round reports."""
