"""The instructor cohort dashboard's logic: schedule, queries, exports, seeding.

Plain Python over the elsx models; the block in elsx.blocks.cohort only
parses requests and renders. Every read costs a fixed number of queries,
whatever the cohort size (see elsx.cohort.query).
"""
