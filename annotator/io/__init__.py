"""annotator.io"""
