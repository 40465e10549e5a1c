"""Vietnamese text: cleaning, accent folding, collation keys, and the legacy TCVN3/VNI encodings."""
