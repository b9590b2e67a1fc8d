"""Browser end-to-end test: the simulator, a real Home Assistant and Debian's chromium.

Run it with ``scripts/e2e``. Not collected by ``pytest tests`` (it lives outside ``tests/`` and
has no ``test_`` modules).
"""
