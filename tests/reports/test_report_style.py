"""report.css is parsed, and its fonts loaded, once per thread (reports.rendering._report_style)."""

import threading

from reports import rendering


def test_the_stylesheet_and_fonts_are_kept_per_thread():
    first = rendering._report_style()
    assert rendering._report_style() is first
    stylesheet, font_config = first
    others = []
    thread = threading.Thread(target=lambda: others.append(rendering._report_style()))
    thread.start()
    thread.join(timeout=60)
    (other,) = others
    # A Pango font map must not be shared by two threads rendering at once.
    assert other[1] is not font_config and other[0] is not stylesheet
