"""The rules of rules/disclosure.smk as functions, one module per rule."""
