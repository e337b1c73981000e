"""Insights: spend and fairness measures on published and imported data (the open data floor).

Reads the platform's published releases and OCDS imported with `import-ocds`, and spend files
loaded with `import-spend`, through Parquet snapshots (`snapshot`), never a domain app's
tables; the measures are written once with Ibis and run on DuckDB or Spark (`engine`)."""
