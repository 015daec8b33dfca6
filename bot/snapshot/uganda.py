"""Item sets about Uganda (SDGs 3–7, 10, 11, 15), from the Uganda Content Gap Observatory.

The source's corpus has one row per Wikidata item about Uganda that has at least one Wikipedia
article: its P31 classes (``types``, with their English labels in ``type_labels``), its English
Wikidata label, its P21 gender, its article titles in the English, Luganda and Swahili
Wikipedias (empty: no article) and the English Wikipedia page views the source measured.

Each set below is the corpus's items with one of the listed P31 classes (the women: humans
whose P21 is female). The classes are the QIDs the corpus itself gives, and each is checked
at every build to carry, in the corpus, exactly the English label written here. The three
Wikipedias are claimed as observed only after the non-empty title counts are checked against
the source's own per-language article counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.errors import SnapshotError
from bot.snapshot.rdf import Sitelink
from bot.snapshot.sources import SourceSet, check_qid, dbname, need_columns, read_csv

CORPUS = "topics/uganda_content_gap/ug_ccc_full_corpus.csv"
COVERAGE = "topics/uganda_content_gap/ug_coverage_by_language.csv"
OVERVIEW = "topics/uganda_content_gap/ug_overview.csv"
LANGS = ("en", "lg", "sw")  # the corpus's title columns: en_title, lg_title, sw_title
FEMALE = ("Q6581072", "female")  # the P21 value and its label in the corpus's gender column

SOURCE = {
    "repository": "KASOZIDENIS/Uganda-Content-Gap-Observatory",
    "path": "data/ug_ccc_full_corpus.csv",
    "commit": "63110bbc24845f217107e8a857e2658383238a43",
    "licence": (
        "no licence file in the repository; its README says the data is Wikidata (CC0) and "
        "Wikipedia (titles; pages CC BY-SA)"
    ),
    "retrieved": "2026",
    "description": (
        "The source's Uganda 'Cultural Context Content': 14,149 Wikidata items about Uganda "
        "with at least one Wikipedia article, found by six SPARQL strategies and a title "
        "keyword search over WDQS. Columns used: qitem, label (English Wikidata label), types "
        "(P31 QIDs) and type_labels, gender_qid and gender, en_title, lg_title, sw_title, "
        "en_views, sitelink_count (sitelinks over all Wikimedia sites). Checked against "
        "data/ug_coverage_by_language.csv and data/ug_overview.csv at the same commit."
    ),
}
PAGEVIEWS_SOURCE = {
    **{k: SOURCE[k] for k in ("repository", "path", "commit", "licence", "retrieved")},
    "wiki": "enwiki",
    "period": (
        "the six complete calendar months before the source's run in 2026 "
        "(PAGEVIEW_MONTHS = 6 in src_data/config.py); the run's month is not recorded"
    ),
    "description": (
        "en_views: views of each item's English Wikipedia article summed over the period, "
        "from the Wikimedia pageviews REST API (per-article, monthly, all-access, agent user; "
        "src_data/article_features.py). The source asked only for its 2,000 items with the "
        "most sitelinks (PAGEVIEW_TOP_N), so 0 elsewhere means not asked; only positive "
        "counts of the bundled items are kept."
    ),
}


@dataclass(frozen=True)
class UgandaSet:
    id: str
    goal: int
    targets: tuple[str, ...]
    title: str
    description: str
    classes: tuple[tuple[str, str], ...]  # (P31 QID, its English label in the corpus)
    gender: tuple[str, str] | None = None  # (P21 QID, its label) the items must also have


UGANDA_SETS = (
    UgandaSet(
        "sdg3-uganda-hospitals", 3, ("3.8",), "Hospitals and health care in Uganda",
        "Hospitals of Uganda and the articles on its health and health care: the facilities "
        "and the system through which essential health-care services are reached (target 3.8).",
        (("Q16917", "hospital"), ("Q644264", "children's hospital"),
         ("Q2387974", "military hospital"), ("Q5154967", "community hospital"),
         ("Q1059324", "university hospital"), ("Q64027457", "health by country or region"),
         ("Q64027602", "healthcare by country or region")),
    ),
    UgandaSet(
        "sdg4-uganda-schools-universities", 4, ("4.a",), "Schools, colleges and universities "
        "of Uganda", "Uganda's schools, colleges, seminaries and universities: its education "
        "facilities (target 4.a).",
        (("Q3914", "school"), ("Q9842", "primary school"), ("Q159334", "secondary school"),
         ("Q9826", "high school"), ("Q269770", "boarding school"),
         ("Q22713629", "girls' school"), ("Q572835", "international school"),
         ("Q11146499", "aided school"), ("Q2307291", "school for the deaf"),
         ("Q322563", "vocational school"), ("Q494230", "medical school"),
         ("Q3918", "university"), ("Q875538", "public university"),
         ("Q902104", "private university"), ("Q6082807", "Islamic university"),
         ("Q38723", "higher education institution"), ("Q4671277", "academic institution"),
         ("Q2385804", "educational institution"), ("Q62079009", "constituent college"),
         ("Q1743327", "church college"), ("Q576603", "Bible college"),
         ("Q1522839", "staff college"), ("Q233324", "seminary"),
         ("Q14911880", "Catholic seminary")),
    ),
    UgandaSet(
        "sdg5-uganda-women", 5, (), "Women of Uganda",
        "Humans (P31 human) whose sex or gender (P21) is female, from the source's corpus of "
        "Uganda items: the biographies behind the gender gap the source measures.",
        (("Q5", "human"),), FEMALE,
    ),
    UgandaSet(
        "sdg6-uganda-water-bodies", 6, ("6.6",), "Lakes, rivers and wetlands of Uganda",
        "Uganda's rivers, streams, lakes, bays, swamps, marshes, wetlands and springs: the "
        "water-related ecosystems of target 6.6 (wetlands, rivers, aquifers and lakes).",
        (("Q4022", "river"), ("Q47521", "stream"), ("Q16465938", "seasonal river"),
         ("Q108822533", "border river"), ("Q355304", "watercourse"),
         ("Q55659167", "natural watercourse"), ("Q7376362", "river source"),
         ("Q23397", "lake"), ("Q3505788", "freshwater lake"), ("Q188025", "salt lake"),
         ("Q204324", "volcanic crater lake"), ("Q100900880", "crater lake"),
         ("Q4862348", "polymictic lake"), ("Q3215290", "artificial lake"),
         ("Q5926864", "group of lakes"), ("Q55465414", "lake channel"), ("Q39594", "bay"),
         ("Q17018380", "bight"), ("Q15324", "body of water"), ("Q166735", "swamp"),
         ("Q30198", "marsh"), ("Q170321", "wetland"), ("Q55463449", "intermittent wetland"),
         ("Q3177968", "waterhole"), ("Q124714", "spring"), ("Q177380", "hot spring")),
    ),
    UgandaSet(
        "sdg7-uganda-power", 7, ("7.b",), "Power stations and power lines of Uganda",
        "Uganda's power stations (hydroelectric, solar, thermal, biomass, geothermal, wind, "
        "nuclear) and power lines: the energy infrastructure of a least developed, landlocked "
        "country that target 7.b is about.",
        (("Q15911738", "hydroelectric power station"),
         ("Q1003207", "photovoltaic power station"), ("Q2298412", "solar power plant"),
         ("Q200297", "thermal power station"), ("Q261604", "oil-fired power station"),
         ("Q3498533", "natural gas-fired power station"),
         ("Q1601458", "combined heat and power station"),
         ("Q55364050", "biomass-fired power station"),
         ("Q30565277", "geothermal power station"), ("Q194356", "wind farm"),
         ("Q134447", "nuclear power plant"), ("Q2144320", "overhead power line"),
         ("Q18562917", "high-voltage power line")),
    ),
    UgandaSet(
        "sdg10-uganda-refugee-settlements", 10, ("10.7",), "Refugee settlements of Uganda",
        "Uganda's refugee settlements and camps (P31 refugee camp). They are counted for goal "
        "10 rather than 11: they exist because people were displaced across borders, and the "
        "UN measures refugees under target 10.7 (indicator 10.7.4, the proportion of the "
        "population who are refugees). Settlements the corpus also types as human settlement "
        "are counted for goal 11 as well.",
        (("Q622499", "refugee camp"),),
    ),
    UgandaSet(
        "sdg11-uganda-settlements", 11, (), "Cities, towns, districts and settlements of Uganda",
        "Uganda's cities, municipalities, towns and town councils, city divisions, "
        "neighbourhoods, villages and other human settlements, and its districts. Counties, "
        "sub-counties and parishes (administrative areas rather than settlements) are not "
        "included.",
        (("Q515", "city"), ("Q133283077", "city of Uganda"), ("Q1549591", "big city"),
         ("Q902814", "border city"), ("Q15284", "municipality"),
         ("Q110977456", "municipality of Uganda"), ("Q3957", "town"),
         ("Q110977342", "town council of Uganda"), ("Q110977362", "division of Uganda"),
         ("Q123705", "neighborhood"), ("Q486972", "human settlement"), ("Q532", "village"),
         ("Q1317251", "fishing village"), ("Q3539870", "district of Uganda")),
    ),
    UgandaSet(
        "sdg15-uganda-protected-areas", 15, ("15.1",), "Protected areas of Uganda",
        "Uganda's national parks, wildlife and forest reserves and other protected areas: the "
        "conservation of terrestrial and inland freshwater ecosystems of target 15.1.",
        (("Q473972", "protected area"), ("Q46169", "national park"),
         ("Q18618832", "national park of Uganda"), ("Q7315273", "forest reserve"),
         ("Q20268591", "wildlife reserve"), ("Q1377575", "wildlife refuge"),
         ("Q179049", "nature reserve"), ("Q1533036", "animal sanctuary")),
    ),
    UgandaSet(
        "sdg15-uganda-forests", 15, ("15.2",), "Forests of Uganda",
        "Uganda's forests (P31 forest): the sustainable management of forests of target 15.2.",
        (("Q4421", "forest"),),
    ),
)


@dataclass
class UgandaData:
    sets: list[SourceSet]
    pageviews: list[tuple[str, str, int]]  # (qid, wiki, views), the bundled items only
    observed_check: str


def read_uganda(source_dir: Path, dbname_of: dict[str, str]) -> UgandaData:
    """The Uganda sets, after checking the corpus against the source's own counts."""
    path = source_dir / CORPUS
    rows = read_csv(path)
    need_columns(rows, ("qitem", "label", "sitelink_count", "types", "type_labels", "gender_qid",
                        "gender", "en_title", "lg_title", "sw_title", "en_views"), path)
    wikis = {lang: dbname(lang, dbname_of, path) for lang in LANGS}
    check = _check_observed(source_dir, rows)
    labels = _class_labels(rows, path)
    by_qid: dict[str, dict[str, str]] = {}
    for row in rows:
        qid = check_qid(row["qitem"], path)
        if qid in by_qid:
            raise SnapshotError(f"{path}: {qid} appears twice")
        by_qid[qid] = row
    seen_titles: set[tuple[str, str]] = set()
    for qid, row in by_qid.items():
        for lang in LANGS:
            title = row[f"{lang}_title"]
            if title and (title != title.strip() or "_" in title or (lang, title) in seen_titles):
                raise SnapshotError(f"{path}: {qid}: padded, URL-form or repeated {lang} title")
            seen_titles.add((lang, title))
    sets = [_source_set(spec, by_qid, labels, wikis, check, path) for spec in UGANDA_SETS]
    members = set().union(*(s.qids for s in sets))
    views = []
    for qid in members:
        value = by_qid[qid]["en_views"]
        if not value.isdigit():
            raise SnapshotError(f"{path}: {qid}: en_views {value!r} is not a count")
        if int(value) > 0:
            if not by_qid[qid]["en_title"]:
                raise SnapshotError(f"{path}: {qid} has page views but no English article")
            views.append((qid, wikis["en"], int(value)))
    views.sort(key=lambda r: (int(r[0][1:]), r[1]))
    return UgandaData(sets, views, check)


def _check_observed(source_dir: Path, rows: list[dict[str, str]]) -> str:
    """The source's own counts must equal the corpus's: else a wiki is not claimed observed."""
    coverage_path, overview_path = source_dir / COVERAGE, source_dir / OVERVIEW
    coverage = {r["languagecode"]: r["ccc_articles"] for r in read_csv(coverage_path)}
    overview = {r["metric"]: r["value"] for r in read_csv(overview_path)}
    if overview.get("ccc_items_total") != str(len(rows)):
        raise SnapshotError(
            f"{overview_path}: ccc_items_total {overview.get('ccc_items_total')!r} is not the "
            f"corpus's {len(rows)} rows"
        )
    counts = {lang: sum(1 for r in rows if r[f"{lang}_title"]) for lang in LANGS}
    for lang, count in counts.items():
        if coverage.get(lang) != str(count):
            raise SnapshotError(
                f"{coverage_path}: {lang} has {coverage.get(lang)!r} articles, the corpus "
                f"{count} non-empty {lang}_title: {lang}wiki cannot be claimed observed"
            )
    figures = ", ".join(f"{lang} {counts[lang]:,}" for lang in LANGS)
    return (
        f"Non-empty en_title, lg_title and sw_title over the corpus's {len(rows):,} rows "
        f"({figures}) equal the source's own per-language article counts in "
        f"ug_coverage_by_language.csv, and {len(rows):,} is ccc_items_total in ug_overview.csv: "
        "for these three Wikipedias an empty title is the source's statement that the item has "
        "no article there. scripts/build_snapshot.py repeats the check at every build."
    )


def _class_labels(rows: list[dict[str, str]], path: Path) -> dict[str, str]:
    """QID → English label of every P31 class, from the rows whose two columns align."""
    labels: dict[str, Counter] = {}
    for row in rows:
        types = row["types"].split("|") if row["types"] else []
        names = row["type_labels"].split(", ") if row["type_labels"] else []
        for cls in types:
            check_qid(cls, path)
        if len(types) != len(names):
            continue  # a label with a comma in it: the pairing is not certain
        for cls, name in zip(types, names, strict=True):
            labels.setdefault(cls, Counter())[name] += 1
    return {cls: names.most_common(1)[0][0] for cls, names in labels.items() if len(names) == 1}


def _source_set(spec, by_qid, labels, wikis, check, path: Path) -> SourceSet:
    for cls, label in spec.classes:
        if labels.get(cls) != label:
            raise SnapshotError(
                f"{path}: {spec.id}: class {cls} is {labels.get(cls)!r} in the corpus, "
                f"not {label!r}"
            )
    wanted = {cls for cls, _ in spec.classes}
    qids, sitelinks, p31, names, counts = set(), [], set(), {}, {}
    for qid, row in by_qid.items():
        types = set(row["types"].split("|")) if row["types"] else set()
        if not types & wanted:
            continue
        if spec.gender and (row["gender_qid"], row["gender"]) != spec.gender:
            continue
        qids.add(qid)
        p31 |= {(qid, cls) for cls in types}
        if not row["sitelink_count"].isdigit():
            raise SnapshotError(f"{path}: {qid}: sitelink_count {row['sitelink_count']!r}")
        counts[qid] = int(row["sitelink_count"])
        if row["label"].strip():
            if row["label"] != row["label"].strip() or "\n" in row["label"]:
                raise SnapshotError(f"{path}: {qid}: padded label {row['label']!r}")
            names[qid] = row["label"]
        for lang in LANGS:
            if row[f"{lang}_title"]:
                sitelinks.append(Sitelink(qid, wikis[lang], lang, row[f"{lang}_title"]))
    if not qids:
        raise SnapshotError(f"{path}: {spec.id}: no item has one of its classes")
    meta = {
        "id": spec.id,
        "goal": spec.goal,
        "targets": list(spec.targets),
        "title": spec.title,
        "description": spec.description,
        "data_date": "2026",
        "source": SOURCE,
        "observed_check": check,
        "classes": [{"qid": c, "label": label} for c, label in spec.classes],
    }
    if spec.gender:
        meta["gender"] = {"qid": spec.gender[0], "label": spec.gender[1]}
    observed = sorted(wikis.values())
    return SourceSet(meta, qids, sitelinks, observed, p31=p31, labels=names,
                     all_sitelinks=counts)
