"""`python -m replica` is `python -m replica.server`."""

from replica.server import main

main()
