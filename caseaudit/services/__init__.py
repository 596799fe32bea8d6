"""The use cases of caseaudit, shared by every front end (the screens, the command line,
the sample loader): import a file, check a case, save/submit/amend an audit, moderation,
sampling, dashboards, the themes report, the demo. Each puts together the rules of
audit_tools with the store of db/; none adds a rule of its own."""
