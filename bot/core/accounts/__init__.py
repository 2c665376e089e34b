"""Chat accounts as adapters need them (through a unit of work), and members linking them to the directory."""
