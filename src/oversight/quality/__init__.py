"""The quality stage (``rules/quality.smk``): links between an LA's datasets, the ledger,
which datasets the regional analyses leave out, and the data-quality pages."""
