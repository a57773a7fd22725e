"""The reference sync client of the feeds (`tthc sync`): installable with the `sync` extra alone."""
