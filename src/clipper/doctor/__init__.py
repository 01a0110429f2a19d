"""`clipper doctor`: check a deployment end to end and say, per line, what is wrong and how to fix it.

`run_doctor(settings)` returns the `Check`s in order: local (settings, database, Redis, media, stored
tokens), then the Meta app and every connected account, read from the Graph API the settings point at
(Meta, or the sandbox). Nothing is changed anywhere: every check only reads.
"""

from clipper.doctor.report import Check, render
from clipper.doctor.runner import run_doctor

__all__ = ["Check", "render", "run_doctor"]
