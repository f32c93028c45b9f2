"""The rules of rules/compare.smk as functions, one module per rule."""
