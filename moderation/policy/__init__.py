"""The policy: versioned confidence bands, the pure engine that applies them, and replay."""
