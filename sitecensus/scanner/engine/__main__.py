"""python -m sitecensus.scanner.engine page|scan ..."""
import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
