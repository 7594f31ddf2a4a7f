"""The job boundary: enqueue solves (RQ or an embedded thread) and the job functions."""
