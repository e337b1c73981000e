"""The insights' own stores (spend files and lines, supplier matches, snapshot marks)."""
