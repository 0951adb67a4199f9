"""Source adapters: read the files bureaus receive and plan how their rows load."""
