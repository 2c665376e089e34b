"""Members' data: download, forget, visibility (audited)."""
