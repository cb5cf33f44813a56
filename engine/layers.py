"""The Lambda runtime and the public Powertools for AWS Lambda (Python) v3 layer.

AWS publishes one layer per Python version and architecture in every commercial region, from
account 017000801446, named `AWSLambdaPowertoolsPythonV3-{python3xx}-{x86_64|arm64}`
(https://docs.powertools.aws.dev/lambda/python/latest/#lambda-layer). The layer is built with
`aws-lambda-powertools[all]`, so it also carries the extras the processor needs:
`fastjsonschema` (validation) and `aws-xray-sdk` (tracer). The function asset therefore holds
only our own code.
"""

from __future__ import annotations

from typing import Literal, get_args

Architecture = Literal["x86_64", "arm64"]
ARCHITECTURES: tuple[str, ...] = get_args(Architecture)

PYTHON_RUNTIME = "python3.13"
"""Lambda runtime of every processor (AWS-supported; the Powertools v3 layer exists for it)."""

POWERTOOLS_LAYER_ACCOUNT = "017000801446"

DEFAULT_POWERTOOLS_LAYER_VERSION = 27
"""Layer version used when stack config `leaderboard:powertoolsLayerVersion` is not set.

Version 27 is a Powertools v3 release published for every supported Python version and both
architectures; raise it (stack config) to pick up newer Powertools releases.
"""

DEFAULT_ARCHITECTURE: Architecture = "x86_64"


def powertools_layer_arn(region: str, architecture: str, version: int, runtime: str = PYTHON_RUNTIME) -> str:
    """`arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-x86_64:27`."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {', '.join(ARCHITECTURES)}, not {architecture!r}")
    if version < 1:
        raise ValueError(f"layer version must be a positive integer, not {version}")
    python = runtime.replace(".", "")
    layer = f"AWSLambdaPowertoolsPythonV3-{python}-{architecture}"
    return f"arn:aws:lambda:{region}:{POWERTOOLS_LAYER_ACCOUNT}:layer:{layer}:{version}"
