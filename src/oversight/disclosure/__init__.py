"""The disclosure stage (``rules/disclosure.smk``): small-number suppression of every
published table, primary and secondary, checked by an audit of the released cells."""
