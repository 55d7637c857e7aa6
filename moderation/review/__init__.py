"""The human-review queue: claims, decisions, bulk decisions and undo, history."""
