"""The page-shape corpus (see ..corpus): tuning.py is developed against; heldout.py is never used to tune."""
