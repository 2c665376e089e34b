"""Answering questions: a member's question or button in, a reply out."""
