"""District and region view: level distributions, medians, statuses, map, shared services."""
