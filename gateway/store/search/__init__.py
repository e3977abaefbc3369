"""The search SQL compiler: criteria, sorting, paging and includes (all SQL lives in store)."""
