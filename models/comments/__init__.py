"""The yearly comment round: sheets, their texts, statuses, deadlines and numbering."""
