"""The catalogues page and its dialogs."""
