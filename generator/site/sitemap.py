"""`sitemap.xml` with each page's real last change (from git), split into several files
with a sitemap index when there are more URLs than one sitemap may hold."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

LIMIT = 50_000                     # URLs per sitemap file (sitemaps.org)


def write_sitemaps(target: Path, site_url: str, entries: list[tuple[str, str | None]]) -> int:
    """`entries`: (site-relative URL, ISO date or None). Returns the number of files written."""
    entries = sorted(set(entries))
    chunks = [entries[i:i + LIMIT] for i in range(0, len(entries), LIMIT)] or [[]]
    if len(chunks) == 1:
        (target / "sitemap.xml").write_text(_urlset(site_url, chunks[0]), "utf-8")
        return 1
    for n, chunk in enumerate(chunks, start=1):
        (target / f"sitemap-{n}.xml").write_text(_urlset(site_url, chunk), "utf-8")
    index = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for n, chunk in enumerate(chunks, start=1):
        newest = max((d for _, d in chunk if d), default=None)
        index.append(f"<sitemap><loc>{escape(site_url)}sitemap-{n}.xml</loc>"
                     + (f"<lastmod>{newest}</lastmod>" if newest else "") + "</sitemap>")
    index.append("</sitemapindex>\n")
    (target / "sitemap.xml").write_text("\n".join(index), "utf-8")
    return len(chunks) + 1


def _urlset(site_url: str, entries: list[tuple[str, str | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, when in entries:
        lastmod = f"<lastmod>{when}</lastmod>" if when else ""
        lines.append(f"<url><loc>{escape(site_url + url)}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines)
