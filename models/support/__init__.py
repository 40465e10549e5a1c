"""Support for a program shipped to ward offices: its version, its folders, the log file, the
facts about the machine, and the problem report a user sends (Qt-free)."""
