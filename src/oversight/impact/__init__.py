"""The impact stage (rules/impact.smk): did the supervision templates change practice."""
