"""The rule of rules/open_data.smk as a function, one module per rule."""
