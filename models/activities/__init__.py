"""Meetings and activities of the cells, invitations and roll calls."""
