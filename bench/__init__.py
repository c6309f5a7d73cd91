"""Benchmarks of report-qa (issue 7): quality against baselines, latency, build, scale, embedding speed.

Run `python -m bench.run [--quick] [--parts quality,latency,...]`; tables are printed as markdown and
the numbers are written to bench/results/*.json (bench/results/tmp/ holds scratch files, git-ignored).
"""
