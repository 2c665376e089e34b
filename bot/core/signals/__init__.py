"""Member signals: graded judgements of what answers showed, each workspace's re-ranker, personal answers."""
