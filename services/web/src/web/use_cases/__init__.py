"""What the pages do: each use case calls the services' APIs through the ports, with the caller's token."""
