"""Local mode: the whole pipeline on an embedded AWS emulator (moto on 127.0.0.1).

`emulator` starts moto, `deploy` runs the real Pulumi program with mocks that create every
resource in moto, `runtime` loads the processor from the deployed code archive, `poller`
behaves like Lambda's SQS event source mapping, `traffic` and `producer` make and send score
events, `session` ties them together and `report` says what happened to every event.
"""
