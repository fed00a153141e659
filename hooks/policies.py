"""MkDocs adapter of the `policy_site` package: events in, generated pages and stamps out.

Thin on purpose: every decision (which commit dates a page, what a version is, what a page
says) is made in `policy_site`, which knows nothing of MkDocs. This file only

- reads git history once per build (mkdocs-static-i18n runs every event again for each
  language: the state below is rebuilt only when a new outer build starts);
- adds the generated pages (report types, change log, archive, redlines) in `on_files` at
  priority -110, after the i18n plugin (-100) has sorted the files by language;
- stamps pages and expands `<!-- insert: … -->` lines in `on_page_markdown`;
- writes the feeds and versions.json after the build;
- keeps the theme's compiled templates between builds and languages (`on_env`).

Fatal problems become `PluginError`; recoverable ones are warnings through
`get_plugin_logger`, so `mkdocs build --strict` stops on them in CI.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import posixpath
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_timestamp

from policy_site import (archive, feeds, frontmatter, history, manifest, pages, parallel,
                         policies, render, reports, search_index, settings, sitemaps, strings,
                         translations)
from policy_site.cache import PageCache
from policy_site.archive_output import ArchiveOutput
from policy_site.kept import KeptArchive
from policy_site.markdown_html import MarkdownRenderer
from policy_site.versions import FactStore
from policy_site.errors import PolicySiteError

log = get_plugin_logger("policies")

PREVIEW_ENV = "POLICY_SITE_PREVIEW"
CACHE_ENV = "POLICY_SITE_CACHE"
"""Where archived pages are kept between builds ('off': nowhere); overrides the setting."""


@dataclass
class _Build:
    """What one build (all its languages) knows; made once, in the first on_config."""

    settings: settings.Settings
    strings: dict[str, strings.Strings]
    catalog: reports.Catalog
    docs: list[policies.PolicyDoc]
    history: history.History | None
    docs_rel: str
    """The docs folder relative to the repository root."""
    pages: dict[tuple[str, str], str]
    """(language, page inside the language folder) -> URL, for every page of the site."""
    cache: PageCache
    facts: FactStore
    kept: KeptArchive
    owners: dict[str, policies.PolicyDoc]
    """Each policy's source -> the policy whose shells its archived pages are filled into."""
    warned: bool = False
    salts: dict[str, str] = field(default_factory=dict)
    """Language -> the digest of what its archived pages are made with (archive.salt)."""
    shells: dict[str, str] = field(default_factory=dict)
    """Shell URL -> the shell page's HTML, as the theme rendered it."""
    renderer: MarkdownRenderer | None = None
    ahead: parallel.Ahead | None = None
    """The worker making the redlines of a cold build while MkDocs renders (see _start_ahead)."""
    decoded: set[str] = field(default_factory=set)
    """The pages' files found to be UTF-8 (each is checked once, not once per language)."""
    html: dict[str, str] = field(default_factory=dict)
    """Page URL -> the HTML that replaces the page's marker (pages.HTML_MARKER) once Markdown
    has rendered it: a generated page's list, a policy page's stamp and banner."""


def _plugin_error(exc: PolicySiteError) -> PluginError:
    """The error for MkDocs, naming the file from the folder the build runs in (as MkDocs
    and the lint name them), not from the root of the file system."""
    if exc.path and os.path.isabs(exc.path):
        try:
            exc.path = Path(exc.path).relative_to(Path.cwd()).as_posix()
        except ValueError:
            pass  # outside that folder: the whole path says where
    return PluginError(str(exc))


def _reported(event):
    """An event whose PolicySiteError reaches MkDocs as a PluginError: the build stops with
    the message (file, line, fix), not with a traceback."""
    @functools.wraps(event)
    def reporting(*args, **kwargs):
        try:
            return event(*args, **kwargs)
        except PolicySiteError as exc:
            raise _plugin_error(exc) from exc
    return reporting


_build: _Build | None = None
_command = "build"


def on_startup(command: str, dirty: bool) -> None:
    global _build, _command
    _build = None
    _command = command


def _i18n(config: MkDocsConfig):
    return config.plugins.get("i18n")


def _language(config: MkDocsConfig) -> str:
    i18n = _i18n(config)
    return i18n.current_language if i18n and i18n.current_language else _build.settings.default_language


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build
    i18n = _i18n(config)
    if _build is not None and i18n is not None and i18n.building:
        return config  # a per-language rebuild of the same build: reuse what was read
    if _build is not None:
        _stop_ahead()  # left by a build that failed (in a process that goes on: `serve`)
    archive.fresh()
    try:
        _build = _read(config)
        _build.ahead = _start_ahead()
    except PolicySiteError as exc:
        raise _plugin_error(exc) from exc
    _add_report_pages_to_nav(config, _build.catalog)
    if not _build.settings.archive and config.nav:  # no change log is built: not in the nav
        changelogs = {d.changelog_url[len(d.prefix):].rstrip("/") + ".md" for d in _build.docs}
        config.nav = [x for x in config.nav if not (isinstance(x, str) and x in changelogs)]
    return config


def _read(config: MkDocsConfig) -> _Build:
    root = Path(config.config_file_path).parent
    i18n = _i18n(config)
    languages = [lang.locale for lang in i18n.config.languages] if i18n else [config.theme["language"]]
    if i18n:
        default = i18n.default_language
        languages = [default] + [x for x in languages if x != default]
    site = settings.load(config.extra.get("policies"), root=root, languages=languages,
                         preview=os.environ.get(PREVIEW_ENV, "") not in ("", "0"),
                         where=config.config_file_path)
    docs_dir = Path(config.docs_dir)
    cache_dir = (settings.cache_folder(os.environ[CACHE_ENV], CACHE_ENV)
                 if CACHE_ENV in os.environ else site.cache_dir)
    cache_dir = root / cache_dir if cache_dir != "off" else None
    try:
        hist = history.read_history(root, docs_dir,
                                    log_cache=cache_dir / "log.txt" if cache_dir else None)
    except history.NotAGitCheckout:
        if not site.preview:
            raise
        hist = None
    if hist is not None and hist.head_time is not None:
        # Anything MkDocs dates from the clock (the sitemap's lastmod) comes from HEAD.
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(hist.head_time.timestamp())))
    docs_rel = docs_dir.resolve().relative_to(hist.root).as_posix() if hist else "docs"
    try:
        render.fresh(_template_folder(cache_dir) if cache_dir else None)
        cache = PageCache(cache_dir / "pages" if cache_dir else None)
    except OSError as exc:
        raise PolicySiteError(
            f"the cache folder {cache_dir} cannot be written ({exc.strerror or exc}).",
            path=config.config_file_path,
            fix=f"set extra.policies.cache_dir or {CACHE_ENV} to a folder the build can "
                "write, or to 'off' to keep nothing between builds.") from exc
    policies.check_pages(site, docs_rel, lambda lang, page: (docs_dir / lang / page).is_file(),
                         where=config.config_file_path)
    facts = FactStore(cache_dir / "facts.json" if cache_dir else None)
    kept = KeptArchive(Path(config.site_dir), cache_dir / "kept.json" if cache_dir else None)
    docs = policies.policy_docs(hist, site, docs_rel, facts)
    return _Build(site, strings.load(site.strings, site.languages),
                  reports.load(site.report_types, site.languages), docs, hist, docs_rel, {}, cache,
                  facts, kept, archive.shell_owners(docs))


def _start_ahead() -> parallel.Ahead | None:
    """In a cold `mkdocs build` (no archive kept, no page cache), a worker starts making the
    redlines now, on the CPU that MkDocs leaves idle; `_write_archives` takes them."""
    if not _build.settings.archive or _build.kept.has_record() or not _build.cache.is_empty():
        return None
    work = archive.redlines_ahead(_build.docs, _build.strings)
    if parallel.jobs_wanted(len(work), allowed=_command == "build") < 2:
        return None
    try:
        return parallel.Ahead.start(work, archive.redline_ahead)
    except OSError as exc:  # no process or pipe to be had: the pages are made later
        log.debug(f"no worker ahead: {exc}")
        return None


def _stop_ahead() -> dict:
    """What the worker ahead made, once; it is stopped and gone afterwards."""
    ahead, _build.ahead = _build.ahead, None
    return ahead.collect() if ahead is not None else {}


def _template_folder(cache_dir: Path) -> Path:
    """Where compiled templates are kept (ours and the theme's). Jinja checks each against
    its template's source only, so the folder is named after what compiles them too: Jinja,
    MkDocs and Material's versions and this package's code; older folders are removed."""
    made_with = repr(([metadata.version(name) for name in ("jinja2", "mkdocs", "mkdocs-material")],
                      archive.code_digest()))
    folder = cache_dir / "templates" / hashlib.sha256(made_with.encode()).hexdigest()[:16]
    if not folder.is_dir() and (cache_dir / "templates").is_dir():
        for old in (cache_dir / "templates").iterdir():
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
    return folder


def _warn_missing_summaries(doc: policies.PolicyDoc) -> None:
    version = doc.current
    if version is not None and version.number > 1 and version.summary is None:
        log.warning(
            f"{doc.source}: the newest version ({version.slug}, commit {version.commit[:12]}) "
            "has no change summary. Fix: write what changed, in one or two sentences, in the "
            "'summary:' field of the front matter, in the same pull request (after a merge, "
            "in a pull request that changes only 'summary:').")


def _add_report_pages_to_nav(config: MkDocsConfig, catalog: reports.Catalog) -> None:
    """List the generated report-type pages right after reports/index.md in the navigation."""
    nav = config.nav
    if not nav or any(isinstance(x, str) and x.startswith("reports/") and x != "reports/index.md" for x in nav):
        return
    at = nav.index("reports/index.md") + 1 if "reports/index.md" in nav else len(nav)
    nav[at:at] = [r.page for r in catalog.report_types.values()]


@_reported
def on_pre_build(config: MkDocsConfig) -> None:
    # Warnings go out here, inside the build, where `--strict` counts them (not in
    # on_config), and once per build rather than once per language.
    if not _build.warned:  # the outer build, before MkDocs empties the site folder
        _build.warned = True
        for doc in _build.docs:
            _warn_missing_summaries(doc)
        if _build.settings.archive:
            _build.kept.set_aside()


@event_priority(-110)
@_reported
def on_files(files: Files, config: MkDocsConfig) -> Files:
    lang = _language(config)
    site, text = _build.settings, _build.strings[lang]
    prefix = site.url_prefix(lang)
    for f in files.documentation_pages():
        if f.abs_src_path and f.abs_src_path not in _build.decoded:
            # MkDocs stops on a file that is not UTF-8 with a traceback; this names the line.
            frontmatter.decode(Path(f.abs_src_path).read_bytes(),
                               posixpath.join(_build.docs_rel, f.src_uri))
            _build.decoded.add(f.abs_src_path)
        _build.pages[(getattr(f, "locale", lang), _page_path(f, lang))] = f.url
    generated = pages.report_pages(_build.catalog, text, prefix)
    if site.archive:
        if _build.renderer is None:
            _build.renderer = MarkdownRenderer(config.markdown_extensions, config.mdx_configs)
        salt = _build.salts[lang] = archive.salt(text.texts, config.markdown_extensions,
                                                 config.mdx_configs)
        policy_keys = {doc.source: archive.archive_key(doc, [salt]) for doc in _docs(lang)}
        generated += [pages.changelog_page(doc, text, _build.cache.text(
                          archive.part_key("changelog", [policy_keys[doc.source]], text, salt),
                          functools.partial(pages.changelog_html, doc, text)))
                      for doc in _docs(lang)]
        generated += [shell for doc in _docs(lang) if _build.owners[doc.source] is doc
                      for shell in archive.shells(doc)]
    _build.pages.update(((lang, page.page), page.url) for page in generated)
    _build.html.update((page.url, page.html) for page in generated if page.html)
    for page in generated:
        made = _file(config, lang, page)
        files.append(made)
        if page.in_every_language:
            _list_in_sitemap(config, lang, made)
    if not site.archive:
        return files
    author = config.site_author or config.site_name
    feed = _build.cache.text(
        archive.part_key("feed", list(policy_keys.values()), text, _build.salts[lang],
                         config.site_url, config.site_name, author),
        functools.partial(feeds.atom_feed, _docs(lang), text, site_url=config.site_url,
                          site_name=config.site_name, author=author))
    files.append(_asset(config, lang, prefix + "feed.xml", feed))
    if lang == site.default_language:
        files.append(_asset(config, lang, "versions.json",
                            manifest.manifest_json(_build.docs, site_url=config.site_url)))
    return files


def _asset(config: MkDocsConfig, lang: str, dest: str, content: str) -> File:
    """A generated non-page file (feed, manifest) that Markdown links can point to."""
    f = File(f"{lang}/{dest[len(_build.settings.url_prefix(lang)):]}", src_dir=None,
             dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls, dest_uri=dest)
    f.generated_by = "hooks/policies.py"
    f.content_string = content
    return f


def _docs(lang: str) -> list[policies.PolicyDoc]:
    return [d for d in _build.docs if d.language == lang]


def _doc_of(page: Page, lang: str) -> policies.PolicyDoc | None:
    """The policy `page` shows, or None for any other page."""
    inner = _page_path(page.file, lang)
    return next((d for d in _docs(lang) if d.page == inner), None)


def _page_path(f: File, lang: str) -> str:
    """'de/policy.md' -> 'policy.md': a page's path inside its language folder."""
    first, _, rest = f.src_uri.partition("/")
    return rest if first == getattr(f, "locale", lang) or first in _build.settings.languages else f.src_uri


def _list_in_sitemap(config: MkDocsConfig, lang: str, f: File) -> None:
    """mkdocs-static-i18n writes the sitemap from the files it saw before this hook added its
    own; pages that every language has (report types, change logs) belong in it too."""
    i18n = _i18n(config)
    listed = getattr(i18n, "i18n_files_per_language", {}).get(lang) if i18n else None
    if listed is not None and f not in listed:
        listed.append(f)


def _file(config: MkDocsConfig, lang: str, page: pages.GeneratedPage) -> File:
    f = File(f"{lang}/{page.page}", src_dir=None, dest_dir=config.site_dir,
             use_directory_urls=config.use_directory_urls, dest_uri=page.url + "index.html",
             inclusion=InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV)
    f.generated_by = "hooks/policies.py"
    f.content_string = page.markdown
    # What mkdocs-static-i18n gives its own files, so the language switcher finds the same
    # page in each language (a shell's switcher gets tokens: archive.fill puts the change
    # log of each archived page's own policy there).
    f.locale = lang
    f.locale_alternate_of = lang
    f.alternates = {}
    prefix = _build.settings.url_prefix(lang)
    for other in _build.settings.languages:
        if page.in_every_language:
            url = _build.settings.url_prefix(other) + page.url[len(prefix):]
        else:
            url = archive.alternate_token_url(other)
        f.alternates[other] = File(f"{other}/{page.page}", src_dir=None, dest_dir=config.site_dir,
                                   use_directory_urls=config.use_directory_urls,
                                   dest_uri=url + "index.html")
    return f


def _counterpart_changelog(lang: str, doc: policies.PolicyDoc) -> str:
    """The change log of `doc`'s page in `lang`, or that language's home page."""
    other = next((d for d in _docs(lang) if d.page == doc.page), None)
    return other.changelog_url if other else _build.settings.url_prefix(lang)


@_reported
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lang = _language(config)
    text = _build.strings[lang]
    path = page.file.src_uri
    if frontmatter.unclosed(markdown):  # MkDocs took it for text: stop with where and why
        frontmatter.parse(markdown, posixpath.join(_build.docs_rel, path))
    inner = _page_path(page.file, lang)
    doc = _doc_of(page, lang)
    current = next((d.current.slug for d in _docs(lang) if d.current), "-")
    blocks = {
        "contact-channels": lambda: pages.contact_channels(_build.settings.contact, text),
        "feedback-form": lambda: pages.feedback_form(
            _build.settings.contact, text, page_url=config.site_url + page.url, version=current),
        "report-comparison": lambda: pages.report_comparison(_build.catalog, text),
    }
    markdown = pages.expand_inserts(markdown, f"{config.docs_dir}/{path}", blocks)
    if getattr(page.file, "generated_by", None):
        return markdown
    # The stamp and the banner are HTML: they take the place of a marker once Markdown has
    # rendered the page (on_page_content), which spares Markdown's HTML parser.
    if doc is not None:
        html = pages.stamp(doc, text, page.url, links=_build.settings.archive)
        lag = translations.lag_for(doc, _build.docs, _build.settings.source_language,
                                   translation_of=page.meta.get(translations.FIELD),
                                   uncommitted=doc.status is policies.Status.UNPUBLISHED)
        if lag is not None:
            html += "\n" + translations.banner(lag, text, page.url, links=_build.settings.archive)
    elif page.meta.get("stamp") is True:  # a page that opts in to a "last updated" date
        other = policies.page_doc(_build.history, _build.settings, _build.docs_rel, lang, inner,
                                     _build.facts)
        html = pages.stamp(other, text, page.url, links=False)
    else:
        return markdown
    _build.html[page.url] = html
    return pages.insert_after_title(markdown, pages.HTML_MARKER)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated = _build.html.get(page.url)
    return pages.with_generated_html(html, generated) if generated else html


def on_env(env, config: MkDocsConfig, files: Files):
    """Keep the theme's compiled templates between the languages and the builds (Jinja's
    bytecode cache, checked against each template's source): each language's build makes a
    new template environment, which compiled Material's templates all over again."""
    if env.bytecode_cache is None:
        env.bytecode_cache = render.bytecode_cache()
    return env


def on_build_error(error: Exception) -> None:
    """A failed build stops its worker ahead (under `mkdocs serve` the process goes on)."""
    if _build is not None:
        _stop_ahead()


@_reported
def on_template_context(context, template_name: str, config: MkDocsConfig):
    """Give the theme's own pages (404) the site's words in the language being built."""
    lang = _language(config)
    site = _build.settings
    context["policy_strings"] = _build.strings[lang].texts
    context["policy_prefix"] = site.url_prefix(lang)
    context["policy_changelogs"] = [
        {"url": doc.changelog_url, "title": (doc.current and doc.current.title) or doc.page}
        for doc in _docs(lang)] if site.archive else []
    context["policy_other_languages"] = [
        {"lang": other, "prefix": site.url_prefix(other), "strings": _build.strings[other].texts}
        for other in site.languages if other != lang]
    return context


@_reported
def on_page_context(context, page: Page, config: MkDocsConfig, nav):
    """Give templates the feed of the page's language (linked from every page's head), and
    on a policy page the permanent address of the version it shows (printed on paper)."""
    lang = _language(config)
    context["policy_feed_url"] = posixpath.join(_build.settings.url_prefix(lang), "feed.xml")
    doc = _doc_of(page, lang)
    context["policy_permanent_url"] = (
        config.site_url + doc.version_url(doc.current)
        if doc is not None and doc.current and _build.settings.archive and config.site_url
        else None)
    return context


_not_found: dict[str, str] = {}


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if archive.is_shell(page.url):
        _build.shells[page.url] = output
    return output


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name == "404.html":
        _not_found[_language(config)] = output
    return output


@event_priority(-110)
@_reported
def on_post_build(config: MkDocsConfig) -> None:
    """Give each language its 404 page. Every language build writes the theme's 404.html at
    the site root; this runs after the i18n plugin's per-language builds, so the outer
    (default-language) build, which ends last, puts its own 404 back at the root."""
    i18n = _i18n(config)
    outer = i18n is None or not i18n.building  # the i18n plugin leaves current_language at the last
    lang = _build.settings.default_language if outer else _language(config)
    if lang in _not_found:
        target = Path(config.site_dir) / _build.settings.url_prefix(lang) / "404.html"
        target.write_text(_not_found[lang], encoding="utf-8")
    if outer:
        if _build.settings.archive:
            _write_archives(config)
            _build.kept.finish()
        _build.cache.prune()
        _build.facts.save()
        _write_language_roots(config)


def _write_language_roots(config: MkDocsConfig) -> None:
    """Each language's own search index and sitemap.xml at its root, where Material looks:
    the search of an English page loads en/search/search_index.json (overrides/main.html)
    and the language integration fetches en/sitemap.xml beside en/feed.xml."""
    site_dir = Path(config.site_dir)
    prefixes = {lang: _build.settings.url_prefix(lang) for lang in _build.settings.languages}
    index = site_dir / "search" / "search_index.json"
    if index.exists():
        for prefix, text in search_index.split(index.read_text(encoding="utf-8"), prefixes).items():
            (site_dir / prefix / "search").mkdir(parents=True, exist_ok=True)
            (site_dir / prefix / "search" / "search_index.json").write_text(text, encoding="utf-8")
    sitemap = site_dir / "sitemap.xml"
    if sitemap.exists():
        text = sitemaps.with_x_default(sitemap.read_text(encoding="utf-8"),
                                       default_language=_build.settings.default_language)
        sitemap.write_text(text, encoding="utf-8")
        # MkDocs wrote a gzipped copy too; keep it equal, dated like MkDocs dates it.
        with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=get_build_timestamp()) as gz:
            gz.write(text.encode("utf-8"))
        for prefix in prefixes.values():
            if prefix:
                (site_dir / prefix / "sitemap.xml").write_text(sitemaps.language_sitemap(
                    sitemap.read_text(encoding="utf-8"), site_url=config.site_url, prefix=prefix,
                    other_prefixes=prefixes.values()), encoding="utf-8")


def _write_archives(config: MkDocsConfig) -> None:
    """Write every archived page into its shell (policy_site.archive_output), then remove
    the shells; the pages to make are shared between processes (policy_site.parallel)."""
    output = ArchiveOutput(Path(config.site_dir), _build.kept, _build.cache, _build.renderer)
    tasks = []
    for lang in _build.salts:
        docs = _docs(lang)
        shell_urls = {archive.shell_url(_build.owners[d.source], kind)
                      for d in docs for kind in archive.KINDS}
        links = {page: url for (language, page), url in _build.pages.items() if language == lang}
        tasks += output.plan(
            docs, _build.strings[lang], {url: _build.shells[url] for url in shell_urls},
            _build.owners, links, _build.salts[lang],
            lambda doc: {other: _counterpart_changelog(other, doc)
                         for other in _build.settings.languages})
    pages_to_make = sum(size for size, _ in tasks)
    if _build.ahead is not None:
        made = _stop_ahead()
        archive.made_ahead(made)
        log.debug(f"redlines made ahead: {len(made)}")
    try:
        jobs = parallel.jobs_wanted(pages_to_make, allowed=_command == "build")
        output.make(tasks, _build.docs, jobs)
    finally:
        archive.made_ahead(None)  # the pages are written: let the redlines go
    if tasks:
        log.debug(f"made {pages_to_make} archived pages in {jobs} process(es)")
