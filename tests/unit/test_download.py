"""The shared "download this data (CSV)" helper (ui/components.py)."""

import base64
import csv
import io
import re

import pytest

from runback_widgets.ui.components import DownloadLink, csv_text, download_html


def _payload(html_text: str) -> str:
    m = re.search(r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', html_text)
    assert m, html_text
    return base64.b64decode(m.group(1)).decode("utf-8")


def test_csv_round_trips_through_the_link():
    rows = [(0.0, 1.0, "a, b"), (0.5, 1.25, 'say "hi"')]
    text = csv_text(["minute", "load", "note"], rows)
    back = list(csv.reader(io.StringIO(_payload(download_html(text, "run.csv", "Download")))))
    assert back[0] == ["minute", "load", "note"]
    assert [float(x) for x in back[2][:2]] == [0.5, 1.25]
    assert back[1][2] == "a, b" and back[2][2] == 'say "hi"'


def test_link_names_the_file_and_escapes_the_label():
    link = download_html("x\n", "side view.csv", "<Download>")
    assert 'download="side view.csv"' in link and "&lt;Download&gt;" in link


@pytest.mark.parametrize("bad", ["", "../x.csv", "a/b.csv", "a\\b.csv"])
def test_bad_file_name_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="filename"):
        download_html("x", bad, "Download")


def test_widget_updates_its_file():
    w = DownloadLink("run.csv")
    w.update(["a", "b"], [(1, 2.5)])
    assert _payload(w.value).splitlines() == ["a,b", "1,2.5"]
    w.update(["a", "b"], [(3, 4.0)])
    assert _payload(w.value).splitlines() == ["a,b", "3,4"]
