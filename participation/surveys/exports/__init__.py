"""Survey exports: German and technical CSV, XLSX, ODS and JSON, all streamed row by row."""
