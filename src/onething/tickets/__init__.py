"""取号、叫号: tickets at a hall (by appointment, by ID number, walk-in), calling them to
windows, and the hall's display."""
