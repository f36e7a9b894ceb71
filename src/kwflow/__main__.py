import sys

from kwflow.cli import main

sys.exit(main())
