"""The frame every page lives in: the application, the main window, background tasks, messages, the
PDF preview.
"""
