"""The rules of rules/survey.smk as functions, one module per rule."""
