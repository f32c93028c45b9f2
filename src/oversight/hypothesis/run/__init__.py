"""The rules of rules/hypothesis.smk as functions, one module per rule."""
