"""One router per audience: respondents (HTML) and the JSON API."""
