"""One module per page: layout and components only, no queries."""
