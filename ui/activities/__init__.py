"""Activities and roll calls: the log, the activity form, the roster, the attendance printouts."""
