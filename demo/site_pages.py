"""The HTML of the demo's fixture web: one page template per invented outlet, each with its own page noise
(menus, share buttons, "Lire aussi" / "Related articles" blocks, newsletter boxes, comments), plus a video page
with no text at all and a small PDF. Used by build_site.py.
"""

from __future__ import annotations

import html
import zlib
from datetime import datetime
from typing import Any

BASE = "{{BASE}}"
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
COMMENTS = {
    "fr": [
        ("Ibrahim K.", "Que Dieu protège nos soldats et nos populations. Il faut plus de moyens sur le terrain."),
        ("Mariam T.", "Merci pour cet article clair. On attend toujours le bilan officiel."),
        ("Patriote223", "Toujours les mêmes zones, toujours les mêmes routes. Où sont les escortes ?"),
        ("Abdoul", "Bon article, mais vous oubliez de parler des déplacés."),
    ],
    "en": [
        ("kofi_a", "Thanks for covering this. Hardly anyone else reports from the region."),
        ("Sahel watcher", "The numbers never add up between the army and local sources."),
        ("M. Dembélé", "Good piece, but more context on the blockade would help readers."),
    ],
}


def paragraphs(article: dict[str, Any]) -> list[str]:
    return [p.strip() for p in article.get("body", "").split("\n\n") if p.strip()]


def language(article: dict[str, Any]) -> str:
    """The article's language: its own `language`, else its outlet's (a mixed outlet must give one per article)."""
    return article.get("language") or article["outlet_spec"]["language"]


def published(article: dict[str, Any]) -> datetime:
    value = article["published"]
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def head(article: dict[str, Any], site: str, extra: str = "") -> str:
    e = html.escape
    when = published(article).isoformat()
    return f"""<!DOCTYPE html>
<html lang="{language(article)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(article["title"])} | {e(site)}</title>
<meta name="description" content="{e(article.get("summary") or "")}">
<meta name="author" content="{e(article.get("author") or site)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(site)}">
<meta property="og:title" content="{e(article["title"])}">
<meta property="og:url" content="{BASE}{article["path"]}">
<meta property="article:published_time" content="{when}">
<link rel="canonical" href="{BASE}{article["path"]}">
<link rel="stylesheet" href="{BASE}/static/{article["outlet"]}.css">
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": "article", "section": "securite"}});</script>
{extra}</head>
"""


def body_html(article: dict[str, Any], aside: str) -> str:
    paras = [f"<p>{html.escape(p)}</p>" for p in paragraphs(article)]
    paras.insert(min(2, len(paras)), aside)
    return "\n".join(paras)


def related(article: dict[str, Any], everything: list[dict[str, Any]], n: int = 3) -> list[dict[str, Any]]:
    same = [
        a for a in everything if a["outlet"] == article["outlet"] and a["id"] != article["id"] and a["page"] == "normal"
    ]
    start = zlib.crc32(article["id"].encode()) % max(len(same), 1)
    return (same[start:] + same[:start])[:n]


def links(items: list[dict[str, Any]]) -> str:
    return "\n".join(f'<li><a href="{BASE}{a["path"]}">{html.escape(a["title"])}</a></li>' for a in items)


def comments(article: dict[str, Any], heading: str, form: str) -> str:
    if article.get("no_comments"):
        return ""
    pool = COMMENTS[language(article)]
    start = zlib.crc32(article["id"].encode()) % len(pool)
    chosen = (pool[start:] + pool[:start])[:2]
    items = "\n".join(
        f'<div class="comment"><span class="comment-author">{html.escape(who)}</span> '
        f'<span class="comment-date">il y a 2 h</span><p>{html.escape(text)}</p></div>'
        for who, text in chosen
    )
    return f'<section id="comments" class="comments"><h2>{heading} ({len(chosen)})</h2>\n{items}\n{form}\n</section>'


def french_date(when: datetime) -> str:
    return f"{when.day} {MONTHS_FR[when.month - 1]} {when.year} à {when:%H:%M}"


def sahel_matin_page(article: dict[str, Any], everything: list[dict[str, Any]]) -> str:
    e = html.escape
    when = published(article)
    aside = (
        f'<aside class="lire-aussi"><strong>Lire aussi</strong><ul>\n{links(related(article, everything, 2))}'
        f"\n</ul></aside>"
    )
    if article["page"] == "empty":
        return video_shell_page(article)
    article_html = f"""<article class="post">
<nav class="breadcrumb"><a href="{BASE}/sahel-matin/">Accueil</a> › <a href="{BASE}/sahel-matin/securite/">Sécurité</a></nav>
<h1 class="post-title">{e(article["title"])}</h1>
<div class="byline">Par <span class="author">{e(article.get("author", ""))}</span> · Publié le
<time datetime="{when.isoformat()}">{french_date(when)}</time></div>
<div class="share-top"><a href="#">Partager sur Facebook</a> <a href="#">Partager sur X</a> <a href="#">WhatsApp</a> <a href="#">Copier le lien</a></div>
<div class="article-body">
{body_html(article, aside)}
</div>
<div class="tags">Mots-clés : <a href="#">Sahel</a> <a href="#">Sécurité</a> <a href="#">Afrique de l'Ouest</a></div>
</article>
{comments(article, "Commentaires", '<form class="comment-form"><textarea name="c">Votre commentaire</textarea><button>Publier</button></form>')}"""
    return (
        head(article, "Sahel Matin")
        + f"""<body class="single">
<div class="top-bar">Bamako · <a href="#">S'abonner</a> · <a href="#">Se connecter</a> · <a href="#">Newsletter</a></div>
<header class="site-header"><a class="logo" href="{BASE}/sahel-matin/">Sahel Matin</a>
<nav class="main-menu"><ul><li><a href="#">Accueil</a></li><li><a href="#">Politique</a></li><li><a href="#">Sécurité</a></li>
<li><a href="#">Économie</a></li><li><a href="#">Société</a></li><li><a href="#">Sport</a></li><li><a href="#">Culture</a></li><li><a href="#">Vidéos</a></li></ul></nav></header>
<div class="ticker"><span>Flash info</span> <a href="#">Prix des céréales : le gouvernement annonce des mesures</a> · <a href="#">Examens : le calendrier publié</a></div>
<main class="container">
{article_html}
<aside class="sidebar"><h3>Les plus lus</h3><ol>
{links(related(article, everything, 4)[1:])}
</ol><div class="ad">Publicité</div></aside>
</main>
<footer class="site-footer"><p>© 2026 Sahel Matin — Tous droits réservés</p>
<ul><li><a href="#">Qui sommes-nous ?</a></li><li><a href="#">Mentions légales</a></li><li><a href="#">Contact</a></li><li><a href="#">Publicité</a></li></ul></footer>
<script src="{BASE}/static/analytics.js"></script>
</body>
</html>
"""
    )


def video_shell_page(article: dict[str, Any]) -> str:
    """A video page built by JavaScript (menu, player, captions): an extractor finds no text in it."""
    return (
        head(article, "Sahel Matin")
        + f"""<body class="video">
<header class="site-header"><a class="logo" href="{BASE}/sahel-matin/"><img src="{BASE}/static/logo.svg" alt=""></a>
<nav id="main-menu" data-src="{BASE}/static/menu.json"></nav></header>
<main><div id="player" data-video-id="sm-{article["slug"][:24]}" data-autoplay="1"></div></main>
<script src="{BASE}/static/menu.js"></script>
<script src="https://player.example/embed.js" async></script>
<script>initPlayer("player", {{"ads": true, "related": true, "title": document.title}});</script>
</body>
</html>
"""
    )


def sahel_monitor_page(article: dict[str, Any], everything: list[dict[str, Any]]) -> str:
    e = html.escape
    when = published(article)
    aside = (
        '<div class="newsletter-box"><h4>Get the Sahel Brief</h4><p>Our weekly newsletter on security and '
        'politics in the region.</p><form><input type="email" placeholder="Your email"><button>Sign up</button>'
        "</form></div>"
    )
    return (
        head(article, "Sahel Monitor")
        + f"""<body>
<div id="cookie-banner">We use cookies to improve your experience. <button>Accept all</button> <button>Manage preferences</button></div>
<header><a class="brand" href="{BASE}/sahel-monitor/">Sahel Monitor</a>
<nav><a href="#">Home</a> | <a href="#">Mali</a> | <a href="#">Burkina Faso</a> | <a href="#">Niger</a> | <a href="#">Chad</a> | <a href="#">Mauritania</a> | <a href="#">Analysis</a> | <a href="#">Podcast</a> | <a href="#">Donate</a></nav></header>
<main>
<article>
<p class="kicker"><a href="#">Conflict</a></p>
<h1>{e(article["title"])}</h1>
<p class="byline">By <a rel="author" href="#">{e(article.get("author", ""))}</a> · <time datetime="{when.isoformat()}">{when:%B} {when.day}, {when.year}</time></p>
<ul class="share"><li><a href="#">Share on Facebook</a></li><li><a href="#">Share on X</a></li><li><a href="#">Share on LinkedIn</a></li><li><a href="#">Email</a></li></ul>
<div class="entry-content">
{body_html(article, aside)}
</div>
</article>
<section class="related"><h3>Related articles</h3><ul>
{links(related(article, everything))}
</ul></section>
{comments(article, "Comments", "<form><textarea>Join the discussion</textarea><button>Post comment</button></form>")}
</main>
<footer><p>Sahel Monitor is an independent, reader-funded newsroom.</p><p>© 2026 Sahel Monitor. <a href="#">Privacy</a> · <a href="#">Terms</a> · <a href="#">About us</a></p></footer>
<script src="{BASE}/static/cookies.js"></script>
</body>
</html>
"""
    )


def panafrica_wire_page(article: dict[str, Any], everything: list[dict[str, Any]]) -> str:
    e = html.escape
    when = published(article)
    return (
        head(article, "Pan-African Wire")
        + f"""<body>
<header><div class="logo">PAW</div><nav><a href="#">World</a> <a href="#">Africa</a> <a href="#">Business</a> <a href="#">Sports</a> <a href="#">Français</a> <a href="#">Markets</a></nav>
<form class="search"><input name="q" placeholder="Search PAW"></form></header>
<main>
<article class="story">
<h1>{e(article["title"])}</h1>
<div class="story-meta"><span class="credit">{e(article.get("author", ""))}</span> · <time datetime="{when.isoformat()}">{when:%Y-%m-%d %H:%M} GMT</time></div>
<div class="story-body">
{chr(10).join(f"<p>{e(p)}</p>" for p in paragraphs(article))}
</div>
</article>
<aside class="more"><h2>More from PAW</h2><ul>
{links(related(article, everything, 4))}
</ul></aside>
</main>
<footer><p>© 2026 Pan-African Wire. All rights reserved. Republication requires written permission.</p>
<a href="#">Editorial standards</a> · <a href="#">Contact the newsroom</a> · <a href="#">Licensing</a></footer>
</body>
</html>
"""
    )


def reveil_faso_page(article: dict[str, Any], everything: list[dict[str, Any]]) -> str:
    e = html.escape
    when = published(article)
    aside = (
        f'<div class="lire-aussi"><strong>LIRE AUSSI :</strong><ul>\n{links(related(article, everything, 2))}'
        "\n</ul></div>"
    )
    return (
        head(article, "Le Réveil du Faso")
        + f"""<body>
<div class="pub-banner"><a href="#"><img src="{BASE}/static/pub-operateur.gif" alt="Publicité"></a></div>
<header><h2 class="site-name"><a href="{BASE}/reveil-faso/">Le Réveil du Faso</a></h2>
<ul class="menu"><li><a href="#">Accueil</a></li><li><a href="#">Nation</a></li><li><a href="#">Régions</a></li><li><a href="#">Économie</a></li><li><a href="#">Sports</a></li><li><a href="#">Annonces</a></li><li><a href="#">Nécrologie</a></li></ul></header>
<div id="content">
<div class="post">
<h1>{e(article["title"])}</h1>
<div class="post-info">{e(article.get("author", ""))} — <time datetime="{when.isoformat()}">{french_date(when)}</time> — <a href="#comments">Réagir</a></div>
<div class="post-text">
{body_html(article, aside)}
</div>
<div class="social">Partagez : <a href="#">Facebook</a> <a href="#">WhatsApp</a> <a href="#">Imprimer</a></div>
</div>
{comments(article, "Réactions", '<form><input name="nom" placeholder="Votre nom"><textarea>Votre réaction</textarea><button>Envoyer</button></form>')}
</div>
<footer>© Le Réveil du Faso 2026 · 01 BP 0000 Ouagadougou 01 · <a href="#">Mentions légales</a></footer>
<script src="{BASE}/static/stats.js"></script>
</body>
</html>
"""
    )


TEMPLATES = {
    "sahel-matin": sahel_matin_page,
    "sahel-monitor": sahel_monitor_page,
    "panafrica-wire": panafrica_wire_page,
    "reveil-faso": reveil_faso_page,
}


def pdf_document(lines: list[str]) -> bytes:
    """A minimal one-page PDF showing `lines` (Latin-1 text), with a correct xref table."""
    text = (
        "BT /F1 11 Tf 50 780 Td 14 TL "
        + " ".join("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines)
        + " ET"
    )
    stream = text.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


AES_COMMUNIQUE = [
    "ALLIANCE DES ETATS DU SAHEL - CONFEDERATION AES",
    "Communique final de la reunion des ministres de la Defense et de la Securite",
    "Niamey, le 17 novembre 2026",
    "",
    "1. Les ministres ont examine la situation securitaire dans l'espace confederal.",
    "2. Ils ont salue la montee en puissance de la Force unifiee et des patrouilles conjointes.",
    "3. Ils ont decide de renforcer le partage du renseignement et la securisation des corridors.",
    "4. La prochaine reunion se tiendra a Bamako au premier trimestre 2027.",
]
