"""The documents the program prints, each a pure function from plain data to a PDF."""
