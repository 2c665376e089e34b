"""Local fakes of outside services (Slack Web API, ...), implementing their real protocols."""
