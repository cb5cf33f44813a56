"""One module per `leaderboard` subcommand, each exposing `run(args) -> int`.

They are imported lazily by `engine.cli`, so `leaderboard validate` never pays for
importing Pulumi.
"""
