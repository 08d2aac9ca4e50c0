"""Built-in connectors: one module per source, each a declaration on `harvester.connector`."""
