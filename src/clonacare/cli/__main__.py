import sys

from clonacare.cli import main

sys.exit(main())
