"""Building the catalog from the source documents (recommender/data/sources/) and
recommender/data/curation.yaml.

One parser per document format turns text into `Mention`s (pure functions, never raising on
odd text); `align` pairs the two copies of the "Useful resources" post; `merge` unites the
mentions of one resource; `classify` gives kind, level and topics by documented rules;
`curation` applies the hand-made fixes; `build` runs the whole pipeline; `importer` adds an
"awesome list" to the curation file.
"""
