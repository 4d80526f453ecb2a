"""Browser tests: the showcase served by a real server, driven in headless Chromium."""
