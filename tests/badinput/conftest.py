"""The corpus's data are inputs, not tests: the bridgeproof pytest plugin would collect its (broken)
counterexample files as traces to replay."""

collect_ignore = ["data"]
