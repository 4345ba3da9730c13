"""The staff side: accounts and roles, the web console under /staff/, the inbox loop."""
