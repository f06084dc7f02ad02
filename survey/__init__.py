"""Brukarenkät: the web app, database and command line that wire questionnaires, analysis and reports."""
