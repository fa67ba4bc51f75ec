"""Persistence: the SQLAlchemy models, the database connection and migrations."""
