"""Figures about the queue and the decisions, and the charts that draw them."""
