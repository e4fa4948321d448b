"""`python -m model` is the same as the `bridgeproof` console script."""

import sys

from bridgeproof.model.cli import main

sys.exit(main())
