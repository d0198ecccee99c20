"""Loaded by every Python subprocess a test starts (the root conftest.py puts this folder on
PYTHONPATH): the hermetic guard of tests/hermetic.py, writing what it refused to the file the
test's process reads (SITECENSUS_HERMETIC_LOG). Outside a test run this does nothing."""

import os
import sys

if os.environ.get("SITECENSUS_HERMETIC_LOG"):
    _root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if _root not in sys.path:
        sys.path.append(_root)
    try:
        if os.environ.get("SITECENSUS_HERMETIC_LOOPBACK_DNS"):  # the guard's own proof: no real resolver below it
            from tests import loopback_resolver as _loopback_resolver

            _loopback_resolver.install()
        from tests import hermetic as _hermetic

        _hermetic.install(log=os.environ["SITECENSUS_HERMETIC_LOG"])
    except Exception:  # noqa: BLE001 - a project without its tests folder: no guard, no failure
        pass
