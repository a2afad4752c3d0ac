"""DuckDB storage: the connection, numbered migrations, the functions that read and write tables, the views.

Nothing outside this package writes SQL against project tables.
"""
