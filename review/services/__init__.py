"""The service layer: every review action the CLI and the UI perform, one module per concept.

Each operation runs in one transaction that checks the actor's permission, applies the
change, and appends its audit event; any error rolls the whole of it back.
"""
