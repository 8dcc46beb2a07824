"""deepread's library: the catalog and the recommender. Knows nothing of Discord or databases."""
