"""The advisor's review of an inventory: review mode, evidence, findings, visit, interview guide."""
