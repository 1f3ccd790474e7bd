"""Services that reach out: home visits (上门办) and assisted filing (帮办代办)."""
