"""Rendering reads the project's static files and nothing else: no network, no other file (SSRF)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from reports.fetcher import RefusedURL, StaticFilesFetcher, static_path
from reports.rendering import html_to_pdf
from tests.reports.conftest import render_sample


class Canary:
    """A web server on 127.0.0.1 that counts every request it gets."""

    def __init__(self):
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"p { color: red }")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary():
    server = Canary()
    yield server
    server.close()


def test_the_canary_counts_requests(canary):
    """The control: a plain fetch does reach it."""
    from urllib.request import urlopen

    with urlopen(f"{canary.url}/control") as response:
        assert response.status == 200
    assert canary.hits == ["/control"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.png",
        "https://example.com/font.ttf",
        "HTTP://127.0.0.1/x.png",
        "file:///etc/passwd",
        "data:text/css,p%7Bcolor:red%7D",
        "ftp://example.com/x",
        "//example.com/x.css",
        "dxstatic:",
        "dxstatic:/etc/passwd",
        "dxstatic:../dxportal/settings.py",
        "dxstatic:fonts/../../manage.py",
        "dxstatic:fonts/./BIZUDPGothic-Regular.ttf",
        "dxstatic:fonts\\..\\..\\manage.py",
        "dxstatic:fonts/%2e%2e/%2e%2e/manage.py",
        "dxstatic:css/portal.css?x=http://127.0.0.1/",
        "dxstatic:fonts/missing.ttf",
    ],
)
def test_anything_but_a_static_file_is_refused(url):
    with pytest.raises(RefusedURL):
        static_path(url)
    with pytest.raises(RefusedURL):
        StaticFilesFetcher().fetch(url)


def test_static_files_are_served_with_their_type():
    response = StaticFilesFetcher().fetch("dxstatic:css/portal.css")
    assert response.content_type == "text/css"
    assert response.read() == (settings.BASE_DIR / "static" / "css" / "portal.css").read_bytes()
    assert static_path("dxstatic:fonts/BIZUDPGothic-Bold.ttf").name == "BIZUDPGothic-Bold.ttf"


def test_hostile_html_fetches_nothing(canary):
    url = canary.url
    pdf = html_to_pdf(
        f"""<html lang="ja"><head><title>t</title>
        <link rel="stylesheet" href="{url}/link.css">
        <style>
          @import url("{url}/import.css");
          @font-face {{ font-family: Remote; src: url("{url}/font.ttf"); }}
          body {{ background: url("{url}/background.png"); }}
          p {{ font-family: Remote, "BIZ UDPGothic"; }}
          li {{ list-style-image: url("file:///etc/hostname"); }}
        </style></head><body>
        <p>本文</p><ul><li>項目</li></ul>
        <img src="{url}/img.png" alt="">
        <img src="file:///etc/passwd" alt="">
        <object data="{url}/object"></object>
        <embed src="{url}/embed">
        <svg width="10" height="10"><image href="{url}/svg.png" width="10" height="10"/></svg>
        <a rel="attachment" href="{url}/attachment.txt">添付</a>
        </body></html>"""
    )
    assert pdf.startswith(b"%PDF")
    assert canary.hits == []


@pytest.mark.django_db
def test_a_report_with_links_in_the_answers_fetches_nothing(canary):
    comment = (
        f'<img src="{canary.url}/comment.png">'
        f'<link rel="stylesheet" href="{canary.url}/comment.css">'
        f'<p style="background: url({canary.url}/style.png)">x</p>'
    )
    rendered = render_sample(comment=comment)
    assert canary.hits == []
    assert rendered.municipality_pdf.startswith(b"%PDF")
    assert f'<img src="{canary.url}/comment.png">' in rendered.municipality_html.replace(
        "&lt;", "<"
    ).replace("&gt;", ">").replace("&quot;", '"')
