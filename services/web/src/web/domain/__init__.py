"""Plain rules of the pages: Polish labels, the API's errors as staff read them, PESEL hints."""
