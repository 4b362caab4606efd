"""`python -m enrolment` runs the enrolment service."""

from enrolment.main import main

main()
