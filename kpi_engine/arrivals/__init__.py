"""Data that arrives by itself: a watched inbox folder (inbox, watch), HTTP ingest (http_ingest, tokens).

Both run the one upload pipeline (kpi_engine.ingest.pipeline.ingest): the saved mapping for the file's
headers, the same validation, the same upload record and undo as the Data page and the CLI.
"""
