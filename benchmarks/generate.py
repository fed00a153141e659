"""Write a synthetic policy repository: L languages, P policy pages, C commits of history.

The build-cost benchmark (`benchmarks/run.py`) needs sites far bigger than ours with a known
shape, the same on every machine. This script writes one into an empty folder:

- the real site's skeleton (mkdocs.yml, hooks/, overrides/, data/, docs/assets/), with the
  languages, the policy pages and the navigation rewritten for the chosen size, and the texts
  of missing languages in data/*.yml copied from English;
- per language the side pages (index, contact, reports/index, copied from the real ones) and
  P policy pages `policy-01.md` … of 20–60 KB of legal-looking prose with headings, lists and
  non-ASCII letters, front matter `title:` and `summary:`;
- C commits, one a day from 2015-01-01T10:00:00+00:00 (author and committer date pinned): the
  first adds the site, each other edits a few paragraphs of one page in one language or of
  the same page in every language. About 10 % only re-wrap a paragraph (white space), about
  10 % carry the trailer `Editorial: yes`; most content edits rewrite the `summary:`, and the
  newest content edit of every page always does, so `mkdocs build --strict` passes.

The same seed gives the same bytes, the same commits and the same commit ids. The pages and
each commit draw from their own generator (`random.Random(f"{seed}/commit/{n}")`), so the
history of C commits is the start of the history of 2 × C: the same pages, the same edits
(only the newest edit of a page, which always rewrites the summary, can differ in its
`summary:`). Doubling C then measures a longer history of the same site, not another site
whose pages happen to be longer or shorter. The history is written by one `git fast-import`
process, not one `git commit` per change, so 2000 commits take seconds.

    python benchmarks/generate.py /tmp/policy-5x20x2000 --languages 5 --pages 20 --commits 2000
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import yaml

ROOT = Path(__file__).resolve().parent.parent
"""The real site, whose skeleton a generated repository copies unless told another folder."""

SKELETON = ("mkdocs.yml", "hooks", "overrides", "data", "docs/assets", "policy_site")
"""What a generated site copies from the real one: tests/conftest.py's list, and the package.
`python -m mkdocs` puts the working folder first on the import path, so the copied hook
imports the copied package, not the one being edited while a long benchmark runs."""

SIDE_PAGES = ("index.md", "contact.md", "reports/index.md")
"""The non-policy pages of every language, copied from the real site's German or English."""

START = datetime(2015, 1, 1, 10, 0, tzinfo=UTC)
"""The date of the first commit; commit n is n days later."""

AUTHOR = b"Policy Editor <editor@example.com>"

WHITESPACE_SHARE = 0.10
EDITORIAL_SHARE = 0.10
ALL_LANGUAGES_SHARE = 0.5
"""Share of commits that edit the same page in every language (the others edit one)."""
SUMMARY_SHARE = 0.85
"""Share of content edits that also rewrite the page's `summary:` (the newest always does)."""


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    """The language's own name, for the language switcher."""
    title: str
    """What a policy page is called in this language; pages are '<title> 01' and so on."""
    section: str
    first: str
    """The summary of the first version."""
    words: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


LANGUAGES: tuple[Language, ...] = (
    Language("de", "Deutsch", "Datenschutzerklärung", "Abschnitt",
             "Erste veröffentlichte Fassung.", _words(
        "Daten Verarbeitung Einwilligung Zweck Speicherung Löschung Auskunft Recht Übermittlung "
        "personenbezogene Verantwortliche Dienstleister Aufsichtsbehörde Widerspruch Frist Größe "
        "Gerät Bericht Kunde Berechtigung Zugriff Schutz Maßnahmen gemäß über für zur und oder "
        "der die das den dem des ein eine wird werden kann können nicht nur sowie Ihre wir Sie "
        "diese bei nach innerhalb Einschränkung Rechtsgrundlage Empfänger Dritte Länder "
        "Sicherheit Straße Geschäftsführung Datenübertragbarkeit")),
    Language("en", "English", "Privacy statement", "Section",
             "First published version.", _words(
        "data processing consent purpose storage erasure access right transfer controller "
        "processor supervisory authority objection period device report customer safeguards "
        "retention legitimate interest recipient the a of to and or for with by may will is "
        "are not your our we you this that which on in at from as be have has Malmö Gränden "
        "Zürich résumé naïve")),
    Language("fr", "Français", "Déclaration de confidentialité", "Section",
             "Première version publiée.", _words(
        "données traitement consentement finalité conservation effacement accès droit transfert "
        "responsable sous-traitant autorité contrôle opposition délai appareil rapport client "
        "sécurité mesures conformément à la le les des du de et ou pour avec par peut sera est "
        "sont pas votre notre nous vous ce cette qui sur dans être ont été légitime intérêt "
        "destinataires tiers pays garanties")),
    Language("it", "Italiano", "Informativa sulla privacy", "Sezione",
             "Prima versione pubblicata.", _words(
        "dati trattamento consenso finalità conservazione cancellazione accesso diritto "
        "trasferimento titolare responsabile autorità controllo opposizione termine dispositivo "
        "rapporto cliente sicurezza misure ai sensi il la le gli dei delle e o per con da può "
        "sarà è sono non vostro nostro noi voi questo questa che su in essere hanno perché "
        "legittimo interesse destinatari terzi paesi garanzie più già")),
    Language("es", "Español", "Declaración de privacidad", "Sección",
             "Primera versión publicada.", _words(
        "datos tratamiento consentimiento finalidad conservación supresión acceso derecho "
        "transferencia responsable encargado autoridad control oposición plazo dispositivo "
        "informe cliente seguridad medidas conforme el la los las de del y o para con por puede "
        "será es son no su nuestro nosotros usted este esta que en ser han legítimo interés "
        "destinatarios terceros países garantías información protección")),
    Language("nl", "Nederlands", "Privacyverklaring", "Artikel",
             "Eerste gepubliceerde versie.", _words(
        "gegevens verwerking toestemming doel opslag wissing inzage recht doorgifte "
        "verwerkingsverantwoordelijke verwerker toezichthoudende autoriteit bezwaar termijn "
        "apparaat rapport klant beveiliging maatregelen overeenkomstig de het een van en of voor "
        "met door kan zal is zijn niet uw onze wij u dit deze die op in worden hebben "
        "gerechtvaardigd belang ontvangers derden landen waarborgen geïnformeerd beëindiging "
        "reële")),
    Language("sv", "Svenska", "Integritetspolicy", "Avsnitt",
             "Första publicerade versionen.", _words(
        "uppgifter behandling samtycke ändamål lagring radering tillgång rätt överföring "
        "personuppgiftsansvarig biträde tillsynsmyndighet invändning frist enhet rapport kund "
        "säkerhet åtgärder enligt och eller för med av kan kommer är inte er vår vi ni denna "
        "detta som på i att vara har berättigat intresse mottagare tredje länder "
        "skyddsåtgärder också även")),
    Language("pl", "Polski", "Polityka prywatności", "Sekcja",
             "Pierwsza opublikowana wersja.", _words(
        "dane przetwarzanie zgoda cel przechowywanie usunięcie dostęp prawo przekazanie "
        "administrator podmiot przetwarzający organ nadzorczy sprzeciw termin urządzenie raport "
        "klient bezpieczeństwo środki zgodnie z i lub dla przez może będzie jest są nie Państwa "
        "nasz my ten ta który na w być mają uzasadniony interes odbiorcy trzecie państwa "
        "zabezpieczenia informacji ochrony")),
)
"""The languages a generated site can have, in the order they are taken; the first is the
default (served at the site root), as German is on the real site."""


@dataclass(frozen=True)
class Size:
    languages: int
    pages: int
    commits: int

    def __str__(self) -> str:
        return f"L={self.languages} P={self.pages} C={self.commits}"


@dataclass(frozen=True)
class Generated:
    """What `generate` wrote: the folder, its size, and how many files the history touched."""

    path: Path
    size: Size
    head: str
    revisions: int
    """Policy files written by the commits (the first commit's files included)."""
    kinds: dict[str, int] = field(default_factory=dict)
    """Commits by kind: 'import', 'content', 'editorial', 'whitespace'."""


# --- text ------------------------------------------------------------------------------


@dataclass
class Block:
    """One Markdown block of a policy page: a heading, a paragraph or a list."""

    kind: str
    """'h2', 'h3', 'p', 'ul' or 'ol'."""
    words: list[list[str]]
    """A heading or paragraph has one run of words; a list has one per item."""
    width: int = 80
    """The column at which an editor wrapped the paragraph (a re-wrap changes only this)."""
    _markdown: str | None = field(default=None, repr=False, compare=False)

    def changed(self) -> None:
        """Forget the rendered Markdown after an edit of `words` or `width`."""
        self._markdown = None

    def markdown(self) -> str:
        if self._markdown is None:
            self._markdown = self._render()
        return self._markdown

    def _render(self) -> str:
        if self.kind in ("h2", "h3"):
            return ("## " if self.kind == "h2" else "### ") + " ".join(self.words[0])
        if self.kind == "p":
            return _wrap(self.words[0], self.width)
        marker = "-" if self.kind == "ul" else None
        return "\n".join(f"{marker or f'{i}.'} {' '.join(item)}"
                         for i, item in enumerate(self.words, 1))


def _wrap(words: list[str], width: int) -> str:
    return textwrap.fill(" ".join(words), width, break_long_words=False, break_on_hyphens=False)


def _sentence(rng: random.Random, lang: Language, low: int = 8, high: int = 22) -> list[str]:
    words = [rng.choice(lang.words) for _ in range(rng.randint(low, high))]
    words[0] = words[0][:1].upper() + words[0][1:]
    words[-1] += rng.choice("....;")
    return words


def _paragraph(rng: random.Random, lang: Language) -> list[str]:
    return [w for _ in range(rng.randint(2, 6)) for w in _sentence(rng, lang)]


def _new_block(rng: random.Random, lang: Language, kind: str, number: int) -> Block:
    if kind in ("h2", "h3"):
        label = f"{number}." if kind == "h2" else f"{number}.{rng.randint(1, 9)}"
        return Block(kind, [[label, *_sentence(rng, lang, 2, 5)]])
    if kind == "p":
        return Block(kind, [_paragraph(rng, lang)], width=rng.choice((72, 80, 80, 88, 100)))
    return Block(kind, [_sentence(rng, lang, 5, 16) for _ in range(rng.randint(2, 6))])


def _document(rng: random.Random, lang: Language, size_kb: int) -> list[Block]:
    """A page of about `size_kb` KB (UTF-8): headings, paragraphs, now and then a list."""
    blocks, section, total = [], 0, 0
    while total < size_kb * 1024:
        roll = rng.random()
        kind = "h2" if roll < 0.07 or not blocks else "h3" if roll < 0.12 else \
            "ul" if roll < 0.22 else "ol" if roll < 0.26 else "p"
        section += kind == "h2"
        block = _new_block(rng, lang, kind, section)
        blocks.append(block)
        total += len(block.markdown().encode("utf-8")) + 2
    return blocks


@dataclass
class Page:
    """One policy page in one language, as the commits leave it."""

    lang: Language
    number: int
    blocks: list[Block]
    summary: str

    @property
    def title(self) -> str:
        return f"{self.lang.title} {self.number:02d}"

    def text(self) -> str:
        front = (f"---\ntitle: {json.dumps(self.title, ensure_ascii=False)}\n"
                 f"summary: {json.dumps(self.summary, ensure_ascii=False)}\n---\n\n")
        return front + f"# {self.title}\n\n" + "\n\n".join(b.markdown() for b in self.blocks) + "\n"


def _editable(page: Page, kinds: tuple[str, ...] = ("p", "ul", "ol")) -> list[int]:
    return [i for i, b in enumerate(page.blocks) if b.kind in kinds]


def _pick(positions: list[int], share: float) -> int:
    """The editable block nearest to `share` of the way through the page, so that an edit of
    every language touches the same place in each."""
    return positions[min(len(positions) - 1, int(share * len(positions)))]


def _edit_content(rng: random.Random, page: Page, shares: list[float], ops: list[str]) -> None:
    """Edit a few blocks: change words, add or drop a sentence, add or drop a block."""
    for share, op in zip(shares, ops):
        positions = _editable(page)
        if not positions:
            page.blocks.append(_new_block(rng, page.lang, "p", 0))
            continue
        at = _pick(positions, share)
        block = page.blocks[at]
        block.changed()
        run = rng.choice(block.words)
        if op == "words":
            for _ in range(max(1, len(run) // 15)):
                i = rng.randrange(len(run))
                new = rng.choice(page.lang.words)
                run[i] = new if new != run[i] else run[i] + "n"
        elif op == "add-sentence":
            run.extend(_sentence(rng, page.lang))
        elif op == "drop-sentence" and len(run) > 30:
            del run[len(run) // 2:len(run) // 2 + rng.randint(5, 12)]
        elif op == "add-block":
            page.blocks.insert(at + 1, _new_block(rng, page.lang, rng.choice("p p ul".split()), 0))
        elif op == "drop-block" and len(positions) > 10:
            del page.blocks[at]
        else:  # a sentence too short to shorten, or a page too short to lose a block
            run.extend(_sentence(rng, page.lang, 3, 6))


def _edit_editorial(rng: random.Random, page: Page, share: float) -> None:
    """A typo fix: one word changes; the trailer `Editorial: yes` keeps it from counting."""
    block = page.blocks[_pick(_editable(page), share)]
    block.changed()
    run = block.words[0]
    i = rng.randrange(len(run))
    run[i] = run[i][:-1] + "e" if not run[i].endswith("e") else run[i] + "s"


def _edit_whitespace(rng: random.Random, page: Page, share: float) -> None:
    """Re-wrap one paragraph at another width: the page reads the same."""
    paragraphs = _editable(page, ("p",))
    if not paragraphs:
        return
    block = page.blocks[_pick(paragraphs, share)]
    block.width = rng.choice([w for w in (60, 66, 72, 80, 88, 100) if w != block.width])
    block.changed()


def _summary(rng: random.Random, lang: Language, n: int) -> str:
    section = rng.randint(1, 12)
    return f"{lang.section} {section}: {' '.join(_sentence(rng, lang, 6, 14))} ({n})"


# --- the plan of the history ---------------------------------------------------------------


@dataclass(frozen=True)
class Commit:
    number: int
    kind: str
    """'import', 'content', 'editorial' or 'whitespace'."""
    page: int
    languages: tuple[int, ...]
    summary: bool


def _rng(seed: int, *what: object) -> random.Random:
    """The generator of one part of the history (the pages, one commit's plan or its edits):
    a part draws the same numbers whatever the size of the rest."""
    return random.Random("/".join(map(str, (seed, *what))))


def plan(seed: int, size: Size) -> list[Commit]:
    """Decide every commit (what kind, which page, which languages) before writing any text."""
    commits = [Commit(0, "import", 0, tuple(range(size.languages)), True)]
    for n in range(1, size.commits):
        rng = _rng(seed, "plan", n)
        roll = rng.random()
        kind = "whitespace" if roll < WHITESPACE_SHARE else \
            "editorial" if roll < WHITESPACE_SHARE + EDITORIAL_SHARE else "content"
        page = rng.randrange(size.pages)
        if size.languages > 1 and rng.random() >= ALL_LANGUAGES_SHARE:
            languages = (rng.randrange(size.languages),)
        else:
            languages = tuple(range(size.languages))
        commits.append(Commit(n, kind, page, languages, rng.random() < SUMMARY_SHARE))
    # The newest content edit of each page rewrites its summary: a current version without
    # one is a warning, and the benchmark builds with --strict.
    newest: dict[tuple[int, int], int] = {}
    for c in commits[1:]:
        if c.kind == "content":
            for lang in c.languages:
                newest[(c.page, lang)] = c.number
    for number in set(newest.values()):
        c = commits[number]
        commits[number] = Commit(c.number, c.kind, c.page, c.languages, True)
    return commits


# --- the site around the pages ---------------------------------------------------------------


def page_name(number: int) -> str:
    return f"policy-{number:02d}.md"


def _site_config(site: Path, languages: list[Language], pages: int) -> str:
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    existing = {entry["locale"]: entry for entry in i18n["languages"]}
    english = existing.get("en") or next(iter(existing.values()))
    entries = []
    for i, lang in enumerate(languages):
        entry = copy.deepcopy(existing.get(lang.code) or english)
        entry.update(locale=lang.code, name=lang.name, build=True)
        entry.pop("default", None)
        if i == 0:
            entry = {"locale": lang.code, "name": lang.name, "default": True,
                     **{k: v for k, v in entry.items() if k not in ("locale", "name")}}
        entries.append(entry)
    i18n["languages"] = entries
    config["theme"]["language"] = languages[0].code
    # `make serve` watches policy_site/, which a generated site imports from the real one.
    watch = [w for w in config.get("watch") or [] if any(
        w == name or w.startswith(name + "/") for name in SKELETON)]
    if watch:
        config["watch"] = watch
    else:
        config.pop("watch", None)
    names = [page_name(n) for n in range(1, pages + 1)]
    config["extra"]["policies"]["source_language"] = languages[0].code
    config["extra"]["policies"]["pages"] = names
    nav = ["index.md"]
    for name in names:
        nav += [name, name[:-len(".md")] + "/changes.md"]
    config["nav"] = nav + ["reports/index.md", "contact.md"]
    return ("# Generated by benchmarks/generate.py from the real site's mkdocs.yml.\n"
            + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100))


def _per_language(data, codes: list[str]):
    """Every `{de: …, en: …}` text in `data`, with exactly the languages in `codes`; a
    missing language gets the English text."""
    if isinstance(data, dict):
        if data and "en" in data and set(data) <= {lang.code for lang in LANGUAGES}:
            return {code: copy.deepcopy(data.get(code, data["en"])) for code in codes}
        return {k: _per_language(v, codes) for k, v in data.items()}
    if isinstance(data, list):
        return [_per_language(v, codes) for v in data]
    return data


def _data_file(site: Path, name: str, codes: list[str]) -> str:
    data = yaml.safe_load((site / "data" / name).read_text(encoding="utf-8"))
    return (f"# Generated by benchmarks/generate.py from the real data/{name}; the languages "
            "other than de and en have the English text.\n"
            + yaml.safe_dump(_per_language(data, codes), allow_unicode=True, sort_keys=False,
                             width=100))


_POLICY_LINK = re.compile(r"\]\(((?:\.\./)*)policy(\.md|/changes\.md)(#[^)]*)?\)")


def _side_page(site: Path, lang: Language, name: str) -> bytes:
    source = site / "docs" / lang.code / name
    if not source.is_file():
        source = site / "docs" / "en" / name
    text = source.read_text(encoding="utf-8")
    # The real pages link the one policy page; a generated site calls it policy-01.md.
    text = _POLICY_LINK.sub(lambda m: f"]({m.group(1)}policy-01{m.group(2)}{m.group(3) or ''})",
                            text)
    return text.encode("utf-8")


def _skeleton(site: Path, languages: list[Language], pages: int) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name in SKELETON:
        source = site / name
        paths = [source] if source.is_file() else sorted(source.rglob("*"))
        for p in paths:
            if p.is_file() and "__pycache__" not in p.parts:
                files[p.relative_to(site).as_posix()] = p.read_bytes()
    codes = [lang.code for lang in languages]
    files["mkdocs.yml"] = _site_config(site, languages, pages).encode("utf-8")
    files["data/strings.yml"] = _data_file(site, "strings.yml", codes).encode("utf-8")
    files["data/report-types.yml"] = _data_file(site, "report-types.yml", codes).encode("utf-8")
    for lang in languages:
        for name in SIDE_PAGES:
            files[f"docs/{lang.code}/{name}"] = _side_page(site, lang, name)
    return files


# --- git fast-import -------------------------------------------------------------------------


def _data(out: IO[bytes], payload: bytes) -> None:
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")


def _commit(out: IO[bytes], number: int, message: str, files: dict[str, bytes]) -> None:
    when = b"%d +0000" % int((START + timedelta(days=number)).timestamp())
    out.write(b"commit refs/heads/main\nmark :%d\n" % (number + 1))
    out.write(b"author " + AUTHOR + b" " + when + b"\n")
    out.write(b"committer " + AUTHOR + b" " + when + b"\n")
    _data(out, message.encode("utf-8"))
    if number:
        out.write(b"from :%d\n" % number)
    for path, content in sorted(files.items()):
        out.write(b"M 100644 inline " + path.encode("utf-8") + b"\n")
        _data(out, content)
    out.write(b"\n")


def _history(seed: int, size: Size, languages: list[Language],
             site: Path) -> Iterator[tuple[Commit, str, dict[str, bytes]]]:
    """(commit, message, files it writes), oldest first."""
    commits = plan(seed, size)
    rng = _rng(seed, "pages")
    sizes = [rng.randint(20, 57) for _ in range(size.pages)]
    pages = [[Page(lang, n + 1, _document(rng, lang, sizes[n]), lang.first)
              for n in range(size.pages)] for lang in languages]
    files = _skeleton(site, languages, size.pages)
    for lang_pages in pages:
        for page in lang_pages:
            files[f"docs/{page.lang.code}/{page_name(page.number)}"] = page.text().encode("utf-8")
    yield commits[0], "Add the site and its policy pages\n", files
    for c in commits[1:]:
        rng = _rng(seed, "commit", c.number)
        shares = [rng.random() for _ in range(rng.randint(1, 4))]
        ops = [rng.choice(("words", "words", "words", "add-sentence", "drop-sentence",
                           "add-block", "drop-block")) for _ in shares]
        changed: dict[str, bytes] = {}
        for index in c.languages:
            page = pages[index][c.page]
            if c.kind == "whitespace":
                _edit_whitespace(rng, page, shares[0])
            elif c.kind == "editorial":
                _edit_editorial(rng, page, shares[0])
            else:
                _edit_content(rng, page, shares, ops)
                if c.summary:
                    page.summary = _summary(_rng(seed, "summary", c.number, index),
                                            page.lang, c.number)
            changed[f"docs/{page.lang.code}/{page_name(page.number)}"] = page.text().encode("utf-8")
        where = page_name(c.page + 1) + (
            f" ({languages[c.languages[0]].code})" if len(c.languages) == 1 else " (all languages)")
        message = {
            "content": f"Change {where}\n",
            "editorial": f"Fix a typo in {where}\n\nEditorial: yes\n",
            "whitespace": f"Re-wrap a paragraph of {where}\n",
        }[c.kind]
        yield c, message, changed


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    return env


def generate(target: Path | str, size: Size, *, seed: int = 2017,
             site: Path | str = ROOT) -> Generated:
    """Write the repository for `size` into `target` (an empty or missing folder).

    `site` is the real site whose skeleton is copied (by default the one this file is in).

    Raises:
        ValueError: the size is out of range, or `target` is not empty.
        subprocess.CalledProcessError: git failed.
    """
    if not 1 <= size.languages <= len(LANGUAGES):
        raise ValueError(f"languages must be 1 to {len(LANGUAGES)}, not {size.languages}")
    if size.pages < 1 or not 1 <= size.pages <= 99 or size.commits < 1:
        raise ValueError("pages must be 1 to 99 and commits at least 1")
    if START + timedelta(days=size.commits) > datetime.now(UTC):
        raise ValueError(f"{size.commits} commits a day apart from {START.date()} would end in "
                         "the future, which the build refuses")
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise ValueError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    env = _git_env()
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True, env=env)
    languages = list(LANGUAGES[:size.languages])
    kinds: dict[str, int] = {}
    revisions = 0
    # Light compression and no delta search: four times faster, the pack a fifth bigger.
    importer = subprocess.Popen(["git", "-c", "pack.compression=1", "fast-import", "--quiet",
                                 "--done", "--big-file-threshold=1k"], cwd=target,
                                stdin=subprocess.PIPE, env=env)
    try:
        out = importer.stdin
        for commit, message, files in _history(seed, size, languages, Path(site)):
            _commit(out, commit.number, message, files)
            kinds[commit.kind] = kinds.get(commit.kind, 0) + 1
            revisions += sum(1 for p in files if "/policy-" in p)
        out.write(b"done\n")
        out.close()
    finally:
        if importer.wait() != 0:
            raise subprocess.CalledProcessError(importer.returncode, importer.args)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=target, check=True, env=env)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=target, check=True, env=env,
                          capture_output=True, text=True).stdout.strip()
    return Generated(target, size, head, revisions, kinds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path,
                        help="where to write the repository (empty or missing)")
    parser.add_argument("--languages", "-L", type=int, default=2,
                        help=f"number of languages, 1 to {len(LANGUAGES)}, taken in the order "
                             f"{', '.join(x.code for x in LANGUAGES)} (2)")
    parser.add_argument("--pages", "-P", type=int, default=3, help="policy pages per language (3)")
    parser.add_argument("--commits", "-C", type=int, default=50,
                        help="commits, the first of which adds the site (50)")
    parser.add_argument("--seed", type=int, default=2017, help="seed of everything random (2017)")
    parser.add_argument("--site", type=Path, default=ROOT,
                        help="the real site to copy the skeleton from (this checkout)")
    args = parser.parse_args(argv)
    try:
        result = generate(args.folder, Size(args.languages, args.pages, args.commits),
                          seed=args.seed, site=args.site)
    except ValueError as exc:
        parser.error(str(exc))
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 1
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.kinds.items()))
    print(f"{result.path}: {result.size}, HEAD {result.head[:12]}; {kinds}; "
          f"{result.revisions} policy file revisions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
