"""Local mode: the whole pipeline on an embedded AWS emulator (moto on 127.0.0.1).

- `emulator`: moto's ThreadedMotoServer on a free loopback port (`moto_compat`: its AWS fixes)
- `deploy` + `resources`: the real Pulumi program, each resource created in moto via boto3
- `wiring`: read back what was deployed; `runtime` + `lambda_worker`: execution environments
- `poller` + `sqs_event`: Lambda's SQS event source mapping; `ledger`: where every event went
- `traffic` + `producer`: generated or replayed score events, sent like a game backend does
- `boards`: the top 10 through the deployed `processor/reads.py`; `faults`: fault injection
- `session`: one run, end to end; `report`: text, JSON and the progress bar
"""
