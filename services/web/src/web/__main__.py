"""`python -m web` runs the staff web application."""

from web.main import main

main()
