"""The rules of rules/figures.smk as functions, one module per rule."""
