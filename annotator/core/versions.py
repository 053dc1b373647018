"""Version names that parts of the program without spaCy need (the window's About box, the
store's record of what has run), kept apart from :mod:`annotator.nlp`: importing that
package imports spaCy, which took 0.9-3.4 s on the window's GUI thread the first time
Help > About was opened (tester18 T10)."""

from __future__ import annotations

#: The rules' detector version, stored with each suggestion they made; a trained pipeline
#: adds its model's name and hash (:func:`annotator.nlp.detect.detector_version`). A change
#: of the rules that changes their output changes it, so saved projects detect again.
DETECTOR_VERSION = "annotator_quotes 1.5"
