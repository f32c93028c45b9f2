"""The rules of rules/coding.smk as functions, one module per rule."""
