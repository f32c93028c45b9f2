"""The rules of rules/published.smk as functions, one module per rule."""
