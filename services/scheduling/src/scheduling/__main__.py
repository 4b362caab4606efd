"""`python -m scheduling` runs the scheduling service."""

from scheduling.main import main

main()
