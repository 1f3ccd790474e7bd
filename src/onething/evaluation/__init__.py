"""好差评 and complaints: how people rate the service, and making sure someone acts on it."""
