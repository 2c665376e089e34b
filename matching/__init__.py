"""Matching engine: strings and arrays in, ranked hits with their reasons out (never imports bot or models)."""
