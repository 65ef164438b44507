"""Campus: the catalogue of the French public sector's transformation resources."""
