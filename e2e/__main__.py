"""``python -m e2e``: see e2e/driver.py."""

from e2e.driver import main

raise SystemExit(main())
