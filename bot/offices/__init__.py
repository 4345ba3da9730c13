"""The citizen's own office: province directory of commune one-stop offices, hours, phones."""
