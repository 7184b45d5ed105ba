"""`python -m bot` is the `souk` command."""

import sys

from bot.cli import main

sys.exit(main())
