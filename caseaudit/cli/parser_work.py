"""The parser of the commands that do the service's work: import, check, sample, allocate,
round, pack, stats, export and concerns (each handler named "module:function")."""

from __future__ import annotations

import argparse

from caseaudit.cli.options import iso_date, quarter_arg, standards_option


def add_work_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """import, check, sample, allocate, round, pack, stats, export and concerns, in that order."""
    p = sub.add_parser("import", help="import users, cases, events or audits from a file",
                       description="Imports a CSV/XLSX (users, cases, events) or JSON Lines "
                       "(audits) file. Every row is checked; a file with any bad row writes nothing.")
    isub = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    for what, text in [
        ("users", "CSV/XLSX columns username, display_name, roles, team[, manages]"),
        ("cases", "CSV/XLSX columns case_ref, case_type, start_date, team, worker, line_manager[, closed_date]"),
        ("events", "CSV/XLSX columns case_ref, kind, date[, child_seen, seen_alone, reason_not_alone, note]"),
        ("audits", "JSON Lines, one completed audit a line"),
    ]:
        ip = isub.add_parser(what, help=text, description=text)
        ip.add_argument("file", metavar="FILE", help="the file to import")
        if what == "cases":
            ip.add_argument("--new-teams", action="store_true",
                            help="add the teams no user belongs to yet (without it such a case is refused, "
                            "so a typo does not make a team)")
        ip.set_defaults(handler=f"caseaudit.cli.imports:import_{what}")
    text = "cases and events from an Ofsted Annex A workbook (Lists 3 to 9)"
    ip = isub.add_parser("annex-a", help=text, description=text.capitalize() + ": a bad cell refuses "
                         "the whole workbook unless --skip-invalid is given.")
    ip.add_argument("file", metavar="FILE.xlsx", help="the Annex A workbook")
    ip.add_argument("--skip-invalid", metavar="REJECTS.csv",
                    help="import the good rows and write the refused rows, with reasons, to REJECTS.csv "
                    "(a new file unless --force)")
    ip.add_argument("--force", action="store_true", help="replace an existing REJECTS.csv; never the database")
    ip.add_argument("--new-teams", action="store_true",
                    help="add the teams no user belongs to yet (without it such a row is refused, "
                    "or sent to REJECTS.csv with --skip-invalid)")
    ip.add_argument("--json", action="store_true", help="print one JSON document")
    ip.set_defaults(handler="caseaudit.cli.annex_a:run")

    p = sub.add_parser("check", help="evaluate the evidence standards for a case",
                       description="Evaluates the evidence standards for a case in the database "
                       "(CASE_REF) or described in a JSON file (--case-file).")
    p.add_argument("case_ref", nargs="?", metavar="CASE_REF", help="a case in the database (or give --case-file)")
    p.add_argument("--case-file", metavar="F", help="JSON case file; no database needed")
    p.add_argument("--as-of", type=iso_date, metavar="D", help="as-at date (default: today)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    standards_option(p)
    p.set_defaults(handler="caseaudit.cli.check:run")

    p = sub.add_parser("sample", help="draw or verify a moderation sample")
    ssub = p.add_subparsers(dest="sample_command", metavar="ACTION", required=True)
    sp = ssub.add_parser("draw", help="draw and store a moderation sample for a quarter",
                         description="Draws and stores a moderation sample (algorithm v1).")
    sp.add_argument("--quarter", required=True, type=quarter_arg, metavar="Q", help="e.g. 2024-25-Q1")
    sp.add_argument("--rate", default="0.10", metavar="R", help="fraction of each auditor's audits (default 0.10)")
    sp.add_argument("--min-per-auditor", type=int, default=1, metavar="M", help="minimum per auditor (default 1)")
    sp.add_argument("--seed", metavar="S", help="seed (default: a fresh random one)")
    sp.add_argument("--again", action="store_true",
                    help="draw another sample of a quarter sampled already (refused without it: "
                    "a draw cannot be undone)")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    sp.set_defaults(handler="caseaudit.cli.moderation:sample_draw")
    sp = ssub.add_parser("verify", help="re-derive a stored sample and compare",
                         description="Re-derives a stored sample; exit 0 if it matches, 1 if not.")
    sp.add_argument("sample_id", metavar="SAMPLE_ID", help="the sample to re-derive, e.g. S-000001")
    sp.set_defaults(handler="caseaudit.cli.moderation:sample_verify")

    p = sub.add_parser("allocate", help="allocate this month's audits, or verify an allocation",
                       description="Allocates each auditor's cases for a month at random from other "
                       "teams' open cases (algorithm alloc-v1) and stores the allocation. "
                       "`allocate verify ALLOCATION_ID` re-derives a stored one.",
                       usage="caseaudit allocate [-h] [--month YYYY-MM] [--per-auditor K] [--seed S] [--json]\n"
                       "       caseaudit allocate verify ALLOCATION_ID")
    p.add_argument("--month", metavar="YYYY-MM", help="the month to allocate, e.g. 2025-09 (or 09/2025, Sep 2025)")
    p.add_argument("--per-auditor", metavar="K", help="cases per auditor (default: the monthly audit quota)")
    p.add_argument("--seed", metavar="S", help="seed (default: a fresh random one)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler="caseaudit.cli.allocation:allocate")
    asub = p.add_subparsers(dest="allocate_command", metavar="verify")
    ap = asub.add_parser("verify", help="re-derive a stored allocation and compare",
                         description="Re-derives a stored allocation; exit 0 if it matches, 1 if not.")
    ap.add_argument("allocation_id", metavar="ALLOCATION_ID", help="the allocation to re-derive, e.g. AL-000001")
    ap.set_defaults(handler="caseaudit.cli.allocation:allocate_verify")

    p = sub.add_parser("round", help="thematic audit rounds: create, verify, report",
                       description="A thematic audit round: cases chosen for one theme (algorithm "
                       "round-v1), audited against the theme's questions and reported on their own.")
    rsub = p.add_subparsers(dest="round_command", metavar="ACTION", required=True)
    rp = rsub.add_parser("create", help="select and assign a round's cases and store the round",
                         description="Selects a round's cases from those open on --date that match every "
                         "filter, ranked by the seed (round-v1), gives each to the next auditor who is "
                         "neither its worker nor its line manager, and stores the round.")
    rp.add_argument("--name", required=True, metavar="N", help="the round's name, e.g. \"Neglect, autumn\"")
    rp.add_argument("--questions", required=True, metavar="FILE.toml", help="the round's question file")
    rp.add_argument("--date", required=True, metavar="D", help="the round's date: cases open on it")
    rp.add_argument("--size", required=True, metavar="K", help="how many cases to select")
    rp.add_argument("--case-types", metavar="T,...", help="only these case types, e.g. CIN,CP")
    rp.add_argument("--teams", metavar="T,...", help="only cases of these teams")
    rp.add_argument("--with-event", metavar="KIND", help="only cases with an event of this kind ...")
    rp.add_argument("--within", metavar="DURATION", help="... dated within this look-back before --date, e.g. 6m")
    rp.add_argument("--score-standards", action="store_true", help="auditors score the evidence standards too")
    rp.add_argument("--grade", action="store_true", help="auditors grade each case")
    rp.add_argument("--seed", metavar="S", help="seed (default: a fresh random one)")
    rp.add_argument("--auditors", required=True, metavar="U,...", help="the round's auditors (usernames)")
    rp.add_argument("--json", action="store_true", help="print one JSON document")
    rp.set_defaults(handler="caseaudit.cli.rounds:create")
    rp = rsub.add_parser("verify", help="re-derive a stored round and compare",
                         description="Re-derives a stored round's selection and assignment; exit 0 if it "
                         "matches, 1 if not, naming each difference.")
    rp.add_argument("round_id", metavar="ROUND_ID", help="the round to re-derive")
    rp.set_defaults(handler="caseaudit.cli.rounds:verify")
    rp = rsub.add_parser("report", help="a round's report: answers by question and team",
                         description="Writes the round's report: cases selected, audited and outstanding, "
                         "each question's answers overall and by team, the standards when scored, the "
                         "grades when graded (csv: PATH is a folder, one file per table).")
    rp.add_argument("round_id", metavar="ROUND_ID", help="the round to report on")
    rp.add_argument("--format", required=True, choices=["json", "csv", "xlsx", "md"], help="json, csv, xlsx or md")
    rp.add_argument("--out", required=True, metavar="PATH", help="output file (csv: a folder)")
    rp.add_argument("--include-notes", action="store_true", help="include the auditors' comments")
    rp.add_argument("--force", action="store_true", help="replace PATH if it exists")
    rp.set_defaults(handler="caseaudit.cli.rounds:report")

    p = sub.add_parser("pack", help="the inspection pack for a list of children",
                       description="What the service knows of each named child's practice, as at a date: "
                       "the case's facts, automatic standards results, audits, moderation, actions and "
                       "concerns, with a first page summing them up and listing every reference not found. "
                       "References are case refs or Annex A Child Unique IDs.")
    p.add_argument("case_refs", nargs="*", metavar="CASE_REF", help="references (or give --cases FILE)")
    p.add_argument("--cases", metavar="FILE", help="CSV/XLSX with a case_ref or Child Unique ID column, "
                   "or one reference a line")
    p.add_argument("--as-of", metavar="D", help="as at this date (default: today)")
    p.add_argument("--format", required=True, choices=["md", "xlsx"], help="md or xlsx")
    p.add_argument("--out", required=True, metavar="PATH", help="output file")
    p.add_argument("--include-notes", action="store_true", help="include free text: notes, action "
                   "descriptions, concerns, moderators' reasons and feedback")
    p.add_argument("--force", action="store_true", help="replace PATH if it exists")
    p.set_defaults(handler="caseaudit.cli.pack:pack")

    p = sub.add_parser("stats", help="moderation statistics")
    tsub = p.add_subparsers(dest="stats_command", metavar="WHAT", required=True)
    tp = tsub.add_parser("agreement", help="moderation agreement for a quarter",
                         description="Agreement between auditors and moderators for the audits of a quarter.")
    tp.add_argument("--quarter", required=True, type=quarter_arg, metavar="Q", help="e.g. 2024-25-Q1")
    tp.add_argument("--json", action="store_true", help="print one JSON document")
    tp.set_defaults(handler="caseaudit.cli.moderation:stats_agreement")

    p = sub.add_parser("export", help="export reports")
    esub = p.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    ep = esub.add_parser("themes", help="the quarterly themes report",
                         description="The quarterly themes report for the improvement board.")
    ep.add_argument("--quarter", required=True, type=quarter_arg, metavar="Q", help="e.g. 2024-25-Q1")
    ep.add_argument("--format", required=True, choices=["json", "csv", "xlsx", "md"], help="json, csv (PATH a folder), xlsx or md")
    ep.add_argument("--out", required=True, metavar="PATH", help="output file (csv: a folder)")
    ep.add_argument("--include-notes", action="store_true", help="include free-text notes")
    ep.add_argument("--force", action="store_true", help="replace an existing report (csv: only the "
                    "report's own files in the folder); never the database")
    ep.set_defaults(handler="caseaudit.cli.export:export_themes")

    p = sub.add_parser("concerns", help="safeguarding concerns raised while auditing, newest first",
                       description="Safeguarding concerns raised while auditing, newest first: every one "
                       "for a QA lead, else those on cases you line-manage or that you raised. "
                       "`concerns acknowledge ID` and `concerns close ID --action TEXT` act on one.")
    p.add_argument("--open", action="store_true", help="only concerns not yet closed")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--include-notes", action="store_true",
                   help="include what was found, what should happen and the action taken")
    p.set_defaults(handler="caseaudit.cli.concerns:list_concerns")
    csub = p.add_subparsers(dest="concerns_command", metavar="ACTION")
    cp = csub.add_parser("acknowledge", help="acknowledge an open concern (line manager or QA lead)",
                         description="Records that you have taken the concern on (who, when).")
    cp.add_argument("concern_id", metavar="ID", help="the concern, e.g. SC-000001")
    cp.set_defaults(handler="caseaudit.cli.concerns:acknowledge")
    cp = csub.add_parser("close", help="close an acknowledged concern with the action taken",
                         description="Closes an acknowledged concern, recording the action taken.")
    cp.add_argument("concern_id", metavar="ID", help="the concern, e.g. SC-000001")
    cp.add_argument("--action", required=True, metavar="TEXT", help="the action taken")
    cp.set_defaults(handler="caseaudit.cli.concerns:close")
