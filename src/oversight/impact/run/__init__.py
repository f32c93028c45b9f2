"""The rules of rules/impact.smk as functions, one module per rule."""
