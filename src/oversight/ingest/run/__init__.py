"""The rules of rules/ingest.smk as functions, one module per rule."""
