"""The ward's figures: the yearly summary and the overview."""
