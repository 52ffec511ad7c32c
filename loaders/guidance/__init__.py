"""Guidance for failed backup jobs, where the docs and the jobs meet.

* `catalog` — docs_source/catalog.yaml: error code ↔ English message ↔ article and error id,
  job operations and category (`load_catalog`, `Catalog.match`).
* `resolve` — a job row's guidance from the catalog (`job_guidance`, `Resolver`), stored with the job.
* `sections` — the error section explaining a code or message in the reader's language
  (`resolve_guidance` over a `loaders.docs.graph.GuideGraph`).

`loaders.docs` never imports `loaders.jobs`; this package depends on both.
"""
