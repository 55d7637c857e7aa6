"""The image kind: uploads, their analyzers, their files, their pages and API."""
