"""`python -m reporting` runs the reporting service."""

from reporting.main import main

main()
