"""The party-document layout shared by every PDF: fonts, header, title, signatures, margins,
tables.
"""
