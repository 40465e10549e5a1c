"""The import wizard and the history of imports."""
