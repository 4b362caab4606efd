"""The pages: module-level routers whose providers (``deps``) reach the clients and the session."""
