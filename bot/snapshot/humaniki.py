"""The women among Humaniki's 500 example humans (SDG 5), with every Wikipedia sitelink.

Humaniki's example data was drawn from a Denelezh instance, which is built from Wikidata's
JSON dumps: for each human it lists every sitelink the item had, by the site's database name
(``frwiki``), without the article's title. So the set's sitelinks are complete for every
Wikipedia the dump held, and their titles are unknown: each one is written with the IRI of
Wikidata's ``Special:GoToLinkedPage/<wiki>/<QID>`` and no ``schema:name``
(:func:`bot.snapshot.rdf.linked_page_iri`).
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import SnapshotError
from bot.languages import subdomain_of_site, wiki_of_subdomain
from bot.snapshot.rdf import Sitelink
from bot.snapshot.sources import SourceSet, Wikipedias, check_qid, need_columns, read_csv

FOLDER = "topics/humaniki_denelezh/"
HUMANS = FOLDER + "denelezh_humans_500.tsv"
SITELINKS = FOLDER + "denelezh_human_sitelink_500.tsv"
LABELS = FOLDER + "denelezh_label_500.tsv"
PROJECTS = FOLDER + "denelezh_project.tsv"
FEMALE = "6581072"  # Q6581072, "female" in the Uganda corpus's gender column
SET_ID = "sdg5-humaniki-women"

META = {
    "id": SET_ID,
    "goal": 5,
    "targets": [],
    "title": "Women among Humaniki's example humans",
    "description": (
        "The humans whose sex or gender (P21) is female (Q6581072) among the 500 "
        "lowest-numbered humans of Humaniki's example data, drawn from a Denelezh instance "
        "(Q320 Michelle Bachelet, Q567 Angela Merkel, Q1631 Édith Piaf, …), with every "
        "Wikipedia sitelink each had. The source gives the sitelinks without their titles."
    ),
    "data_date": "unknown (a Denelezh dump; the source does not date it)",
    "source": {
        "repository": "notconfusing/humaniki-schema",
        "path": "humaniki_schema/example_data/denelezh_humans_500.tsv",
        "commit": "4933cb1eba9e2785d7b5ac94fd11d7f32956529e",
        "licence": "MIT (repository licence, LICENSE.upstream); the data is Wikidata, CC0",
        "retrieved": "4933cb1e (repository HEAD; its date is not recorded in shared/data)",
        "description": (
            "denelezh_humans_500.tsv (id, gender, birthyear, sitelinks: the count over all "
            "sites), denelezh_human_sitelink_500.tsv (human, sitelink: the site's database "
            "name), denelezh_label_500.tsv (English labels) and denelezh_project.tsv (the "
            "projects Denelezh knew, with their type and URL), same folder and commit."
        ),
    },
}


def read_humaniki(source_dir: Path, wikipedias: Wikipedias) -> SourceSet:
    """The women, their English labels and their sitelinks to the observed Wikipedias."""
    humans_path, links_path = source_dir / HUMANS, source_dir / SITELINKS
    labels_path, projects_path = source_dir / LABELS, source_dir / PROJECTS
    humans = read_csv(humans_path, delimiter="\t")
    links = read_csv(links_path, delimiter="\t")
    need_columns(humans, ("id", "gender", "sitelinks"), humans_path)
    need_columns(links, ("human", "sitelink"), links_path)
    observed, subdomain = _observed_wikipedias(projects_path, wikipedias)
    projects = {r["code"] for r in read_csv(projects_path, delimiter="\t")}
    by_human: dict[str, list[str]] = {}
    for row in links:
        if row["sitelink"] not in projects:
            raise SnapshotError(f"{links_path}: {row['sitelink']!r} is not in {PROJECTS}")
        by_human.setdefault(_qid(row["human"], links_path), []).append(row["sitelink"])
    women, total, counts = set(), 0, {}
    for row in humans:
        qid = _qid(row["id"], humans_path)
        sites = by_human.get(qid, [])
        if not row["sitelinks"].isdigit() or int(row["sitelinks"]) != len(sites):
            raise SnapshotError(
                f"{humans_path}: {qid} counts {row['sitelinks']!r} sitelinks, {links_path.name} "
                f"lists {len(sites)}: the extract is not complete for it"
            )
        if len(set(sites)) != len(sites):
            raise SnapshotError(f"{links_path}: {qid} has a site twice")
        total += 1
        if row["gender"] == FEMALE:
            women.add(qid)
            counts[qid] = len(sites)
    if not women:
        raise SnapshotError(f"{humans_path}: no human with gender {FEMALE}")
    names = {}
    for row in read_csv(labels_path, delimiter="\t"):
        qid = _qid(row["id"], labels_path)
        if qid in women and row["lang"] == "en" and row["label"].strip():
            if row["label"] != row["label"].strip():
                raise SnapshotError(f"{labels_path}: {qid}: padded label {row['label']!r}")
            names[qid] = row["label"]
    sitelinks = [
        Sitelink(qid, site, subdomain[site], None)
        for qid in sorted(women, key=lambda q: int(q[1:]))
        for site in sorted(by_human.get(qid, []))
        if site in subdomain
    ]
    closed = sorted(set(subdomain) - set(observed))
    meta = {
        **META,
        "observed_check": (
            f"For each of the {total} humans the source's own sitelink count equals the rows "
            f"of {links_path.name} (all sites): the extract holds every sitelink each item had "
            f"in the dump. The observed Wikipedias are the {len(observed)} open Wikipedias of "
            f"denelezh_project.tsv (type wikipedia), the projects Denelezh read from the dump"
            + (f"; {', '.join(closed)} (closed in the bundled site matrix) left out" if closed
               else "")
            + ". scripts/build_snapshot.py repeats the check at every build."
        ),
    }
    sitelinks = [link for link in sitelinks if link.wiki in observed]
    return SourceSet(meta, women, sitelinks, observed, labels=names, titles=False,
                     all_sitelinks=counts)


def _qid(number: str, path: Path) -> str:
    return check_qid(f"Q{number}", path)


def _observed_wikipedias(path: Path, wikipedias: Wikipedias) -> tuple[list[str], dict[str, str]]:
    """The open Wikipedias Denelezh knew, and the subdomain of every Wikipedia it knew.

    A Wikipedia of the bundled site matrix keeps the matrix's subdomain; one created after it
    takes the host of Denelezh's URL, which must then agree with its database name.
    """
    known, closed = wikipedias.subdomain_of, wikipedias.closed
    subdomain: dict[str, str] = {}
    for row in read_csv(path, delimiter="\t"):
        if row["type"] != "wikipedia":
            continue
        code = row["code"]
        if code in known:
            subdomain[code] = known[code]
            continue
        found = subdomain_of_site(row["url"])
        if found is None or wiki_of_subdomain(found) != code:
            raise SnapshotError(f"{path}: {code}: URL {row['url']!r} does not name its wiki")
        subdomain[code] = found
    if not subdomain:
        raise SnapshotError(f"{path}: no Wikipedia")
    return sorted(w for w in subdomain if w not in closed), subdomain
