"""Reviews (SPEC section 6): gap breakdowns (``gap``) and review notes with carried-over actions (``notes``)."""
