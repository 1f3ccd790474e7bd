"""People and access: accounts with roles, departments and jurisdictions, agents'
authorisations, API tokens."""
