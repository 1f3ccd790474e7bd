"""The demo's data generators: a simulated month of cases (`onething demo`) and a year of
bulk-loaded case history (`onething demo --cases N`) for the benchmarks.

The demo catalogue itself (YAML) is in `onething/catalog/demo/`.
"""
