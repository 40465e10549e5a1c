"""The ward's figures: the member list, the attendance summary, the yearly summary and the
overview."""
