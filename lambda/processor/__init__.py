"""Leaderboard processor: the Lambda that turns SQS score events into leaderboard items.

Deployed on its own (the archive holds this package plus the score-event schema); it never
imports from `engine`. Entry point: `processor.handler.lambda_handler`.
"""
