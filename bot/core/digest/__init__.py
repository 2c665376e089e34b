"""Weekly digests: who is due, what goes in them, exactly-once delivery."""
