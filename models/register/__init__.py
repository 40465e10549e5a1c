"""The member register: the rules a member record follows, registering and changing members,
listing and searching them, one member's page, receipt slips.
"""
