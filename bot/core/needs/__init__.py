"""Needs members post from chat: post, edit, close, list, with matches at once."""
