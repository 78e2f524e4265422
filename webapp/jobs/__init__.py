"""Background jobs: work too long for a request (a county's ledger), run from a table in the database.

A job's state lives in `export_job` and its file in `export_chunk`, so any web worker or app
server shows its progress and serves its download, and a job whose worker died is taken up again
by another (docs/scaling.md, "Background exports"). No extra service: each web process runs a
worker thread, or `flask jobs run` runs one apart.
"""
