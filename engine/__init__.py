"""Leaderboard pipelines: YAML manifests in, AWS leaderboard pipelines out."""

__version__ = "0.1.0"
