"""Catalogue pages: `public` (anyone, published and retired editions) and `editor`."""
