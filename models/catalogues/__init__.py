"""The ward and its catalogues: set-up, residence cells, workplace party organisations, issuers of
documents and their numbers, settings.
"""
