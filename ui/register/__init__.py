"""The member register's screens: the list, the member form, the member page, status changes,
receipt slips.
"""
