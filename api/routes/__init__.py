"""Litestar controllers: thin handlers that check roles, parse input and call services."""
