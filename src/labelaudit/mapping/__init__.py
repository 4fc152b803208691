"""`labelaudit map`: proposes a survey source's `columns` table from its export's header."""
