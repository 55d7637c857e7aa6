"""Offline sentiment: a lexicon reading per language (`english`, `nordic`), calibrated into
the four scores the policy reads (`calibration`)."""
