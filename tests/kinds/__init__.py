"""A content kind that exists only in the tests: product-review comments.

It proves that a new kind plugs into the moderation core with no change to it. Its model is
installed by tests/settings.py (a table is needed), but the kind is registered with the core
only by the `comment_kind` fixture, for the tests that use it.
"""
