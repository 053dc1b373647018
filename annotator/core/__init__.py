"""annotator.core"""
