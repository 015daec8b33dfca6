"""The renderer of the report model (:mod:`bot.report.model`) into static HTML pages.

The HTML pages are the same pages as the wikitext ones, from the same model: a newcomer opens
``index.html`` (the summary) in a browser, with no server, and follows links to the goal and
language pages (``html/<id>.html``) and to the charts. Tables sort on a click on their header (a
few lines of inline script; the page reads fine without it). Untrusted text is escaped by
:func:`bot.report.escape.html` and nowhere else.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from bot.report import escape, model, rowcache
from bot.report.links import wikidata_url
from bot.report.wikitext import bar

STYLE = """
body{font-family:sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#202122;
line-height:1.45}
nav{font-size:90%;margin-bottom:1em;padding:.4em .6em;background:#f8f9fa;border:1px solid #c8ccd1}
nav a{margin-right:.6em}
h1{font-size:1.7em;border-bottom:1px solid #a2a9b1}
h2{font-size:1.35em;border-bottom:1px solid #c8ccd1;margin-top:1.5em}
table.wikitable{border-collapse:collapse;margin:.6em 0;background:#f8f9fa;font-size:92%}
table.wikitable th,table.wikitable td{border:1px solid #a2a9b1;padding:.2em .45em}
table.wikitable th{background:#eaecf0}
table.sortable th{cursor:pointer}
td.num{text-align:right}
tr.sortbottom td{font-weight:bold}
img{max-width:100%;border:1px solid #c8ccd1}
""".strip()

SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.setAttribute("data-sort-ready", "1");
  table.querySelectorAll("thead th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var bottom = rows.filter(function (r) { return r.classList.contains("sortbottom"); });
      rows = rows.filter(function (r) { return !r.classList.contains("sortbottom"); });
      var numeric = th.getAttribute("data-sort-type") === "number";
      var down = th.getAttribute("data-dir") !== "down";
      th.setAttribute("data-dir", down ? "down" : "up");
      function key(row) {
        var c = row.cells[column];
        var v = c.hasAttribute("data-sort-value") ?
          c.getAttribute("data-sort-value") : c.textContent.trim();
        if (!numeric) { return v; }
        var n = parseFloat(v);
        return isNaN(n) ? -Infinity : n;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var d = numeric ? x - y : String(x).localeCompare(String(y));
        return down ? -d : d;
      });
      rows.concat(bottom).forEach(function (r) { body.appendChild(r); });
    });
  });
});
""".strip()


def _link_url(url: str) -> str:
    """*url* as an HTML attribute value: the part before its last ``=`` is escaped (and
    remembered: a report's Content Translation links share a few prefixes); a tail of
    percent-encoded, unreserved characters needs no escaping."""
    head, sep, tail = url.rpartition("=")
    if sep and _PLAIN_TAIL.fullmatch(tail):
        return _escaped_head(head + sep) + tail
    return escape.html(url)


_PLAIN_TAIL = re.compile(r"[A-Za-z0-9_.~%-]*")


@functools.lru_cache(maxsize=1 << 12)
def _escaped_head(head: str) -> str:
    return escape.html(head)


class HtmlRenderer:
    """Render blocks as HTML for a page at *here* (a path relative to the report directory).

    *files* maps page ids to their HTML file, relative to the report directory.
    """

    def __init__(self, here: str, files: dict[str, str], number):
        self.up = "../" * here.count("/")
        self.files = files
        self.number = number

    def href(self, path: str) -> str:
        return escape.html(self.up + path)

    def inline(self, piece) -> str:
        match piece:
            case model.Plain(text=text):
                return escape.html(text)
            case model.Number(value=value, digits=digits):
                return escape.html(self.number(value, digits))
            case model.ItemLink(qid=qid):
                return f'<a class="item" href="{wikidata_url(qid)}">{qid}</a>'
            case model.PageLink(page=page, text=text):
                return f'<a href="{self.href(self.files[page])}">{self.inline(text)}</a>'
            case model.ExtLink(url=url, text=text):
                return f'<a class="external" href="{escape.html(url)}">{self.inline(text)}</a>'
            case model.FileLink(path=path, text=text):
                return f'<a href="{self.href(path)}">{escape.html(text)}</a>'
            case model.Bar(pct=pct):
                return bar(pct)
            case model.Span(parts=parts):
                return "".join(self.inline(p) for p in parts)
            case model.Msg():
                return "".join(
                    escape.html(part) if isinstance(part, str) else self.inline(part)
                    for part in piece.pieces()
                )
        raise TypeError(f"not an inline piece: {piece!r}")

    def block(self, block) -> str:
        match block:
            case model.Heading(level=level, text=text):
                return f"<h{level}>{self.inline(text)}</h{level}>"
            case model.Para(text=text):
                return f"<p>{self.inline(text)}</p>"
            case model.Bullets(items=items):
                lis = "".join(f"<li>{self.inline(i)}</li>" for i in items)
                return f"<ul>{lis}</ul>"
            case model.Table():
                return self.table(block)
            case model.GapTable():
                return self.gap_table(block)
            case model.Image(src=src, alt=alt):
                return f'<p><img src="{self.href(src)}" alt="{escape.html(alt)}"></p>'
        raise TypeError(f"not a block: {block!r}")

    def table(self, block) -> str:
        classes = "wikitable sortable" if block.sortable else "wikitable"
        head = "".join(
            ('<th data-sort-type="number">' if n else "<th>") + f"{escape.html(h)}</th>"
            for h, n in zip(block.headers, block.numeric, strict=True)
        )
        rows = []
        for row in block.rows:
            cells = []
            for c, is_number in zip(row.cells, block.numeric, strict=True):
                attrs = ' class="num"' if is_number else ""
                if c.sort is not None:
                    attrs += f' data-sort-value="{escape.html(c.sort)}"'
                cells.append(f"<td{attrs}>{self.inline(c.content)}</td>")
            tr = '<tr class="sortbottom">' if row.total else "<tr>"
            rows.append(tr + "".join(cells) + "</tr>")
        return (
            f'<table class="{classes}"><thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows)
            + "\n</tbody></table>"
        )

    def gap_table(self, block) -> str:
        """A :class:`bot.report.model.GapTable`, as :meth:`table` would render its cells.

        The cells an item has on every page (all but its rank and its link) are spelled once
        per report (:mod:`bot.report.rowcache`)."""
        classes = "wikitable sortable" if block.sortable else "wikitable"
        head = "".join(
            ('<th data-sort-type="number">' if n else "<th>") + f"{escape.html(h)}</th>"
            for h, n in zip(block.headers, block.numeric, strict=True)
        )
        none = escape.html(block.none)
        cached = rowcache.cache("html", self.number, none)
        cx_none = f"<td>{none}</td>"
        translate = self.inline(block.translate)
        rows = []
        for rank, qid, label, links, source, size, url in zip(
            block.ranks, block.qids, block.labels, block.sitelinks, block.sources, block.sizes,
            block.links, strict=True,
        ):
            key = (qid, label, links, source, size)
            middle = cached.get(key)
            if middle is None:
                middle = cached[key] = self._gap_cells(qid, label, links, source, size, none)
            first = cached.get(rank)
            if first is None:
                first = cached[rank] = (f'<tr><td class="num" data-sort-value="{rank}">'
                                        f"{escape.html(self.number(rank, 0))}</td>")
            cx = cx_none if url is None else (
                f'<td><a class="external" href="{_link_url(url)}">{translate}</a></td>')
            rows.append(f"{first}{middle}{cx}</tr>")
        return (
            f'<table class="{classes}"><thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows)
            + "\n</tbody></table>"
        )

    def _gap_cells(self, qid, label, links, source, size, none: str) -> str:
        """The cells of a gap row from the item link to the source's size."""
        html = escape.html
        none_size = f'<td class="num" data-sort-value="-1">{none}</td>'
        if source is None:
            source_cell, size_cell = f"<td>{none}</td>", none_size
        else:
            source_cell = f'<td data-sort-value="{html(source)}">{html(source)}</td>'
            size_cell = none_size if size is None else (
                f'<td class="num" data-sort-value="{size}">{html(self.number(size, 0))}</td>')
        return (
            f'<td data-sort-value="{qid[1:]}"><a class="item" '
            f'href="{wikidata_url(qid)}">{qid}</a></td>'
            f"<td>{html(label)}</td>"
            f'<td class="num" data-sort-value="{links}">{html(self.number(links, 0))}</td>'
            f"{source_cell}{size_cell}"
        )

    def document(self, title: str, lang: str, blocks, nav: list[tuple[str, str]]) -> str:
        """A whole HTML file: title, a navigation bar (id, text) and the rendered blocks."""
        links = " ".join(
            f'<a href="{self.href(self.files[page])}">{escape.html(text)}</a>' for page, text in nav
        )
        body = unicodedata.normalize("NFC", "\n".join(self.block(b) for b in blocks))
        title = unicodedata.normalize("NFC", title)
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{escape.html(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape.html(title)}</title><style>{STYLE}</style></head>\n<body>\n"
            f"<nav>{links}</nav>\n<h1>{escape.html(title)}</h1>\n{body}\n"
            f"<script>{SORT_SCRIPT}</script>\n</body></html>\n"
        )
