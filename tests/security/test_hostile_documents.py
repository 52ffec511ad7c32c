"""Property-based tests over the document pipeline: real corpus articles mutated at random (lines
deleted, duplicated, shuffled; random bytes, NULs, invalid UTF-8; every newline style) go through the
parser, the guide graph and every lint rule. Nothing may raise, no rule may fail (no TS000), and every
problem and finding names a line of the file it is about."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.docs.graph import GuideGraph
from loaders.docs.lint import LintConfig, lint
from loaders.docs.model import Article
from loaders.docs.parse import parse_text

REPO = Path(__file__).resolve().parents[2]
CORPUS_ARTICLES = REPO.parent / "shared" / "corpus" / "articles"
ST = "articles/backup/backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout.md"
# Bounded and derandomized: the same examples on every run, a few seconds per property.
EXAMPLES = settings(max_examples=40, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
NEWLINES = ("\n", "\r\n", "\r")
CONFIG = LintConfig(compare_outdated=True)


def corpus_files() -> list[Path]:
    return sorted(CORPUS_ARTICLES.glob(f"*/*/{ST}"))


@st.composite
def mutated_lines(draw, lines: list[bytes]) -> list[bytes]:
    """`lines` with a few lines deleted, duplicated or moved, and a block of them shuffled."""
    lines = list(lines)
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(("delete", "duplicate", "move")))
        if operation == "delete":
            del lines[at]
        elif operation == "duplicate":
            lines.insert(at, lines[at])
        else:
            lines.insert(draw(st.integers(0, len(lines) - 1)), lines.pop(at))
    if lines and draw(st.booleans()):
        start = draw(st.integers(0, len(lines) - 1))
        end = min(len(lines), start + draw(st.integers(2, 40)))
        block = lines[start:end]
        lines[start:end] = draw(st.permutations(block))
    return lines


@st.composite
def damaged_bytes(draw, data: bytes) -> bytes:
    """`data` with random bytes, NULs or invalid UTF-8 written over or between its bytes, or cut short."""
    out = bytearray(data)
    junk = st.one_of(st.binary(min_size=1, max_size=8), st.just(b"\x00"), st.sampled_from(
        [b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xfe\xff", b"\xef\xbb\xbf"]))
    for _ in range(draw(st.integers(0, 8))):
        piece = draw(junk)
        at = draw(st.integers(0, len(out)))
        if draw(st.booleans()):
            out[at:at + len(piece)] = piece
        else:
            out[at:at] = piece
    if draw(st.booleans()):
        out = out[: draw(st.integers(0, len(out)))]
    return bytes(out)


@st.composite
def hostile_article(draw, files: list[Path]) -> bytes:
    """A corpus article, its lines mutated, joined with one newline style or a mix, then damaged."""
    path = draw(st.sampled_from(files))
    lines = mutated_lines(path.read_bytes().replace(b"\r\n", b"\n").split(b"\n"))
    chosen = draw(lines)
    if draw(st.booleans()):
        newline = draw(st.sampled_from(NEWLINES)).encode()
        text = newline.join(chosen)
    else:
        text = b"".join(line + draw(st.sampled_from(NEWLINES)).encode() for line in chosen)
    return draw(damaged_bytes(text))


def check_article(article: Article, data: bytes) -> None:
    assert isinstance(article, Article)
    internal = [p for p in article.problems if p.kind == "internal"]
    assert not internal, internal
    line_count = max(1, data.count(b"\n") + data.count(b"\r") + 1)
    for problem in article.problems:
        assert isinstance(problem.line, int) and 1 <= problem.line <= line_count, problem
        assert problem.message.strip(), problem


def check_graph(articles: list[Article]) -> None:
    graph = GuideGraph.from_articles(articles)
    for locale in graph.locales():
        for error_id in graph.error_ids(locale):
            assert graph.find_error(error_id, locale) is not None
        for article in graph.articles(locale):
            for error in article.errors:
                for code in error.codes:
                    graph.find_code(code, locale)


def lint_tree(files: dict[str, bytes]) -> list:
    """Every rule over a tree holding `files` (relative path → bytes); checks and returns the findings."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for relative, data in files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(data)
        report = lint([root], config=CONFIG, base=root)
    internal = [f.message for f in report.findings if f.rule == "TS000"]
    assert internal == [], internal
    for finding in report.findings:
        assert finding.path in files, finding
        lines = files[finding.path]
        assert isinstance(finding.line, int) and 1 <= finding.line <= lines.count(b"\n") + lines.count(b"\r") + 1, \
            finding
    return report.findings


@pytest.fixture(scope="module")
def articles(corpus_dir) -> list[Path]:
    found = corpus_files()
    assert len(found) >= 20, found
    return found


def test_mutated_corpus_articles_parse_graph_and_lint(articles: list[Path]) -> None:
    english = [p for p in articles if "/en-us/" in p.as_posix()]

    @EXAMPLES
    @given(source=hostile_article(english), translation=hostile_article(articles))
    def run(source: bytes, translation: bytes) -> None:
        parsed = []
        for name, data in (("en-us/article.md", source), ("it-it/article.md", translation)):
            article = parse_text(data, name)
            check_article(article, data)
            parsed.append(article)
        check_graph(parsed)
        lint_tree({"en-us/article.md": source, "it-it/article.md": translation})

    run()


@EXAMPLES
@given(data=st.binary(max_size=4000))
def test_random_bytes_parse_and_lint(data: bytes) -> None:
    article = parse_text(data, "en-us/random.md")
    check_article(article, data)
    check_graph([article])
    lint_tree({"en-us/random.md": data})


PIECES = ("# ", "## ", "### ", "> ", "- ", "1. ", "* ", "   ", "\t", "```", "~~~", "|", "---", "**", "`", "[", "](",
          "#", ")", "<a name=\"x\"></a>", "[!INCLUDE [x](../includes/x.md)]", "> [!NOTE]", "**Error code**: ",
          "Cause 1: [t](#x)", ":::image type=\"content\" source=\"a.png\" alt-text=\"b\":::", "<br>", "\x00",
          "\ufeff", "\u2028", "\u0085", "<", ">", "&#0;", "&#x110000;", "\\")


@EXAMPLES
@given(parts=st.lists(st.sampled_from(PIECES + NEWLINES), max_size=200), newline=st.sampled_from(NEWLINES))
def test_markdown_soup_with_every_newline_style(parts: list[str], newline: str) -> None:
    text = "".join(parts).replace("\n", newline)
    data = text.encode("utf-8", "surrogatepass")
    check_article(parse_text(data, "en-us/soup.md"), data)
    check_article(parse_text(text, "en-us/soup.md"), data)
    lint_tree({"en-us/soup.md": data})


DEEP = 5_000


@pytest.mark.parametrize("shape", ["quotes", "bullets", "numbers", "mixed", "brackets", "emphasis"])
def test_five_thousand_levels_of_nesting(shape: str) -> None:
    prefix = {"quotes": "> " * DEEP, "bullets": "- " * DEEP, "numbers": "1. " * DEEP,
              "mixed": "> - 1. " * (DEEP // 3), "brackets": "[" * DEEP, "emphasis": "*_" * DEEP}[shape]
    indented = "".join("  " * level + "- item\n" for level in range(0, 400))
    text = f"# Deep\n\n## <a name=\"e\"></a>Error\n\n{prefix}text\n\n{indented}"
    data = text.encode()
    article = parse_text(data, "en-us/deep.md")
    check_article(article, data)
    assert article.title == "Deep"
    check_graph([article])
    lint_tree({"en-us/deep.md": data})


# A 1 MB run of `[` takes some 15-30 s to parse (linear; bench/hostile.py measures it), too long for a unit test.
@pytest.mark.parametrize("line", ["a" * 2**20, "`" * 2**20, "| " * 2**19, "<" * 2**20])
def test_one_megabyte_line(line: str) -> None:
    data = f"# Long\n\n{line}\n\n## Tail\n".encode()
    article = parse_text(data, "en-us/long.md")
    check_article(article, data)
    assert article.title == "Long"
    assert [h.text for h in article.headings][-1:] == ["Tail"]
