"""Sample data: a ward of Đông Triều with members and two years of meetings."""
