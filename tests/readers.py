"""Read a page the way a visitor would: the rows of a table, a chart's table by its slug."""

from html.parser import HTMLParser


class _TableReader(HTMLParser):
    def __init__(self, table_id):
        super().__init__()
        self.table_id = table_id
        self.depth = 0
        self.rows, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.row = []
        elif self.depth and tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "table":
            self.depth = 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The rows of the table with this id, header row first, each cell's text."""
    reader = _TableReader(table_id)
    reader.feed(html)
    assert reader.rows, f"no table #{table_id} in the page"
    return reader.rows


def chart_rows(html: str, slug: str) -> dict[str, list[str]]:
    """A chart's data rows by their first cell (header row left out)."""
    rows = table_rows(html, f"chart-{slug}-table")[1:]
    return {row[0]: row[1:] for row in rows}


def chosen_codes(collection, feature):
    """The commitment codes a map feature's "x" mask stands for (campaign/public/map_data.py),
    in the campaign's order: read the way the map's script reads them."""
    mask = int(feature["properties"]["x"], 16)
    codes = collection["commitments"][feature["properties"]["p"]]
    return [code for i, code in enumerate(codes) if mask >> i & 1]
