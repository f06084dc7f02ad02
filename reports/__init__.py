"""Reports: a ReportData in, bytes out (HTML, PDF, XLSX, CSV). Never queries the database."""
