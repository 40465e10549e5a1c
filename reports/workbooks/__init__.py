"""The .xlsx workbooks and zip packages the program writes."""
