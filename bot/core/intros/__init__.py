"""Double opt-in introductions: requests, staff review, preferences, follow-ups, consortium proposals."""
