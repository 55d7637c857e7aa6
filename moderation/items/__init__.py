"""Analysed items, whatever their kind: the state machine, the analysis lease, the audit trail."""
