"""Where the municipality report's time goes: CPU time of each phase of the demo 横浜市 report.

Run with `.venv/bin/python scripts/profile_report.py [RUNS]` (reports/README.md,
"Where the time goes"). Builds the benchmark's data (scripts/bench.py: the demo,
横浜市 fully answered with two earlier rounds), renders once to warm up, then
RUNS times, and prints the median CPU time (time.process_time: the machine may
be shared, wall time is noise) of each phase. The phases are timed by wrapping
the functions that make them (a profiler would inflate the pure-Python parts
about 2.5 times); `--cprofile` prints cProfile's top functions as well.
"""

import cProfile
import functools
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (sets up Django on a throw-away SQLite database)
from django.core.management import call_command  # noqa: E402

spent: dict[str, float] = defaultdict(float)


def timed(name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start

    return wrapper


def timed_generator(name: str, function):
    """layout_document yields pages: count the time spent inside it, not in its consumer."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        pages = function(*args, **kwargs)
        while True:
            start = time.process_time()
            try:
                page = next(pages)
            except StopIteration:
                return
            finally:
                spent[name] += time.process_time() - start
            yield page

    return wrapper


def instrument() -> list[str]:
    """Wrap each phase's function where its caller looks it up; the phases in report order."""
    import pydyf
    import weasyprint
    from django.template import loader
    from weasyprint import document, pdf

    from reports import rendering

    rendering.municipality_report = timed("queries and content", rendering.municipality_report)
    rendering.render_to_string = timed("template rendering", loader.render_to_string)
    rendering.printable = timed("glyph replacement (reports.glyphs)", rendering.printable)
    weasyprint.HTML.__init__ = timed("HTML parse", weasyprint.HTML.__init__)
    document.get_all_computed_styles = timed(
        "CSS cascade (fonts loaded)", document.get_all_computed_styles
    )
    document.build_formatting_structure = timed("box tree", document.build_formatting_structure)
    document.layout_document = timed_generator("layout", document.layout_document)
    document.Page.paint = timed("drawing the pages (incl. SVG)", document.Page.paint)
    pdf.build_fonts_dictionary = timed("fonts (fonttools subsets)", pdf.build_fonts_dictionary)
    pdf.add_tags = timed("PDF/UA tags", pdf.add_tags)
    rendering.finish = timed("PDF/UA finisher (reports.pdf_ua)", rendering.finish)
    pydyf.PDF.write = timed("PDF serialisation and compression", pydyf.PDF.write)
    return [
        "queries and content",
        "template rendering",
        "glyph replacement (reports.glyphs)",
        "HTML parse",
        "CSS cascade (fonts loaded)",
        "box tree",
        "layout",
        "drawing the pages (incl. SVG)",
        "fonts (fonttools subsets)",
        "PDF/UA tags",
        "PDF/UA finisher (reports.pdf_ua)",
        "PDF serialisation and compression",
    ]


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(arguments[0]) if arguments else 5
    from reports.rendering import render_municipality_report

    call_command("migrate", verbosity=0)
    master = bench.ROOT / "fixtures" / "municipalities" / "municipalities.csv"
    call_command("import_municipalities", str(master), verbosity=0)
    population = master.with_name("population.csv")
    call_command("import_population", str(population), verbosity=0)
    round_ = bench.report_round()
    phases = instrument()
    size = len(render_municipality_report(round_))
    totals, by_phase = [], defaultdict(list)
    for _ in range(runs):
        spent.clear()
        start = time.process_time()
        render_municipality_report(round_)
        totals.append(time.process_time() - start)
        for phase in phases:
            by_phase[phase].append(spent[phase])
    print(f"municipality report (横浜市, {size // 1024} KB): CPU per render, median of {runs}")
    for phase in phases:
        print(f"  {phase:<36} {statistics.median(by_phase[phase]):6.3f} s")
    total = statistics.median(totals)
    counted = sum(statistics.median(by_phase[phase]) for phase in phases)
    print(f"  {'other (WeasyPrint glue, freeing)':<36} {total - counted:6.3f} s")
    print(f"  {'total':<36} {total:6.3f} s")
    if "--cprofile" in sys.argv:
        profile = cProfile.Profile(time.process_time)
        profile.runcall(render_municipality_report, round_)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
