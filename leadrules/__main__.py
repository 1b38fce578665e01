"""``python -m leadrules``: the same command line as the ``leadrules`` script."""

from .cli import main

if __name__ == "__main__":
    main()
