"""make e2e for dist/qa/: every step of steps.py, in order."""

from .steps import *  # the steps, collected here for this environment

ENVIRONMENT = "qa"
