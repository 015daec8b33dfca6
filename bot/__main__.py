"""``python -m bot`` is the same as the ``sdg-gaps`` command."""

from bot.cli import main

raise SystemExit(main())
