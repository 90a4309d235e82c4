"""The Responsible-AI statements, written once: the datasheet (scripts/templates/DATASHEET.md.j2) prints
them in its sections and Croissant (scripts/docs/croissant.py) publishes them as the RAI vocabulary's
properties, so a machine reader and a human reader get the same sentences.
Keys are the RAI property names (http://mlcommons.org/croissant/RAI/)."""
from __future__ import annotations

RAI = "http://mlcommons.org/croissant/RAI/"

TEXT: dict[str, str] = {
    "dataCollection": (
        "The five texts were given to the project as raw page captures and are kept byte for byte in `seeds/` "
        "(`seeds/sources.yaml` records each file's SHA-256; the build refuses a file that differs). Three are reposts "
        "whose page date is not the date the content was written; relative dates (今年, 去年, 明年) are resolved "
        "against the writing date (`reference_date`), never the page date. The `train` and `validation` splits of the "
        "benchmark tasks are generated documents, written by `scripts/generate.py` from the project's own facts, "
        "entities, seed clauses and templates."),
    "dataCollectionType": "Web scraping; Manual human curation; Synthetic data generation",
    "dataAnnotationProtocol": (
        "Reviewed YAML files in `seeds/annotations/` hold quotes and human decisions (subject, metric, scope, period "
        "words, kind, the likely reading of noise); code derives offsets from the quotes, values, units, bounds and "
        "periods, and a second annotator who saw only the raw texts and the guidelines annotated all five documents "
        "independently. The rules and the hard cases decided are in `seeds/annotations/GUIDELINES.md`."),
    "dataAnnotationPlatform": "Plain YAML files in a git repository, checked by the project's build; no crowdsourcing platform.",
    "dataBiases": (
        "Five documents about one company, all in Chinese and from a few sites: the noise kinds, wording and "
        "figures they show are not a sample of Chinese web text. The generated splits reuse the same facts, "
        "entities and clauses, so they share those biases."),
    "dataLimitations": (
        "`value` is what the text states, often wrongly; `value_reconciled` is a reading that depends on the noise "
        "labels' judgement (see `confidence`). Official figures exist for only some claims, and five documents are "
        "too few to generalise from."),
    "dataUseCases": (
        "Intended: training and evaluating numeric claim extraction from noisy Chinese web text; claim verification "
        "and contradiction detection with character-level provenance; noise and spin detection; studying how web "
        "reposts distort company figures. Not intended: as a source of Kuaishou's financial figures (use the "
        "company's filings); as a representative sample of Chinese web text; to judge the authors or sites quoted."),
    "dataSocialImpact": (
        "Tools that tie a figure to the characters that state it can help readers check what copied and spun pages "
        "say about a company; the same labelled noise could help someone write spam that evades such checks, "
        "which is why only the noise kinds of five public pages are given."),
    "personalSensitiveInformation": (
        "Names of real people appear as the sources give them, garbled forms included, with no other personal data; "
        "a takedown request removes a text from the next release (see LICENSE.md)."),
    "dataReleaseMaintenancePlan": (
        "Each release is a folder `v<version>/` with a `manifest.json` (SHA-256 and row count of every table, "
        "SHA-256 of every input file). A released version is never modified: the build refuses to change one, and a "
        "change needs a version bump and a CHANGELOG entry. Report an error by opening an issue naming the `doc_id`, "
        "the offsets and what is wrong; errata go into the next release's changelog."),
}


def properties(has_synthetic: bool) -> dict[str, object]:
    """The RAI properties of the dataset, as Croissant's JSON-LD keys."""
    return {f"rai:{k}": v for k, v in TEXT.items()} | {"rai:hasSyntheticData": has_synthetic}
