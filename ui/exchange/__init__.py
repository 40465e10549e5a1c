"""Exchange packages: export, reading answers, the town's report."""
