"""`caseaudit serve`'s web server: sign-in over HTTP first, then one app process per live
session (docs/security.md, "Served sessions")."""
