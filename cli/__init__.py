"""The command line: one module per group of subcommands, all Qt-free (DESIGN.md §4)."""
