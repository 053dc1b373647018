"""annotator.ui: the PySide6 windows, widgets, item models, workers and actions."""
