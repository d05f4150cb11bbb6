"""Reports: return rates per unit and per round (satisfaction indices and round reports to come)."""
