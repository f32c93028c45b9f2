"""The rules of rules/report.smk as functions, one module per rule."""
