"""The source check of `sbb catalog lint`: weak source URLs, with file, line and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog import source_check
from catalog.lint import lint
from catalog.loader import load_catalog
from recommender.cli import app
from recommender.exits import BAD_INPUT, OK, PROBLEMS

runner = CliRunner()

GOOD_URLS = [
    "https://github.com/matomo-org/matomo/blob/5.x-dev/LICENSE",
    "https://raw.githubusercontent.com/owner/project/main/LICENSE",
    "https://gitlab.com/group/sub/project/-/blob/main/README.md?ref_type=heads",
    "https://docs.example.org/api/webhooks#delivery",
    "https://consuldemocracy.org/?p=22",  # a page chosen by its query
    "https://www.gov.uk/guidance/government-design-principles",
    "https://notification.canada.ca/features",
    "https://dev.azure.com/org/project/_wiki",
    "https://dev.to/someone/a-post",  # `dev` is the registered name here
    "https://web.dev/articles/vitals",
    "https://developer.example.com/reference?version=2",
    "https://gist.github.com/someone/0ff37b50a8a60acb3cf11a9042234f21",
    "https://docs.github.com/en/rest",
    "https://example.org/search?q=export+formats",  # a query, not a redirect
    "https://www.google.com/urlshortener-history",  # not the /url endpoint
    "https://cafe.example.org/menu",  # a word of hex letters is not an IP address
    "https://cafe/",  # nor is a single label (no path: no finding without citations)
    "https://docs.example.org/Comm%20Cloud%20V1/Bulletins.htm",  # an encoded space inside a path is fine
]

BAD_URLS = [
    ("http://example.org/security", {"not-https"}),
    ("https://web.archive.org/web/20210517203444/https://wpvip.com/security", {"copy"}),
    ("http://web.archive.org./web/20210517203444/https://wpvip.com/security", {"copy", "not-https"}),
    ("https://www.slideshare.net/vendor/white-paper", {"copy"}),
    ("https://example-org.translate.goog/page?_x_tr_sl=de", {"copy"}),
    ("https://mirror.example.org/docs/api", {"copy"}),
    ("https://gitee.com/mirrors/nextcloud/blob/master/COPYING", {"copy"}),
    ("https://bit.ly/3xYz", {"shortener"}),
    ("https://aka.ms/m365-residency", {"shortener"}),
    ("https://www.google.com/url?q=https://example.org/p&sa=D", {"redirect"}),
    ("https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org", {"redirect"}),
    ("https://example.org/out?target=https%3A%2F%2Fother.example%2Fp", {"redirect"}),
    ("https://example.org/p?utm_source=newsletter&utm_medium=email", {"tracking"}),
    ("https://example.org/p?fbclid=IwAR0abc", {"tracking"}),
    ("https://example.org/p?gclid=abc&id=3", {"tracking"}),
    ("https://example.org/blog/post/?ref=runtime.news", {"tracking"}),
    ("https://example.org/feed/?pk_campaign=feed&pk_kwd=x", {"tracking"}),
    ("https://staging.example.org/pricing", {"staging"}),
    ("https://docs-dev.agency.gov.au/api", {"staging"}),
    ("https://uat.service.gov.uk/terms", {"staging"}),
    ("https://deploy-preview-42--vendor-docs.netlify.app/api", {"staging"}),
    ("http://localhost:8080/api", {"staging", "not-https"}),
    ("https://192.0.2.10/status", {"staging"}),
    ("https://[2001:db8::1]/status", {"staging"}),
    ("https://news.google.com/url?sa=t", {"redirect"}),
    ("https://blog.example.gov.uk/2022/07/12/why-we-decided/%20", {"stray-characters"}),
    ("https://example.org/terms%22", {"stray-characters"}),
    ("https://example.org/terms of service", {"stray-characters"}),
]


@pytest.mark.parametrize("url", GOOD_URLS)
def test_precise_urls_pass(url):
    assert source_check.url_findings(url) == []


@pytest.mark.parametrize("url,kinds", BAD_URLS)
def test_weak_urls_are_named_by_kind(url, kinds):
    assert {kind for kind, _ in source_check.url_findings(url)} == kinds


def test_tracking_names_the_parameters():
    [(kind, what)] = source_check.url_findings("https://example.org/p?utm_source=a&utm_campaign=b&id=4")
    assert kind == "tracking" and "(utm_source, utm_campaign)" in what


TOOL = """schema_version = 1
name = "Acme Forms"
summary = "Online forms."
homepage = "https://acme.example.com/forms"
repository = "https://git.acme.example.com/acme/forms"
capabilities = ["online-forms"]
last_reviewed = 2026-10-01

[[sources]]
id = "home"
url = "https://acme.example.com/"

[[sources]]
id = "repo"
url = "https://github.com/acme/forms"

[[sources]]
id = "licence"
url = "https://github.com/acme/forms/blob/main/LICENSE"

[[sources]]
id = "ops"
url = "https://acme.example.com/docs/operations"
{extra}
[[options]]
id = "self-hosted"
name = "Acme Forms (self-hosted)"
origin = "open-source"
deployment = "self-hosted"

[options.lock_in]
licence = "MIT"
sources = ["licence"]

[options.resourcing]
ops_effort = "low"
cite = {{ ops_effort = "{ops}" }}

[options.data]
full_export = true
sources = ["{data}"]
"""


def _write(tmp_path: Path, extra: str = "", ops: str = "ops", data: str = "ops") -> Path:
    directory = tmp_path / "cat"
    directory.mkdir(exist_ok=True)
    vocabulary = '[[capability]]\nid = "online-forms"\nlabel = "Online forms"\ndescription = "Forms."\ngoals = []\narea = "forms"\n'
    (directory / "capabilities.toml").write_text("schema_version = 1\n" + vocabulary)
    (directory / "acme-forms.toml").write_text(TOOL.format(extra=extra, ops=ops, data=data))
    return directory


def _load(directory: Path):
    result = load_catalog([directory])
    assert result.ok, [str(p) for p in result.errors]
    return result.catalog


def test_precise_citations_give_no_warning_and_uncited_homepages_are_fine(tmp_path):
    # The bare homepage and the repository root are listed but cite no fact: no warning.
    catalog = _load(_write(tmp_path))
    assert source_check.check(catalog) == []


def test_roots_and_licence_files_cited_for_facts(tmp_path):
    catalog = _load(_write(tmp_path, ops="licence", data="home"))
    findings = {(f.source, f.kind): f for f in source_check.check(catalog)}
    assert set(findings) == {("licence", "licence-file"), ("home", "bare-homepage")}
    licence = findings["licence", "licence-file"]
    assert "cited for options[1].resourcing.ops_effort" in licence.message and "lock_in.licence" not in licence.message
    assert (licence.key, licence.line) == ("sources[3].url", 19)
    home = findings["home", "bare-homepage"]
    assert (home.key, home.line, home.file) == ("sources[1].url", 11, str(tmp_path / "cat" / "acme-forms.toml"))
    assert "cited for options[1].data.full_export" in home.message

    catalog = _load(_write(tmp_path, data="repo"))
    [finding] = source_check.check(catalog)
    assert (finding.kind, finding.source, finding.line) == ("repository-root", "repo", 15)


def test_an_accepted_warning_is_explained_and_a_stale_accept_is_named(tmp_path):
    extra = '\n[[sources]]\nid = "archived"\nurl = "https://web.archive.org/web/2020/https://acme.example.com/retired"\naccept = ["copy"]\nnote = "The page was removed when the service closed; only the archived copy remains."\n'
    extra += '\n[[sources]]\nid = "fixed"\nurl = "https://acme.example.com/docs/export"\naccept = ["tracking"]\nnote = "Was a tracked link."\n'
    catalog = _load(_write(tmp_path, extra=extra))
    findings = source_check.check(catalog)
    explained = [f for f in findings if f.explained]
    assert [(f.source, f.kind) for f in explained] == [("archived", "copy")]
    assert explained[0].explained.startswith("The page was removed")
    warnings = [str(p) for p in lint(catalog) if "sources[" in p.key]
    assert warnings == [
        f"{tmp_path / 'cat' / 'acme-forms.toml'}:34: warning: sources[6].accept: source `fixed` accepts `tracking`, "
        "but its URL no longer has that problem: remove it from `accept` [accept]"
    ]
    counts = source_check.counts(findings)
    assert counts["copy"] == {"warnings": 1, "explained": 1} and counts["accept"] == {"warnings": 1, "explained": 0}


def test_accept_needs_a_note_and_known_kinds(tmp_path):
    extra = '\n[[sources]]\nid = "x"\nurl = "http://acme.example.com/old"\naccept = ["not-https", "typo-kind"]\n'
    result = load_catalog([_write(tmp_path, extra=extra)])
    messages = [f"{p.line} {p.key}: {p.message}" for p in result.errors]
    assert any("sources[5].accept: `accept` needs a `note`" in m for m in messages), messages
    assert any("`typo-kind` is not one of" in m for m in messages), messages


def run(*args):
    return runner.invoke(app, list(args))


def test_lint_cli_reports_the_source_check_by_kind(tmp_path):
    directory = _write(tmp_path, ops="licence", data="home")
    text = (directory / "acme-forms.toml").read_text().replace(
        'url = "https://acme.example.com/docs/operations"', 'url = "http://acme.example.com/docs/operations?utm_source=x"'
    )
    (directory / "acme-forms.toml").write_text(text)
    out = run("catalog", "lint", "--catalog", str(directory), "--sources")
    assert out.exit_code == OK
    assert "acme-forms.toml:23: warning: sources[4].url: source `ops`: not https: cite the https address [not-https]" in out.stdout
    assert "source check: 4 unexplained (bare-homepage 1, licence-file 1, tracking 1, not-https 1); 0 explained" in out.stdout
    assert "last_reviewed" not in out.stdout  # --sources: the source check alone
    data = json.loads(run("catalog", "lint", "--catalog", str(directory), "-f", "json").stdout)
    assert data["source_check"]["by_kind"]["tracking"] == {"warnings": 1, "explained": 0}
    assert data["source_check"]["unexplained"] == 4
    kinds = sorted((f["source"], f["kind"], f["line"], f["explained"]) for f in data["source_check"]["findings"])
    assert kinds == [("home", "bare-homepage", 11, None), ("licence", "licence-file", 19, None), ("ops", "not-https", 23, None), ("ops", "tracking", 23, None)]
    tracked = [w for w in data["warnings"] if w["message"].endswith("[tracking]")]
    assert tracked == [{"file": str(directory / "acme-forms.toml"), "line": 23, "key": "sources[4].url", "severity": "warning",
                        "message": "source `ops`: tracking parameters (utm_source): cite the address without them [tracking]"}]
    assert run("catalog", "lint", "--catalog", str(directory), "--sources", "--strict").exit_code == PROBLEMS


def test_export_keeps_accept_and_note(tmp_path):
    from catalog.export import tool_to_data, tool_to_toml_data

    extra = '\n[[sources]]\nid = "archived"\nurl = "https://web.archive.org/web/2020/https://acme.example.com/x"\naccept = ["copy"]\nnote = "Only the archived copy remains."\n'
    tool = _load(_write(tmp_path, extra=extra)).tools["acme-forms"]
    [archived] = [s for s in tool_to_toml_data(tool)["sources"] if s["id"] == "archived"]
    assert archived["accept"] == ["copy"] and archived["note"] == "Only the archived copy remains."
    [plain] = [s for s in tool_to_data(tool)["sources"] if s["id"] == "archived"]
    assert plain["accept"] == ["copy"]


def test_a_caveat_about_licence_terms_may_cite_the_licence_file(tmp_path):
    caveat = '\n[[options.caveats]]\nrisk = "platform_control"\ntext = "Enterprise code needs a subscription."\nsource = "licence"\n'
    directory = _write(tmp_path)
    path = directory / "acme-forms.toml"
    path.write_text(path.read_text() + caveat)
    assert source_check.check(_load(directory)) == []
    path.write_text(path.read_text().replace('source = "licence"', 'source = "home"'))
    [finding] = source_check.check(_load(directory))
    assert finding.kind == "bare-homepage" and "cited for options[1].caveats[1]" in finding.message


@pytest.mark.parametrize("url", ["https://[abc/x", "https://[::1/admin?utm_source=x"])
def test_a_malformed_url_does_not_stop_the_check(tmp_path, url):
    directory = _write(tmp_path, data="home")
    path = directory / "acme-forms.toml"
    path.write_text(path.read_text().replace('url = "https://acme.example.com/"', f'url = "{url}"'))
    catalog = load_catalog([directory]).catalog
    if "acme-forms" in catalog.tools:  # read as an address without a host: nothing to say about it
        assert [f.kind for f in source_check.check(catalog) if f.source == "home"] == []
        assert run("catalog", "lint", "--catalog", str(directory)).exit_code == OK
    else:  # refused by the loader: a clear problem, never a traceback
        assert run("catalog", "lint", "--catalog", str(directory)).exit_code == BAD_INPUT


@pytest.mark.parametrize(
    "url,root",
    [
        ("https://github.com/wagtail/wagtail", True),
        ("https://www.github.com/webrecorder/browsertrix-cloud/", True),
        ("https://github.com/wagtail/wagtail.git", True),
        ("https://github.com/wagtail", True),  # an owner's page
        ("https://github.com/wagtail/wagtail/tree/main", True),
        ("https://gitlab.com/group/project", True),
        ("https://git.acme.example.com/acme/forms/", True),  # the tool's own `repository`
        ("https://github.com/wagtail/wagtail/blob/main/LICENSE", False),
        ("https://github.com/wagtail/wagtail/tree/main/docs/reference", False),
        ("https://gitlab.com/group/project/-/blob/main/README.md", False),
        ("https://gist.github.com/andreslucena/0ff37b50a8a60acb3cf11a9042234f21", False),
        ("https://docs.github.com/en/rest", False),
        ("https://github.com/wagtail/wagtail?tab=readme-ov-file", True),  # the same front page
    ],
)
def test_repository_roots(url, root):
    from types import SimpleNamespace

    tool = SimpleNamespace(repository="https://git.acme.example.com/acme/forms")
    assert source_check.is_repository_root(url, tool) is root


def test_the_bundled_catalogue_has_no_unexplained_source_warning():
    from tests.conftest import BUNDLED_CATALOG

    data = json.loads(run("catalog", "lint", "--catalog", str(BUNDLED_CATALOG), "--sources", "-f", "json").stdout)
    unexplained = [f"{f.get('file')}:{f.get('line')} {f.get('source')} {f.get('kind')}" for f in data["source_check"]["findings"] if not f["explained"]]
    assert data["source_check"]["unexplained"] == 0, unexplained
