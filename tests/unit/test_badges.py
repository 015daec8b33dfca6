"""Badges from the sitelinks query: a sitelink to a redirect is not an article.

The bundled sources carry no badges, so this store is SYNTHETIC: the four real bundled sitelinks
of Q7942 (en, de, fr, it titles as in the climate set) plus made-up redirect-badge triples, for
this test only. The badge QIDs are those listed in queries/verify-live.tsv.
"""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import pyoxigraph as ox

from bot.engines import Plan, make_engine
from bot.facts import Facts, articles_frame, qid_numbers
from bot.languages import load_wikis
from bot.sources.endpoint import fetch_sitelinks
from bot.sparql import EmbeddedEndpoint

S = "http://schema.org/"
WD = "http://www.wikidata.org/entity/"
BADGE = ox.NamedNode("http://wikiba.se/ontology#badge")
SITELINKS = {  # wiki code: (title, badges)
    "en": ("Climate change", ()),
    "de": ("Globale Erwärmung", ("Q70894304", "Q70893996")),
    "fr": ("Réchauffement climatique", ("Q70893996",)),
    "it": ("Riscaldamento globale", ()),
}


def store_with_badges() -> ox.Store:
    store = ox.Store()
    for code, (title, badges) in SITELINKS.items():
        site = f"https://{code}.wikipedia.org/"
        node = ox.NamedNode(site + "wiki/" + quote(title.replace(" ", "_")))
        store.add(ox.Quad(node, ox.NamedNode(S + "about"), ox.NamedNode(WD + "Q7942")))
        store.add(ox.Quad(node, ox.NamedNode(S + "isPartOf"), ox.NamedNode(site)))
        store.add(ox.Quad(node, ox.NamedNode(S + "name"), ox.Literal(title, language=code)))
        for badge in badges:
            store.add(ox.Quad(node, BADGE, ox.NamedNode(WD + badge)))
    return store


def test_redirect_badges_are_not_articles():
    links = fetch_sitelinks(EmbeddedEndpoint(store_with_badges()), ["Q7942"], load_wikis())
    got = {r.wiki: (r.badges, r.redirect) for r in links.itertuples()}
    assert got == {
        "dewiki": ("Q70893996 Q70894304", True),
        "enwiki": ("", False),
        "frwiki": ("Q70893996", True),
        "itwiki": ("", False),
    }
    articles = links.loc[~links["redirect"], ["qid", "wiki"]]
    members = pd.DataFrame({"itemset": ["x"], "goal": [13], "qid": ["Q7942"]})
    observed = pd.DataFrame({"itemset": "x", "wiki": ["enwiki", "frwiki", "dewiki", "itwiki"]})
    facts = Facts(members=members, observed=observed,
                  articles=articles_frame(qid_numbers(articles["qid"]), articles["wiki"]))
    table = make_engine("compact").tables(facts, Plan()).coverage
    assert dict(zip(table["wiki"], table["articles"], strict=True)) == {
        "dewiki": 0,
        "enwiki": 1,
        "frwiki": 0,
        "itwiki": 1,
    }
