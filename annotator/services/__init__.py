"""Application services: use cases that combine the store, the readers/writers and the detector.

No Qt here: the window and the command line both call these.
"""
