"""The yearly comment round's page: the list of sheets beside the editor."""
