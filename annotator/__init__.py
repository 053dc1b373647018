"""Quote Annotator: label quotes, speakers and stance in news articles."""

__version__ = "0.1.0"
