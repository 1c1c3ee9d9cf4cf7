"""Reports for inspectors and the ministry: flag exports (CSV, XLSX) and the summary charts."""
