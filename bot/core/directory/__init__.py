"""The member directory: profiles, the search index (catalog), import and export, profile forms."""
