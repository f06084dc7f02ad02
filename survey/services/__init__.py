"""Plain functions over an AsyncSession: the only place that reads and writes the tables."""
