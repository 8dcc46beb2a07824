"""Details fetched or read for one suggested resource: a link, an identifier or a file entry.

A member suggests an arXiv id, a DOI or any link; a host imports a BibTeX, CSL-JSON or
awesome-list file. Everything here turns those into `FetchedDetails` (title, authors, year,
description, identity) with pure parsers, and `fetcher` is the one place that reaches the web,
refusing any address on a private network. No Discord, no database.
"""
