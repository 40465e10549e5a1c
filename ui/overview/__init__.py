"""The overview page's charts."""
