"""Reading the source: front matter, body and language into one validated Document (the model)."""
