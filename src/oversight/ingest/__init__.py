"""The ingest stage (``rules/ingest.smk``): read, validate, harmonise and pseudonymise
one LA's raw extracts into the common schema, every row loaded or rejected with its reason."""
