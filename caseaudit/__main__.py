from caseaudit.cli import main

raise SystemExit(main())
