"""Score the new-media page reader (engine/media.py) on both parts of its corpus, served on 127.0.0.1:
the TUNING part (the reader was tuned on it) and the HELD-OUT part (written with its truth before the
reader, never used for tuning). Prints each shape's result and both scores.

    PYTHONPATH=. python bench/media_shapes.py
"""

import asyncio

from sitecensus.scanner.engine.testing.media import heldout, tuning
from sitecensus.scanner.engine.testing.media.corpus import run


def main() -> None:
    for label, part in (("tuning", tuning), ("held-out", heldout)):
        results = asyncio.run(run(part.SHAPES))
        right = sum(1 for wrong, _r in results.values() if not wrong)
        for name, (wrong, reading) in results.items():
            print(f"  {label:8} {name:36} {'OK' if not wrong else '; '.join(wrong)}"
                  f"  [{reading.label} latest={reading.latest} interaction={reading.interaction}]")
        print(f"{label}: {right}/{len(results)} shapes right")


if __name__ == "__main__":
    main()
