"""`python -m bench` (or `make bench`): the council-scale benchmark (bench.scale).

    python -m bench [--quick] [--audits N] [--cases N] [--runs N] [--keep DIR] ...
    python -m bench screens [...]   the older first-screen benchmark (bench.screens),
                                    which builds its database through the Store
    python -m bench served [...]    served sessions: sign-in to dashboard, memory of 1 and 20
"""

import sys


def main(argv: list[str]) -> int:
    if argv[:1] == ["served"]:
        from bench import served

        return served.main(argv[1:])
    if argv[:1] == ["screens"]:
        from bench import screens

        screens.main(argv[1:])
        return 0
    from bench import scale

    return scale.main(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
