"""The rules of rules/quality.smk as functions, one module per rule."""
