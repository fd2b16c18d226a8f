"""Pure clinical rules: dates, dose maths, PHQ-9, safety responses and triage flags. No Flask, no database."""
