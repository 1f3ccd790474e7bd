"""Electronic licences: the pure core and the verify command."""
