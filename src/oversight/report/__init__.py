"""The report: published tables, findings, rendering and exports."""
