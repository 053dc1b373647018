"""Window jobs that are not layout: each a QObject that reports to the window by signals.

detection (model load, background detection), importing (File > Import and its report),
names (the speaker completer's entity names), position (where the annotator stopped),
settings (the project settings dialog), read_only (a project that cannot be written).
"""
