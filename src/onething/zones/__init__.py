"""专区办: zones (a market, a mall, a park) with their own window, shared materials, and
the bulk filing of new businesses from a spreadsheet."""
