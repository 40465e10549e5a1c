"""Importing members from workbooks and CSV files: reading, planning with per-row problems,
committing, undo.
"""
