"""Hypothesis settings for the unit tests (SECURITY.md "Test methods" item 6).

The ``ci`` profile keeps the property tests within the suite's time budget on two cores. Set
``HYPOTHESIS_PROFILE=thorough`` for a longer search, e.g. after changing the crypto code.
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
