"""The advisors' portfolio dashboard: list, heat map, comparison and exports."""
