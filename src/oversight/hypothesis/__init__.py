"""The hypothesis stage (rules/hypothesis.smk): the pre-specified predictions, tested."""
