"""The figures: one module per figure family, each prepared, drawn and described in one
shared style."""
