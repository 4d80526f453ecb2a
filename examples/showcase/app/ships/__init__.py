"""Ships: the showcase's first model, with a JSON API to list and create rows."""
