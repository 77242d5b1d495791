"""A scenario pack: its models and types, the loader (YAML + Markdown + CSV), the format
subsets, and the checks that refuse a pack before an exam uses it."""
