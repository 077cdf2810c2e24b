"""The Hugo sites that scripts/bench builds beside advocate: one Markdown file per referrer page and
per stats page, in two forms.

- same_bodies: each page's body is advocate's own (the <main> of the page advocate built), under
  a layout with the same head, header and footer, so that Hugo writes the same pages byte for
  byte (`identical` checks a sample): the equivalent pages issue 6 asks for. The bodies are HTML,
  which Hugo's Markdown renderer passes through (unsafe = true) with less work than it would
  spend on Markdown lists and tables, so if anything this favours Hugo.
- short_pages: the bench's earlier stand-in, a few lines of Markdown a page (about 1.5 KB of
  HTML against advocate's 9.5 KB), kept so that runs before and after the change compare.
"""
import html
import os
import re

LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1></main></body></html>
"""


def config(unsafe):
    return ('baseURL = "https://refer.acme.example/"\ntitle = "Acme Rewards"\n'
            'disableKinds = ["taxonomy", "term", "RSS"]\ndisablePathToLower = true\n[markup.goldmark.renderer]\n'
            f"unsafe = {'true' if unsafe else 'false'}\n")


def start_site(folder, unsafe, single=None):
    """Hugo's config and layouts (`single`, the default page layout, when given), and empty content
    sections r/ and stats/."""
    layouts = os.path.join(folder, "layouts", "_default")
    os.makedirs(layouts)
    files = [(os.path.join(folder, "config.toml"), config(unsafe)), (os.path.join(layouts, "list.html"), LIST)]
    if single is not None:
        files.append((os.path.join(layouts, "single.html"), single))
    for path, text in files:
        with open(path, "w") as f:
            f.write(text)
    for section in ("r", "stats"):
        os.makedirs(os.path.join(folder, "content", section))


def front_matter(fields):
    """YAML front matter with each value as a double-quoted string."""
    quoted = (f'{key}: "' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for key, value in fields)
    return "---\n" + "\n".join(quoted) + "\n---\n"


MAIN_START = '<main id="main" class="wrap">\n'
MAIN_END = "</main>"


JSON_LD = re.compile(r'<script type="application/ld\+json">.*?</script>')


def page_parts(text):
    """A built page's title, description, body class and canonical address, its body (the inside of
    <main>), and the text around the body."""
    # The page's own title, which its <title> follows with the site's name unless it names it.
    title = re.search(r'<meta property="og:title" content="([^"]*)">', text).group(1)
    description = re.search(r'<meta name="description" content="([^"]*)">', text).group(1)
    body_class = re.search(r'<body class="([^"]*)">', text).group(1)
    canonical = re.search(r'<link rel="canonical" href="([^"]*)">', text).group(1)
    start, end = text.index(MAIN_START) + len(MAIN_START), text.index(MAIN_END)
    return title, description, body_class, canonical, text[start:end], text[:start], text[end:]


def layout_from(text):
    """Hugo's layout for a section, made from one page advocate built there: the page around its
    body, with that page's own title, description, body class and address made Hugo's variables,
    so the layout follows the theme."""
    title, description, body_class, canonical, body, before, after = page_parts(text)
    # A public page's JSON-LD names the page: each Hugo page carries its own (front matter `jsonld`).
    before = JSON_LD.sub(lambda _: "{{ .Params.jsonld | safeHTML }}", before, count=1)
    # The document's title names the site after the page's, unless the page's already does
    # (the analytics page among the stats pages): each Hugo page carries its own.
    before = re.sub(r"<title>[^<]*</title>", lambda _: "<title>{{ .Params.documentTitle }}</title>", before, count=1)
    before = (before.replace(f'<body class="{body_class}">', '<body class="{{ .Params.bodyClass }}">')
              .replace(canonical, "{{ .Permalink }}")
              .replace(f'content="{title}"', 'content="{{ .Title }}"')
              .replace(f'content="{description}"', 'content="{{ .Params.description }}"'))
    # Hugo ends .Content with one newline, whatever number the body ended with.
    newlines = len(body) - len(body.rstrip("\n"))
    return before + "{{ .Content }}" + "\n" * max(0, newlines - 1) + after


def same_bodies(folder, built):
    """A page for each referrer page and stats page in advocate's output `built`, with its body."""
    start_site(folder, True)
    for section in ("r", "stats"):
        layout = None
        for name in sorted(os.listdir(os.path.join(built, section))):
            page = os.path.join(built, section, name, "index.html")
            if not os.path.exists(page):
                continue
            with open(page, encoding="utf-8") as f:
                text = f.read()
            if layout is None:
                layout = os.path.join(folder, "layouts", section)
                os.makedirs(layout)
                with open(os.path.join(layout, "single.html"), "w", encoding="utf-8") as f:
                    f.write(layout_from(text))
            title, description, body_class, _, body, _, _ = page_parts(text)
            document_title = re.search(r"<title>([^<]*)</title>", text).group(1)
            fields = [("title", html.unescape(title)), ("documentTitle", html.unescape(document_title)),
                      ("description", html.unescape(description)), ("bodyClass", body_class)]
            jsonld = JSON_LD.search(text)
            if jsonld:
                fields.append(("jsonld", jsonld.group(0)))
            with open(os.path.join(folder, "content", section, name + ".md"), "w", encoding="utf-8") as f:
                f.write(front_matter(fields) + body)


SHORT_PAGES_SINGLE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title><link rel="stylesheet" href="/assets/site.css"></head>
<body><a class="skip" href="#content">Skip to content</a>
<header><nav><a href="/">{{ .Site.Title }}</a> <a href="/faq/">FAQ</a> <a href="/terms/">Terms</a></nav></header>
<main id="content"><h1>{{ .Title }}</h1>
{{ with .Params.code }}<p class="code">Your code: <strong>{{ . }}</strong></p>{{ end }}
{{ .Content }}
</main>
<footer><p>{{ .Site.Title }} · <a href="/terms/">Terms</a></p></footer></body></html>
"""

CHANNELS = ["Email", "SMS", "WhatsApp", "X", "LinkedIn"]


def short_pages(folder, referrers):
    """A few lines of Markdown for each referrer page and stats page, from referrers.json."""
    start_site(folder, False, SHORT_PAGES_SINGLE)
    for index, referrer in enumerate(referrers):
        code, name = referrer["code"], referrer["name"]
        link = f"https://refer.acme.example/r/{code}/"
        shares = "\n".join(f"- [Share by {c}]({link}?source={c.lower()})" for c in CHANNELS)
        with open(os.path.join(folder, "content", "r", code + ".md"), "w") as f:
            f.write(front_matter([("title", f"{name} invites you"), ("code", code)])
                    + f"**{name}** thinks you will like Acme. Get *20% off the first order*; {name} gets "
                    f"a $25 account credit when you order.\n\n"
                    f"Your link: <{link}>\n\n{shares}\n\n"
                    "By referring you agree to the [terms](/terms/).\n")
        with open(os.path.join(folder, "content", "stats", referrer["statsToken"] + ".md"), "w") as f:
            f.write(front_matter([("title", f"{name}: your referrals")])
                    + "Figures as of 2026-06-30.\n\n| figure | value |\n| --- | ---: |\n"
                    f"| referred | {index % 7} |\n| contacted | {index % 5} |\n| converted | {index % 3} |\n"
                    f"| rewarded | {index % 2} |\n| earned | ${25 * (index % 2)} |\n\n"
                    "## By source\n\n| source | referred |\n| --- | ---: |\n"
                    + "".join(f"| {c} | {(index + i) % 4} |\n" for i, c in enumerate(CHANNELS)))


def identical(built, hugo_public, sample=500):
    """How many of a sample of advocate's referrer and stats pages Hugo wrote byte for byte, of how many."""
    same = total = 0
    for section in ("r", "stats"):
        for name in sorted(os.listdir(os.path.join(built, section)))[:sample]:
            ours = os.path.join(built, section, name, "index.html")
            if not os.path.exists(ours):
                continue
            total += 1
            theirs = os.path.join(hugo_public, section, name, "index.html")
            if os.path.exists(theirs):
                with open(ours, "rb") as a, open(theirs, "rb") as b:
                    same += a.read() == b.read()
    return same, total
