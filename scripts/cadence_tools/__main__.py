"""`python -m cadence_tools`: the replay command."""

import sys

from .cli import main

sys.exit(main())
