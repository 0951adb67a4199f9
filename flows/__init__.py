"""Prefect flows and the source adapters they use."""
