"""The comparison stage (``rules/compare.smk``): per-LA metric counts, the regional
comparison and the unit-level model."""
